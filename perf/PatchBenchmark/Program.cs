using System.Diagnostics;
using GpuExtract.Core.Extraction;
using GpuExtract.Cpu;
using GpuExtract.Cpu.Extraction;
using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Cpu.Tests.Extraction;

namespace GpuExtract.PatchBenchmark;

/// <summary>
/// Solves one synthetic 25-fiber bundle the way ex2d cuts it (subbundles with one neighbour fiber each side,
/// 50-bin wavelength blocks with 12 pad bins each side, n ≈ 300–520 unknowns), and prints time and FLOPs per
/// patch by stage, and the speed-up over the dense specter-style algorithm timed on a few of the same patches.
/// Usage: dotnet run -c Release --project perf/PatchBenchmark [-- --threads 2 --nsub 6 --baseline 3 --lapack auto|native|managed
/// --nwave 2326 --decorrelate-fibers]
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        int threads = IntOption(args, "--threads", Environment.ProcessorCount);
        int subbundles = IntOption(args, "--nsub", 6);
        int baselinePatches = IntOption(args, "--baseline", 3);
        int waveBins = IntOption(args, "--nwave", 2326);
        bool decorrelateFibers = args.Contains("--decorrelate-fibers");
        const int bundle = 25, pad = 12, blockSize = 50;

        LapackChoice lapackChoice = Enum.Parse<LapackChoice>(StringOption(args, "--lapack", "auto"), ignoreCase: true);
        Func<ILapack> lapackFactory = LapackProvider.CreateFactory(lapackChoice, out string lapackDescription);
        Console.WriteLine($"Synthetic bundle: {bundle} fibers × {waveBins} bins, nsubbundles {subbundles}, pads {pad}, {threads} threads");
        Console.WriteLine($"  {lapackDescription}");
        var stopwatch = Stopwatch.StartNew();
        var synthetic = new SyntheticFrame(new SyntheticFrameOptions
        {
            FiberStart = 0,
            FiberCount = bundle,
            GridCount = waveBins + 2 * pad,
            MaskFraction = 0.001,
            Seed = 3,
        });
        FrameInput frame = synthetic.Frame(decorrelateFibers: decorrelateFibers, computeModel: false);
        PatchBatch batch = BundleBatch(synthetic, bundle, subbundles, waveBins, blockSize, pad);
        Console.WriteLine($"  built in {stopwatch.Elapsed.TotalSeconds:F1} s: {batch.Count} patches, CCD {synthetic.NPixX} × {synthetic.NPixY}");
        PrintPatchSizes(batch);

        using var backend = new CpuBackend(threads, lapackFactory, _ => synthetic.Spots);
        Console.WriteLine($"  backend: {backend.Description}");
        backend.BeginFrame(frame);
        var results = SyntheticFrame.ResultsFor(batch, frame);

        // Warm-up (JIT, first-touch of scratch) on a few patches, then the timed bundle.
        backend.Solve(Subset(batch, Math.Min(2 * threads, batch.Count)), SyntheticFrame.ResultsFor(Subset(batch, Math.Min(2 * threads, batch.Count)), frame));
        backend.ResetStatistics();
        stopwatch.Restart();
        backend.Solve(batch, results);
        double wall = stopwatch.Elapsed.TotalSeconds;
        PatchStatistics stats = backend.Statistics;
        Console.WriteLine();
        Console.WriteLine($"Bundle solved in {wall:F2} s wall ({batch.Count / wall:F1} patches/s, {threads} threads); "
            + $"Cholesky failures {stats.CholeskyFailures}, empty patches {stats.EmptyPatches}");
        PrintStages(stats);

        if (baselinePatches > 0)
        {
            RunBaseline(synthetic, frame, batch, baselinePatches, lapackFactory, stats);
        }
        return 0;
    }

    private static void PrintStages(PatchStatistics stats)
    {
        double patches = stats.Patches;
        Console.WriteLine($"  per patch (one core), mean n = {stats.Unknowns / patches:F0}:");
        Console.WriteLine($"  {"stage",-16}{"ms",10}{"MFLOP",10}{"GFLOP/s",10}");
        foreach (PatchStage stage in Enum.GetValues<PatchStage>())
        {
            double seconds = stats.Seconds(stage);
            double flops = stats.Flops(stage);
            Console.WriteLine($"  {stage,-16}{1e3 * seconds / patches,10:F2}{flops / patches / 1e6,10:F1}{(seconds > 0 ? flops / seconds / 1e9 : 0),10:F2}");
        }
        Console.WriteLine($"  {"total",-16}{1e3 * stats.TotalSeconds / patches,10:F2}{stats.TotalFlops / patches / 1e6,10:F1}{stats.TotalFlops / stats.TotalSeconds / 1e9,10:F2}");
    }

    /// <summary>The dense specter-style algorithm (tests' DenseReferencePatch) on the first patches, one core.</summary>
    private static void RunBaseline(SyntheticFrame synthetic, FrameInput frame, PatchBatch batch, int count, Func<ILapack> lapackFactory, PatchStatistics solverStats)
    {
        ILapack lapack = lapackFactory();
        count = Math.Min(count, batch.Count);
        var solver = new PatchSolver(lapackFactory());
        var scratchResults = SyntheticFrame.ResultsFor(batch, frame);
        solver.Solve(frame, synthetic.Spots, batch, 0, scratchResults); // warm-up
        DenseReferencePatch.Solve(frame, synthetic.Spots, Subset(batch, 1), 0, lapack);
        solver.Statistics.Clear();
        var stopwatch = Stopwatch.StartNew();
        for (int p = 0; p < count; p++)
        {
            DenseReferencePatch.Solve(frame, synthetic.Spots, batch, p, lapack);
        }
        double denseMs = 1e3 * stopwatch.Elapsed.TotalSeconds / count;
        for (int p = 0; p < count; p++)
        {
            solver.Solve(frame, synthetic.Spots, batch, p, scratchResults);
        }
        double solverMs = 1e3 * solver.Statistics.TotalSeconds / count;
        Console.WriteLine();
        Console.WriteLine($"Baseline on the same {count} patches, one core: dense specter-style {denseMs:F1} ms/patch, "
            + $"solver {solverMs:F1} ms/patch: {denseMs / solverMs:F1}× faster "
            + $"(bundle mean {1e3 * solverStats.TotalSeconds / solverStats.Patches:F1} ms/patch/core)");
    }

    /// <summary>ex2d's cut of one bundle: specter's split_bundle subbundles, 50-bin blocks plus pads.</summary>
    private static PatchBatch BundleBatch(SyntheticFrame synthetic, int bundle, int subbundles, int waveBins, int blockSize, int pad)
    {
        int[] sizes = SubbundleSizes(bundle, subbundles);
        var patches = new List<PatchSpec>();
        int first = 0;
        foreach (int size in sizes)
        {
            int fitFirst = Math.Max(first - 1, 0);
            int fitLast = Math.Min(first + size, bundle - 1);
            for (int core = 0; core < waveBins; core += blockSize)
            {
                int coreCount = Math.Min(blockSize, waveBins - core);
                patches.Add(synthetic.ExtractionPatch(fitFirst, fitLast - fitFirst + 1, first - fitFirst, size, pad + core, coreCount, pad));
            }
            first += size;
        }
        return SyntheticFrame.Batch([.. patches]);
    }

    /// <summary>numpy array_split sizes, then one left-to-right pass moving larger sizes right (specter's rule).</summary>
    private static int[] SubbundleSizes(int bundle, int subbundles)
    {
        var sizes = new int[subbundles];
        for (int i = 0; i < subbundles; i++)
        {
            sizes[i] = bundle / subbundles + (i < bundle % subbundles ? 1 : 0);
        }
        for (int i = 0; i < subbundles - 1; i++)
        {
            if (sizes[i] > sizes[i + 1])
            {
                (sizes[i], sizes[i + 1]) = (sizes[i + 1], sizes[i]);
            }
        }
        return sizes;
    }

    private static PatchBatch Subset(PatchBatch batch, int count)
    {
        var subset = new PatchBatch(count);
        for (int p = 0; p < count; p++)
        {
            subset.FiberStart[p] = batch.FiberStart[p];
            subset.FiberCount[p] = batch.FiberCount[p];
            subset.KeepFiberOffset[p] = batch.KeepFiberOffset[p];
            subset.KeepFiberCount[p] = batch.KeepFiberCount[p];
            subset.WaveStart[p] = batch.WaveStart[p];
            subset.WaveCount[p] = batch.WaveCount[p];
            subset.CoreOffset[p] = batch.CoreOffset[p];
            subset.CoreCount[p] = batch.CoreCount[p];
            subset.XMin[p] = batch.XMin[p];
            subset.XMax[p] = batch.XMax[p];
            subset.YMin[p] = batch.YMin[p];
            subset.YMax[p] = batch.YMax[p];
        }
        subset.ComputeOffsets();
        return subset;
    }

    private static void PrintPatchSizes(PatchBatch batch)
    {
        int minN = int.MaxValue, maxN = 0, minPix = int.MaxValue, maxPix = 0;
        long sumN = 0, sumPix = 0;
        for (int p = 0; p < batch.Count; p++)
        {
            int n = batch.UnknownCount(p);
            int pixels = batch.Box(p).PixelCount;
            minN = Math.Min(minN, n);
            maxN = Math.Max(maxN, n);
            minPix = Math.Min(minPix, pixels);
            maxPix = Math.Max(maxPix, pixels);
            sumN += n;
            sumPix += pixels;
        }
        Console.WriteLine($"  unknowns per patch {minN}–{maxN} (mean {sumN / (double)batch.Count:F0}), pixels {minPix}–{maxPix} (mean {sumPix / (double)batch.Count:F0})");
    }

    private static string StringOption(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out int value) ? value : fallback;
    }
}
