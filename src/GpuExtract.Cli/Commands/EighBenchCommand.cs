using System.CommandLine;
using System.Globalization;
using GpuExtract.Cli.Syntax;
using GpuExtract.Core.Extraction;
using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Cuda;
using GpuExtract.Cuda.Device;
using GpuExtract.Cuda.Kernels;
using GpuExtract.EighStudy;
using GpuExtract.EighStudy.Cuda;

namespace GpuExtract.Cli.Commands;

/// <summary>
/// <c>gpuextract eigh-bench</c>: the eigh size-scaling study (perf/README.md). Times eigenvalues + eigenvectors of
/// random SPD matrices (condition 1e8) over a range of n and of the extraction's own matrices (n ≈ 74 blocks,
/// n ≈ 520 patches) over batch sizes, precisions and methods; validates every point; writes CSV, JSON and SVG.
/// </summary>
public sealed class EighBenchCommand : DocumentedCommand
{
    /// <summary>CPU methods, in the order they run: name → (native LAPACK?, all cores?).</summary>
    public static readonly IReadOnlyList<(string Name, bool Native, bool AllCores, string Summary)> CpuMethods =
    [
        ("lapack", true, true, "dsyevd/ssyevd, batch split over all cores, one matrix per thread"),
        ("lapack-1core", true, false, "dsyevd/ssyevd on one core: a loop of single-matrix calls"),
        ("managed", false, true, "the managed fallback (Householder + QL, f64), all cores"),
        ("managed-1core", false, false, "the managed fallback on one core"),
    ];

    /// <summary>GPU methods, run by the CUDA backend.</summary>
    public static readonly IReadOnlyList<(string Name, string Summary)> CudaMethods = CudaEighMethod.Methods;

    /// <summary>Methods run when --methods is not given.</summary>
    public const string DefaultMethods = "lapack,lapack-1core,managed";

    private readonly Option<string> sizes = new("--sizes") { HelpName = "N,N,...", Description = "orders n of the random SPD matrices", DefaultValueFactory = _ => "32,64,74,128,256,500,1024,2048" };
    private readonly Option<string> batch = new("--batch") { HelpName = "B,B,...", Description = "matrices per timed call", DefaultValueFactory = _ => "1,16,256" };
    private readonly Option<string> precision = new("--precision") { HelpName = "f64,f32", Description = "precisions", DefaultValueFactory = _ => "f64,f32" };
    private readonly Option<string?> methods = new("--methods") { HelpName = "M,M,...", Description = $"methods to time (see above) (default: {DefaultMethods})" };
    private readonly Option<string> backend = new("--backend") { HelpName = "cpu[,cuda]", Description = "backends whose methods run", DefaultValueFactory = _ => "cpu" };
    private readonly Option<string> inputs = new("--inputs") { HelpName = "random,extraction", Description = "input families", DefaultValueFactory = _ => "random,extraction" };
    private readonly Option<int> repeat = new("--repeat") { HelpName = "N", Description = "timed repeats per point (after 1 warm-up)", DefaultValueFactory = _ => 5, CustomParser = OptionParsers.Integer(minimum: 1) };
    private readonly Option<double> pointBudget = new("--point-budget") { HelpName = "S", Description = "skip points projected to take longer than S seconds", DefaultValueFactory = _ => 30, CustomParser = OptionParsers.Number() };
    private readonly Option<double?> memoryLimit = new("--memory-limit") { HelpName = "GB", Description = "memory one call may use; larger batches are split (default: half the available memory)", CustomParser = OptionParsers.OptionalNumber() };
    private readonly Option<int?> threads = new("--threads") { HelpName = "N", Description = "threads of the all-cores methods (default: all cores)", CustomParser = OptionParsers.OptionalInteger(minimum: 1) };
    private readonly Option<int> seed = new("--seed") { HelpName = "N", Description = "seed of the random matrices", DefaultValueFactory = _ => 1, CustomParser = OptionParsers.Integer() };
    private readonly Option<string?> extractionFile = new("--extraction") { HelpName = "FILE", Description = "extraction matrices (FITS) to time (default: the committed fixture)" };
    private readonly Option<string?> output = new("--output", "-o") { HelpName = "CSV", Description = "write the points as CSV (and JSON next to it)" };
    private readonly Option<string?> json = new("--json") { HelpName = "FILE", Description = "write the JSON here" };
    private readonly Option<string?> plot = new("--plot") { HelpName = "FILE", Description = "write the plot as FILE.png and FILE.svg (a .png or .svg extension is dropped)" };
    private readonly Option<string?> writeExtraction = new("--write-extraction") { HelpName = "FITS", Description = "only simulate a frame and write its extraction matrices (the fixture) to FITS" };

    public EighBenchCommand() : base("eigh-bench", "Time symmetric eigen-decomposition (eigh) against n, batch size, precision and method")
    {
        Details =
            "Inputs: random SPD matrices (condition 1e8) of every --sizes n, and the extraction's own matrices\n" +
            "(per-fiber blocks of iCov^-1, n = 74, and whole-patch iCov, n = 518, exported from a simulated frame;\n" +
            "the committed fixture perf/results/eigh-extraction-matrices.fits.gz, else simulated on the fly).\n" +
            "Each point: --repeat timed runs after one warm-up (median and minimum), matrices/s, GFLOP/s under the\n" +
            "9n^3 model, memory used; batches that do not fit --memory-limit are split and say so; a point whose\n" +
            "projected time exceeds --point-budget (from the method's speed at its previous point) is skipped and listed.\n" +
            "Validation: ||Av-lv||/||A||_F and |V^T V - I| <= 1e-10 (f64), 1e-4 (f32) on up to 8 matrices per point;\n" +
            "a failure marks the point FAILED in every output.\n" +
            "The defaults take about 6 minutes on a 2-core machine whose cores are shared with other work. Methods: " +
            string.Join(", ", CpuMethods.Select(m => m.Name)) + " (cpu); " + string.Join(", ", CudaMethods.Select(m => m.Name)) + " (cuda).\n" +
            "With -o X.csv the JSON (with machine information) goes to X.json unless --json says otherwise.";
        foreach (Option option in (Option[])[sizes, batch, precision, methods, backend, inputs, repeat, pointBudget, memoryLimit, threads, seed, extractionFile, output, json, plot, writeExtraction])
        {
            Add(option);
        }
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        if (parse.GetValue(writeExtraction) is string fixturePath)
        {
            if (Path.GetDirectoryName(Path.GetFullPath(fixturePath)) is string directory)
            {
                Directory.CreateDirectory(directory);
            }
            int fixtureSeed = parse.GetValue(seed);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            IReadOnlyList<ExtractionMatrix> simulated = ExtractionMatrices.Simulate(fixtureSeed);
            ExtractionMatrices.Write(fixturePath, simulated, fixtureSeed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {simulated.Count} extraction matrices ({string.Join(", ", simulated.GroupBy(m => (m.Kind, m.N)).Select(g => $"{g.Count()} {g.Key.Kind} n={g.Key.N}"))}) to {fixturePath} in {clock.Elapsed.TotalSeconds:0.0} s"));
            return 0;
        }

        int[] sizeList = PositiveIntegers(sizes.Name, parse.GetRequiredValue(sizes));
        int[] batches = PositiveIntegers(batch.Name, parse.GetRequiredValue(batch));
        EighPrecision[] precisions = Precisions(parse.GetRequiredValue(precision));
        string[] backends = Names(parse.GetRequiredValue(backend));
        foreach (string name in backends)
        {
            if (name is not ("cpu" or "cuda"))
            {
                throw new UsageException($"--backend must list cpu and/or cuda, got '{name}'");
            }
        }
        string? methodsGiven = parse.GetValue(methods);
        string[] methodNames = Names(methodsGiven ?? DefaultMethods);
        foreach (string name in methodNames)
        {
            if (!CpuMethods.Any(m => m.Name == name) && !CudaMethods.Any(m => m.Name == name))
            {
                throw new UsageException($"unknown eigh method '{name}'; known: {string.Join(", ", CpuMethods.Select(m => m.Name).Concat(CudaMethods.Select(m => m.Name)))}");
            }
        }
        string[] cudaRequested = [.. methodNames.Where(n => CudaMethods.Any(m => m.Name == n))];
        bool cudaRun = backends.Contains("cuda") || cudaRequested.Length > 0;
        if (cudaRun && !CudaProbe.Result.Usable)
        {
            // No usable GPU: say what is missing rather than silently timing the CPU only.
            string asked = cudaRequested.Length > 0 ? $"--methods {string.Join(",", cudaRequested)}" : "--backend cuda";
            throw new ExtractionInputException(
                $"eigh-bench {asked}: the CUDA eigh methods ({string.Join(", ", CudaMethods.Select(m => m.Name))}) need an NVIDIA GPU; " +
                $"{Backends.CudaUnavailableReason}. Run with --backend cpu for the CPU methods.");
        }
        string[] inputList = Names(parse.GetRequiredValue(inputs));
        foreach (string input in inputList)
        {
            if (input is not ("random" or "extraction"))
            {
                throw new UsageException($"--inputs must list random and/or extraction, got '{input}'");
            }
        }
        int repeats = parse.GetValue(repeat);
        double budget = parse.GetValue(pointBudget);
        if (!(budget > 0))
        {
            throw new UsageException($"--point-budget expects seconds > 0, got {budget}");
        }
        int threadCount = parse.GetValue(threads) ?? Environment.ProcessorCount;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long memoryBytes = parse.GetValue(memoryLimit) is double gigabytes
            ? (gigabytes > 0 ? (long)(gigabytes * 1e9) : throw new UsageException($"--memory-limit expects gigabytes > 0, got {gigabytes}"))
            : available / 2;
        string? csvPath = parse.GetValue(output);
        string? jsonPath = parse.GetValue(json) ?? (csvPath is null ? null : Path.ChangeExtension(csvPath, ".json"));
        // --plot results.svg, results.png or results: the figure goes to results.png and results.svg.
        string? plotBase = parse.GetValue(plot) is { } plotPath
            ? (Path.GetExtension(plotPath).ToLowerInvariant() is ".png" or ".svg" ? Path.ChangeExtension(plotPath, null) : plotPath)
            : null;
        foreach (string? path in (string?[])[csvPath, jsonPath, plotBase])
        {
            // Before the minutes of measuring, not after: a bad output path fails now.
            if (path is not null && Path.GetDirectoryName(Path.GetFullPath(path)) is string directory)
            {
                Directory.CreateDirectory(directory);
            }
        }

        List<IEighMethod> cpuMethods = CreateCpuMethods(methodNames, methodsGiven is not null, threadCount, memoryBytes);
        CudaDevice? gpu = null;
        if (cudaRun)
        {
            // GPU 0 with its kernels; every GPU method named (all of them for --backend cuda without --methods) runs
            // beside the CPU methods, so that the summary can give the CPU/GPU crossover. A cuSOLVER routine the
            // installed library lacks is listed as not run, with the missing symbol.
            NvrtcCompiler compiler = NvrtcCompiler.TryCreate(out string why) ?? throw new ExtractionInputException($"eigh-bench --backend cuda: {why}");
            gpu = CudaDevice.Open(0, KernelCache.Default(), compiler);
            string[] gpuNames = cudaRequested.Length > 0 ? cudaRequested : [.. CudaMethods.Select(m => m.Name)];
            foreach (string name in gpuNames)
            {
                cpuMethods.Add(CudaEighMethod.OnDevice(name, gpu));
            }
        }
        if (cpuMethods.Count == 0)
        {
            throw new UsageException("no eigh method can run here (see the notes above)");
        }

        IReadOnlyList<ExtractionMatrix>? extraction = null;
        string extractionSource = "";
        if (inputList.Contains("extraction"))
        {
            extraction = ExtractionMatrices.Load(parse.GetValue(extractionFile), out extractionSource);
        }
        var options = new EighBenchmarkOptions
        {
            Sizes = inputList.Contains("random") ? sizeList : [],
            Batches = batches,
            Precisions = precisions,
            RandomInputs = inputList.Contains("random"),
            Extraction = extraction,
            Repeats = repeats,
            PointBudgetSeconds = budget,
            Seed = parse.GetValue(seed),
        };
        MachineInfo machine = gpu is null
            ? MachineInfo.Describe($"CPU-only run: {Backends.CudaUnavailableReason}")
            : MachineInfo.Describe(null) with { GpuName = gpu.Description, GpuDriver = CudaProbe.Result.DriverVersionText };
        if (!MachineInfo.IsOptimised)
        {
            Console.Error.WriteLine("warning: this is a Debug build; the managed solver runs about 15x slower than in Release (dotnet run -c Release)");
        }
        foreach (IEighMethod method in cpuMethods)
        {
            Console.WriteLine($"method {method.Name}: {method.Description}");
        }
        if (extraction is not null)
        {
            Console.WriteLine($"extraction matrices: {extractionSource}");
        }

        EighResults results;
        try
        {
            results = new EighBenchmark(options, cpuMethods, Console.Out).Run(machine);
        }
        finally
        {
            foreach (IEighMethod method in cpuMethods)
            {
                method.Dispose();
            }
            gpu?.Dispose();
        }
        results.Notes.Add("command: gpuextract eigh-bench " + string.Join(' ', Environment.GetCommandLineArgs().Skip(2)));
        if (extraction is not null)
        {
            results.Notes.Add($"extraction matrices: {extractionSource}");
        }

        if (csvPath is not null)
        {
            EighResultsCsv.Write(csvPath, results);
        }
        if (jsonPath is not null)
        {
            EighResultsJson.Write(jsonPath, results);
        }
        string[] plotFiles = plotBase is null ? [] : EighPlot.Write(plotBase, results);
        Console.WriteLine();
        Console.Write(EighSummary.Markdown(results));
        int ok = results.Points.Count(p => p.Status == EighPointStatus.Ok);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"eigh-bench: {results.Points.Count} points in {results.Seconds:0} s: {ok} ok, {results.FailedCount} FAILED, {results.SkippedCount} skipped" +
            $"{(csvPath is null ? "" : $"; {csvPath}")}{(jsonPath is null ? "" : $", {jsonPath}")}{(plotFiles.Length == 0 ? "" : $", {string.Join(", ", plotFiles)}")}"));
        if (results.FailedCount > 0)
        {
            Console.Error.WriteLine($"eigh-bench: {results.FailedCount} point(s) FAILED validation or threw; they are marked 'failed' in the outputs");
        }
        return 0;
    }

    /// <summary>
    /// The CPU methods named. Native LAPACK methods need a loadable library: when missing they are left out with a
    /// note, or, when the user named them with --methods, the run stops (exit 2) with the loader's reason.
    /// </summary>
    private static List<IEighMethod> CreateCpuMethods(string[] names, bool explicitlyNamed, int threads, long memoryLimit)
    {
        var methods = new List<IEighMethod>();
        Func<ILapack>? native = null;
        string reason = "";
        if (NativeLapack.TryCreate(out _, out string why))
        {
            native = LapackProvider.CreateFactory(LapackChoice.Native, out _);
        }
        else
        {
            reason = why;
        }
        foreach (var (name, isNative, allCores, _) in CpuMethods)
        {
            if (!names.Contains(name))
            {
                continue;
            }
            if (isNative && native is null)
            {
                if (explicitlyNamed)
                {
                    throw new LapackUnavailableException(reason);
                }
                Console.Error.WriteLine($"note: {name} not run: native LAPACK is not loadable ({reason})");
                continue;
            }
            Func<ILapack> factory = isNative ? native! : static () => new ManagedLapack();
            methods.Add(new CpuEighMethod(name, allCores ? threads : 1, factory, memoryLimit));
        }
        return methods;
    }

    private static int[] PositiveIntegers(string option, string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var result = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                || value < 1 || value > 1 << 20 || value != Math.Floor(value))
            {
                throw new UsageException($"option {option} expects positive integers, got '{text}'");
            }
            result[i] = (int)value;
        }
        return result;
    }

    private static EighPrecision[] Precisions(string text)
    {
        var result = new List<EighPrecision>();
        foreach (string name in Names(text))
        {
            if (!EighPrecisions.TryParse(name, out EighPrecision precision))
            {
                throw new UsageException($"--precision must list f64 and/or f32, got '{name}'");
            }
            if (!result.Contains(precision))
            {
                result.Add(precision);
            }
        }
        return [.. result];
    }

    private static string[] Names(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => s.ToLowerInvariant()).Distinct().ToArray();
}
