using System.Diagnostics;
using System.Globalization;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Simulation;
using GpuExtract.Cpu;
using GpuExtract.Cpu.Extraction;
using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Cpu.Tests.Extraction;

namespace GpuExtract.ExtractionBenchmark;

/// <summary>
/// Extraction throughput of the CPU backend on a simulated DESI r frame (built-in synthetic PSF), at DESI's
/// production setting (nsubbundles 6), with per-stage times and FLOPs, and the dense specter-style
/// algorithm (the solver tests' DenseReferencePatch: dense A, full eigh, as ex2d_patch) timed on a
/// few of the same patches in the same run as the baseline.
/// Usage: dotnet run -c Release --project perf/ExtractionBenchmark [-- --fibers 0-24 | --full-frame]
///        [--nsub 6] [--threads N] [--lapack auto|native|managed] [--baseline 4] [--decorrelate-fibers]
/// </summary>
public static class Program
{
    /// <summary>specter ex2d on this 2-core machine (reference README §5: bundle0 nsub 6, 40.5 s): recorded, not re-measured here.</summary>
    private const double SpecterSpectrumWavelengthsPerSecond = 25 * 2326 / 40.5;

    public static int Main(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        (int first, int count) = args.Contains("--full-frame") ? (0, 500) : Range(Option(args, "--fibers", "0-24"));
        int nsub = int.Parse(Option(args, "--nsub", "6"));
        int threads = int.Parse(Option(args, "--threads", Environment.ProcessorCount.ToString()));
        int baseline = int.Parse(Option(args, "--baseline", "4"));
        var choice = Enum.Parse<LapackChoice>(Option(args, "--lapack", "auto"), ignoreCase: true);

        var clock = Stopwatch.StartNew();
        var simulated = FrameSimulator.Simulate(new SimulationOptions { FiberMin = first, FiberCount = count, Threads = threads });
        Console.WriteLine($"simulated fibers {first}-{first + count - 1} x 5760-7620 A in {clock.Elapsed.TotalSeconds:F1} s (not part of the timings below)");
        var psf = SyntheticPsf.Default;
        var options = new ExtractionOptions
        {
            Wavelengths = ExtractionOptions.LinearGrid(5760, 7620, 0.8),
            SpecMin = first,
            NSpec = count,
            NSubBundles = nsub,
            DecorrelateFibers = args.Contains("--decorrelate-fibers"),
        };

        Func<ILapack> lapack = LapackProvider.CreateFactory(choice, out string lapackName);
        using var backend = new CpuBackend(threads, lapack);
        // Warm-up: JIT and first touch on a one-fiber, 100-bin extraction.
        FrameExtraction.Run(simulated.Image, psf, options with { NSpec = 1, Wavelengths = options.Wavelengths[..100] }, backend);
        backend.ResetStatistics();

        var result = FrameExtraction.Run(simulated.Image, psf, options, backend);
        StageTimes t = result.Times;
        double extractSeconds = t.Plan + t.Spots + t.Solve + t.Assemble;
        double sw = count * (double)options.Wavelengths.Length;
        Console.WriteLine($"backend: {backend.Description} ({lapackName})");
        Console.WriteLine($"extracted {count} fibers x {options.Wavelengths.Length} wavelengths, nsubbundles {nsub}: {result.PatchCount} patches");
        Console.WriteLine($"seconds: plan {t.Plan:F2}, spots {t.Spots:F2}, solve {t.Solve:F2}, assemble {t.Assemble:F2}, total {extractSeconds:F2}");
        Console.WriteLine($"throughput: {sw / extractSeconds:F0} spectrum-wavelengths/s; per 25-fiber bundle {extractSeconds * 25 / count:F2} s; "
            + $"a 500-fiber frame at this rate {extractSeconds * 500 / count:F0} s");
        PrintStages(backend.Statistics, threads, t.Solve);

        if (baseline > 0)
        {
            var (plan, frame, _) = FrameExtraction.Prepare(simulated.Image, psf, options);
            var spots = psf.EvaluateSpots(first, count, plan.GridWavelengths, threads);
            var solver = new PatchSolver(lapack());
            var results = new PatchResults(plan.Patches.OutputCount, plan.HalfDiagonals, 0);
            ILapack denseLapack = lapack();
            DenseReferencePatch.Solve(frame, spots, plan.Patches, 0, denseLapack); // warm-up
            solver.Solve(frame, spots, plan.Patches, 0, results);
            solver.Statistics.Clear();
            clock.Restart();
            for (int p = 0; p < baseline; p++)
            {
                DenseReferencePatch.Solve(frame, spots, plan.Patches, p, denseLapack);
            }
            double denseMs = 1e3 * clock.Elapsed.TotalSeconds / baseline;
            for (int p = 0; p < baseline; p++)
            {
                solver.Solve(frame, spots, plan.Patches, p, results);
            }
            double solverMs = 1e3 * solver.Statistics.TotalSeconds / baseline;
            Console.WriteLine($"baseline, same {baseline} patches, one core: dense specter-style {denseMs:F0} ms/patch, ours {solverMs:F1} ms/patch: ratio {denseMs / solverMs:F1}");
            Console.WriteLine($"  the dense algorithm would take about {denseMs / 1e3 * result.PatchCount / threads:F0} s for these patches on {threads} threads");
        }
        Console.WriteLine($"specter ex2d recorded on this machine type: {SpecterSpectrumWavelengthsPerSecond:F0} spectrum-wavelengths/s (reference README §5, not re-measured): ratio {sw / extractSeconds / SpecterSpectrumWavelengthsPerSecond:F1}");
        return 0;
    }

    private static void PrintStages(PatchStatistics stats, int threads, double solveWall)
    {
        double patches = stats.Patches;
        Console.WriteLine($"per patch, one core (mean n = {stats.Unknowns / patches:F0}; Cholesky failures {stats.CholeskyFailures}):");
        Console.WriteLine($"  {"stage",-16}{"ms",9}{"MFLOP",9}{"GFLOP/s",9}");
        foreach (PatchStage stage in Enum.GetValues<PatchStage>())
        {
            double seconds = stats.Seconds(stage);
            double flops = stats.Flops(stage);
            Console.WriteLine($"  {stage,-16}{1e3 * seconds / patches,9:F2}{flops / patches / 1e6,9:F1}{(seconds > 0 ? flops / seconds / 1e9 : 0),9:F2}");
        }
        Console.WriteLine($"  {"total",-16}{1e3 * stats.TotalSeconds / patches,9:F2}{stats.TotalFlops / patches / 1e6,9:F1}{stats.TotalFlops / stats.TotalSeconds / 1e9,9:F2}");
        Console.WriteLine($"  whole solve: {stats.TotalFlops / 1e9:F1} GFLOP in {solveWall:F2} s wall on {threads} threads = {stats.TotalFlops / solveWall / 1e9:F2} GFLOP/s");
    }

    private static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static (int First, int Count) Range(string text)
    {
        string[] parts = text.Split('-');
        int a = int.Parse(parts[0]), b = int.Parse(parts[^1]);
        return (a, b - a + 1);
    }
}
