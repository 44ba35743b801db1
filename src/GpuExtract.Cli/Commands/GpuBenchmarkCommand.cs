using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GpuExtract.Cli.Syntax;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Simulation;
using GpuExtract.Cuda;
using GpuExtract.Cuda.Pipeline;

namespace GpuExtract.Cli.Commands;

/// <summary>
/// <c>gpuextract gpu-benchmark</c>: extracts one frame several times in one process (nothing written) and reports
/// wall times per stage, the device pipeline's per-stage times and FLOPs, frames per hour and the FLOP floor at the
/// GPU's FP64 rate, as JSON for perf/gpu-check.sh. The first run is a warm-up and is left out of the median.
/// With <c>--model-only</c> it opens no device and reads no image: it counts the device pipeline's work on the frame
/// (<see cref="DeviceWorkModel"/>: FLOPs, bytes and modelled H100 times per stage, for the band and the dense solver),
/// on the built-in simulated 500-fiber r frame unless <c>--psf</c> names a PSF.
/// </summary>
public sealed class GpuBenchmarkCommand : DocumentedCommand
{
    /// <summary>Peak FP64 rates [TFLOP/s] (tensor-core DGEMM where the GPU has it) of GPUs by name fragment, from NVIDIA's data sheets.</summary>
    private static readonly (string Name, double Tflops)[] Fp64Peaks =
    [
        ("H200", 67.0), ("H100 PCIe", 51.0), ("H100 NVL", 60.0), ("H100", 67.0), ("GH200", 67.0),
        ("A100", 19.5), ("A30", 10.3), ("V100", 7.8), ("B200", 40.0), ("L40", 1.4), ("A40", 0.6),
    ];

    /// <summary>The band solver's target for an r frame [FLOP per frame] (DESIGN §5).</summary>
    private const double TargetFlopsPerFrame = 2e11;

    private readonly Option<string> input = new("--input", "-i") { HelpName = "PREPROC", Description = "preproc image (.fits or .fits.gz); not read with --model-only" };
    private readonly Option<string> psfFile = new("--psf", "-p") { HelpName = "PSF", Description = "GAUSS-HERMITE PSF file (with --model-only: default the built-in synthetic PSF)" };
    private readonly Option<bool> modelOnly = new("--model-only") { Description = "no device, no image: print the modelled device work of the frame (FLOPs, bytes, H100 times per stage, band and dense solver)" };
    private readonly ExtractionOptionSet extraction = new();
    private readonly Option<int> repeat = new("--repeat") { HelpName = "N", Description = "extractions to time (the first is a warm-up)", DefaultValueFactory = _ => 4, CustomParser = OptionParsers.Integer(minimum: 2) };
    private readonly Option<string?> json = new("--json") { HelpName = "FILE", Description = "write the figures as JSON" };

    public GpuBenchmarkCommand() : base("gpu-benchmark", "Time repeated extractions of one frame (device stages, frames per hour) as JSON")
    {
        Add(input);
        Add(psfFile);
        extraction.AddTo(this);
        Add(repeat);
        Add(modelOnly);
        Add(json);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        if (parse.GetValue(modelOnly))
        {
            return RunModel(parse);
        }
        string inputPath = parse.GetValue(input) ?? throw new UsageException("Option '--input' is required (unless --model-only).");
        string psfPath = parse.GetValue(psfFile) ?? throw new UsageException("Option '--psf' is required (unless --model-only).");
        int repeatCount = parse.GetValue(repeat);
        var clock = Stopwatch.StartNew();
        PreprocImage image = PreprocImage.Read(inputPath);
        GaussHermitePsf psf = GaussHermitePsf.Load(psfPath);
        double readSeconds = clock.Elapsed.TotalSeconds;
        ExtractionOptions options = extraction.ToOptions(parse, psf, computeModel: false);
        clock.Restart();
        // Every device stage waits for the GPU here, so that the stage times are the device's, not the time to queue.
        using IExtractionBackend backend = extraction.CreateBackend(parse, Console.Error, stageTiming: true);
        double openSeconds = clock.Elapsed.TotalSeconds;
        var gpu = backend as CudaBackend;

        var runs = new List<Dictionary<string, object>>();
        var totals = new List<double>();
        int patches = 0;
        for (int run = 0; run < repeatCount; run++)
        {
            gpu?.StageTimes.Clear();
            int cpuBefore = gpu?.CpuPatches ?? 0, batchesBefore = gpu?.Batches ?? 0;
            var times = new StageTimes();
            FrameExtraction.Result result = FrameExtraction.Run(image, psf, options, backend, null, times);
            patches = result.PatchCount;
            double total = times.Plan + times.Spots + times.Solve + times.Assemble;
            var record = new Dictionary<string, object>
            {
                ["warm_up"] = run == 0,
                ["seconds"] = new Dictionary<string, double>
                {
                    ["plan"] = times.Plan,
                    ["spots"] = times.Spots,
                    ["solve"] = times.Solve,
                    ["assemble"] = times.Assemble,
                    ["total_excluding_read"] = total,
                },
            };
            if (gpu is not null)
            {
                record["device_stage_seconds"] = Enum.GetValues<DeviceStage>().ToDictionary(s => s.ToString(), s => gpu.StageTimes.Seconds(s));
                record["device_stage_flops"] = Enum.GetValues<DeviceStage>().ToDictionary(s => s.ToString(), s => gpu.StageTimes.Flops(s));
                record["cpu_patches"] = gpu.CpuPatches - cpuBefore;
                record["batches"] = gpu.Batches - batchesBefore;
            }
            runs.Add(record);
            if (run > 0)
            {
                totals.Add(total);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}{(run == 0 ? " (warm-up)" : "")}: plan {times.Plan:0.000} s, spots {times.Spots:0.000} s, solve {times.Solve:0.000} s, assemble {times.Assemble:0.000} s, total {total:0.000} s"));
        }
        totals.Sort();
        double median = totals[totals.Count / 2];
        double flops = gpu?.StageTimes.TotalFlops ?? 0;
        double? peak = null;
        foreach (var (name, tflops) in Fp64Peaks)
        {
            if (gpu is not null && peak is null && gpu.Description.Contains(name, StringComparison.Ordinal))
            {
                peak = tflops;
            }
        }
        string floor = peak is double p2 ? string.Create(CultureInfo.InvariantCulture, $", floor {flops / (p2 * 1e12) * 1e3:0.0} ms at {p2} TFLOP/s FP64") : "";
        string pipeline = gpu is null ? "" : string.Create(CultureInfo.InvariantCulture, $"; pipeline {flops / 1e12:0.00} TFLOP{floor}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{backend.Description}: {options.NSpec} fibers x {options.Wavelengths.Length} wavelengths, {patches} patches; median {median:0.000} s per frame (reading excluded) = {3600 / median:0} frames per hour{pipeline}"));

        if (parse.GetValue(json) is { } jsonPath)
        {
            var document = new Dictionary<string, object?>
            {
                ["backend"] = backend.Description,
                ["input"] = image.FileName,
                ["nspec"] = options.NSpec,
                ["nwave"] = options.Wavelengths.Length,
                ["patches"] = patches,
                ["read_seconds"] = readSeconds,
                ["backend_open_seconds"] = openSeconds,
                ["runs"] = runs,
                ["median_seconds_excluding_read"] = median,
                ["frames_per_hour"] = 3600 / median,
                ["pipeline_flops_per_frame"] = flops,
                ["fp64_peak_tflops"] = peak,
                ["flop_floor_seconds"] = peak is double p3 ? flops / (p3 * 1e12) : null,
            };
            File.WriteAllText(jsonPath, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
        }
        return 0;
    }

    /// <summary>
    /// <c>--model-only</c>: the device work of the frame as <see cref="DeviceWorkModel"/> counts it, as a table on stdout
    /// and with <c>--json</c> as JSON (top-level figures are the default band solver's, both solvers under "solvers").
    /// </summary>
    private int RunModel(ParseResult parse)
    {
        string? psfPath = parse.GetValue(psfFile);
        GaussHermitePsf psf = psfPath is null ? SyntheticPsf.Default : GaussHermitePsf.Load(psfPath);
        // The built-in frame is the simulated r frame (simulate's and demo's grid); a PSF file gets extract's default grid.
        var simulated = new SimulationOptions();
        double[]? grid = psfPath is null ? ExtractionOptions.LinearGrid(simulated.WaveMin, simulated.WaveMax, simulated.WaveStep) : null;
        ExtractionOptions options = extraction.ToOptions(parse, psf, computeModel: false, grid);
        var clock = Stopwatch.StartNew();
        DeviceWorkModel.FrameGeometry geometry = DeviceWorkModel.FrameGeometry.Plan(psf, options, extraction.Backend.ThreadCount(parse));
        DeviceWorkModel.FrameWork work = DeviceWorkModel.Estimate(geometry);
        double seconds = clock.Elapsed.TotalSeconds;
        string source = psfPath ?? SyntheticPsf.BuiltInName;
        Console.Write(ModelTable(work, source, options, geometry, seconds));
        if (parse.GetValue(json) is { } jsonPath)
        {
            File.WriteAllText(jsonPath, JsonSerializer.Serialize(ModelDocument(work, source, options, geometry), new JsonSerializerOptions { WriteIndented = true }));
        }
        return 0;
    }

    private static string ModelTable(DeviceWorkModel.FrameWork work, string source, ExtractionOptions options, DeviceWorkModel.FrameGeometry geometry, double seconds)
    {
        var text = new System.Text.StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        IFormatProvider c = CultureInfo.InvariantCulture;
        Line(string.Create(c, $"device work model (no device): {source}, {options.NSpec} fibers x {options.Wavelengths.Length} wavelengths "
            + $"(grid {geometry.GridCount}), {(options.DecorrelateFibers ? "noise" : "signal")} decorrelation; counted in {seconds:0.0} s"));
        Line(string.Create(c, $"{work.Unknowns.Length} patches in {work.Batches.Count} batches (80 GB, at most {DeviceWorkModel.MaxBatchPatches} patches); "
            + $"reach D = {(work.Reach is int d ? d.ToString(c) : "undefined (spots out of y order: dense)")} grid steps over F = {work.FiberSpan} fibers"));
        Line(string.Create(c, $"unknowns per patch: median {Median(work.Unknowns)}, padded N median {Median(work.PaddedUnknowns)} (max {Max(work.PaddedUnknowns)}); "
            + $"band KD median {Median(work.BandHalfWidth)} (max {Max(work.BandHalfWidth)}); kd_p median {Median(work.PatchHalfBandwidth)} (max {Max(work.PatchHalfBandwidth)})"));
        Line(string.Create(c, $"H100 SXM rates: {DeviceWorkModel.KernelFlopsPerSecond / 1e12} TFLOP/s FP64 (our kernels, eigh), "
            + $"{DeviceWorkModel.LibraryFlopsPerSecond / 1e12} TFLOP/s FP64 tensor (cuSOLVER/cuBLAS), {DeviceWorkModel.MemoryBytesPerSecond / 1e12} TB/s HBM3"));
        var solvers = new List<DeviceWorkModel.SolverWork>();
        if (work.Band is { } band)
        {
            solvers.Add(band);
        }
        solvers.Add(work.Dense);
        string header = $"{"stage",-16}";
        foreach (var s in solvers)
        {
            header += $" | {s.Name + " GFLOP",12} {"GB",8} {"ms",8}";
        }
        Line(header);
        for (int i = 0; i < work.Dense.Stages.Count; i++)
        {
            string row = $"{work.Dense.Stages[i].Stage,-16}";
            foreach (var s in solvers)
            {
                var stage = s.Stages[i];
                row += string.Create(c, $" | {stage.Flops / 1e9,12:0.0} {stage.Bytes / 1e9,8:0.00} {stage.Seconds * 1e3,8:0.00}{(stage.MemoryBound ? "*" : " ")}");
            }
            Line(row.TrimEnd());
        }
        string total = $"{"total",-16}";
        foreach (var s in solvers)
        {
            total += string.Create(c, $" | {s.Flops / 1e9,12:0.0} {s.Bytes / 1e9,8:0.00} {s.Seconds * 1e3,8:0.00} ");
        }
        Line(total.TrimEnd());
        Line("(* memory-bound: bytes / bandwidth exceeds FLOPs / rate)");
        foreach (var s in solvers)
        {
            var dominant = s.Dominant;
            Line(string.Create(c, $"{s.Name}: {s.Flops:0.00e0} FLOP per frame ({s.FlopsExcludingSpots:0.00e0} without the spots), {s.Seconds * 1e3:0.0} ms at H100 rates, "
                + $"largest stage {dominant.Stage} ({dominant.Flops:0.00e0} FLOP, {dominant.Seconds * 1e3:0.0} ms); "
                + $"{s.BytesPerPatch / 1e6:0.00} MB per patch of the largest batch N, {s.PatchesPerBudget} patches fit in 80 GB"));
        }
        double defaultFlops = work.Default.Flops;
        Line(defaultFlops <= TargetFlopsPerFrame
            ? string.Create(c, $"target: {work.Default.Name} solver {defaultFlops:0.00e0} <= {TargetFlopsPerFrame:0e0} FLOP per frame: met")
            : string.Create(c, $"target: {work.Default.Name} solver {defaultFlops:0.00e0} > {TargetFlopsPerFrame:0e0} FLOP per frame: NOT met, "
                + $"{defaultFlops / TargetFlopsPerFrame:0.00}x the target (largest FLOP stage {work.Default.Stages.MaxBy(s => s.Flops)!.Stage})"));
        return text.ToString();
    }

    private static Dictionary<string, object?> ModelDocument(DeviceWorkModel.FrameWork work, string source, ExtractionOptions options, DeviceWorkModel.FrameGeometry geometry)
    {
        static Dictionary<string, object?> Solver(DeviceWorkModel.SolverWork s) => new()
        {
            ["device_flops_per_frame"] = s.Flops,
            ["device_flops_per_frame_excluding_spots"] = s.FlopsExcludingSpots,
            ["device_bytes_per_frame"] = s.Bytes,
            ["device_seconds_per_frame"] = s.Seconds,
            ["dominant_stage"] = s.Dominant.Stage.ToString(),
            ["memory_bytes_per_patch"] = s.BytesPerPatch,
            ["patches_per_80gb"] = s.PatchesPerBudget,
            ["stages"] = s.Stages.ToDictionary(st => st.Stage.ToString(), st => new Dictionary<string, object>
            {
                ["flops"] = st.Flops,
                ["bytes"] = st.Bytes,
                ["flops_per_second"] = st.FlopsPerSecond,
                ["seconds"] = st.Seconds,
                ["memory_bound"] = st.MemoryBound,
            }),
        };
        DeviceWorkModel.SolverWork chosen = work.Default;
        var solvers = new Dictionary<string, object?> { ["dense"] = Solver(work.Dense) };
        if (work.Band is { } band)
        {
            solvers["band"] = Solver(band);
        }
        return new Dictionary<string, object?>
        {
            ["model_only"] = true,
            ["psf"] = source,
            ["nspec"] = options.NSpec,
            ["nwave"] = options.Wavelengths.Length,
            ["grid_wavelengths"] = geometry.GridCount,
            ["decorrelation"] = options.DecorrelateFibers ? "noise" : "signal",
            ["patches"] = work.Unknowns.Length,
            ["batches"] = work.Batches.Count,
            ["max_patches_per_batch"] = DeviceWorkModel.MaxBatchPatches,
            ["reach_grid_steps"] = work.Reach,
            ["fiber_span"] = work.FiberSpan,
            ["median_unknowns"] = Median(work.Unknowns),
            ["median_padded_unknowns"] = Median(work.PaddedUnknowns),
            ["max_padded_unknowns"] = Max(work.PaddedUnknowns),
            ["median_band_half_width"] = Median(work.BandHalfWidth),
            ["max_band_half_width"] = Max(work.BandHalfWidth),
            ["median_patch_half_bandwidth"] = Median(work.PatchHalfBandwidth),
            ["max_patch_half_bandwidth"] = Max(work.PatchHalfBandwidth),
            ["kernel_fp64_flops_per_second"] = DeviceWorkModel.KernelFlopsPerSecond,
            ["library_fp64_flops_per_second"] = DeviceWorkModel.LibraryFlopsPerSecond,
            ["hbm_bytes_per_second"] = DeviceWorkModel.MemoryBytesPerSecond,
            ["batch_budget_bytes"] = DeviceWorkModel.NominalBatchBudgetBytes,
            ["device_solver"] = chosen.Name,
            ["device_flops_per_frame"] = chosen.Flops,
            ["device_bytes_per_frame"] = chosen.Bytes,
            ["device_seconds_per_frame"] = chosen.Seconds,
            ["target_flops_per_frame"] = TargetFlopsPerFrame,
            ["solvers"] = solvers,
        };
    }

    /// <summary>The upper median (as the run figures above take it).</summary>
    private static int Median(int[] values)
    {
        if (values.Length == 0)
        {
            return 0;
        }
        int[] sorted = (int[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }

    private static int Max(int[] values) => values.Length == 0 ? 0 : values.Max();
}
