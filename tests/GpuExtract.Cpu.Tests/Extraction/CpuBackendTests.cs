using GpuExtract.Core.Extraction;
using GpuExtract.Cpu.Extraction;
using Xunit.Abstractions;

namespace GpuExtract.Cpu.Tests.Extraction;

public sealed class CpuBackendTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Solve_TwoThreadsEqualOneThreadBitForBit(bool decorrelateFibers)
    {
        // Each patch is solved by one worker with its own scratch and the same code path, whatever the
        // thread count, so the outputs must be identical to the last bit.
        var synthetic = new SyntheticFrame(new SyntheticFrameOptions { FiberCount = 10, GridCount = 150, MaskFraction = 0.02, Seed = 9 });
        FrameInput frame = synthetic.Frame(decorrelateFibers: decorrelateFibers);
        PatchBatch batch = BundleLikeBatch(synthetic);

        PatchResults single = SolveWith(1, synthetic, frame, batch, out int reportedSingle, out string description);
        PatchResults dual = SolveWith(2, synthetic, frame, batch, out int reportedDual, out _);

        output.WriteLine($"{description}: {batch.Count} patches, {batch.OutputCount} bins");
        Assert.Equal(batch.Count, reportedSingle);
        Assert.Equal(batch.Count, reportedDual);
        AssertIdentical(single.Flux, dual.Flux, "flux");
        AssertIdentical(single.Ivar, dual.Ivar, "ivar");
        AssertIdentical(single.Resolution, dual.Resolution, "resolution");
        AssertIdentical(single.Chi2Pix, dual.Chi2Pix, "chi2pix");
        AssertIdentical(single.PixmaskFraction, dual.PixmaskFraction, "pixmask");
        AssertIdentical(single.Model, dual.Model, "model");
        PatchAgreement.AssertAllFinite(dual);
    }

    [Fact]
    public void Solve_BatchEqualsPatchesSolvedOneByOne()
    {
        // The backend's ordering and scratch reuse must not change a patch's result: compare with a fresh
        // PatchSolver per patch (no reused scratch).
        var synthetic = new SyntheticFrame(new SyntheticFrameOptions { FiberCount = 10, GridCount = 150, Seed = 10 });
        FrameInput frame = synthetic.Frame();
        PatchBatch batch = BundleLikeBatch(synthetic);
        PatchResults batched = SolveWith(2, synthetic, frame, batch, out _, out _);
        PatchResults separate = SyntheticFrame.ResultsFor(batch, frame);
        for (int p = 0; p < batch.Count; p++)
        {
            new PatchSolver(TestLapack.Create()).Solve(frame, synthetic.Spots, batch, p, separate);
        }
        AssertIdentical(separate.Flux, batched.Flux, "flux");
        AssertIdentical(separate.Ivar, batched.Ivar, "ivar");
        AssertIdentical(separate.Resolution, batched.Resolution, "resolution");
        AssertIdentical(separate.Model, batched.Model, "model");
    }

    [Fact]
    public void Solve_AfterALongerPatchOfFewerFibers_GrowsEveryScratch()
    {
        // One worker's scratch is sized by the patches it happened to solve before: after 2 fibers × 110 wavelengths
        // (the fiber blocks need 220·110 values), 8 fibers × 30 wavelengths fit in those blocks but need 240 block
        // indices, not 220. The fuzzer found this order by chance (which patches a worker gets depends on timing).
        var synthetic = new SyntheticFrame(new SyntheticFrameOptions { FiberCount = 10, GridCount = 150, Seed = 11 });
        FrameInput frame = synthetic.Frame();
        PatchBatch batch = SyntheticFrame.Batch(
            synthetic.ExtractionPatch(20, 2, 0, 2, 10, 90, pad: 10),
            synthetic.ExtractionPatch(20, 8, 1, 6, 40, 10, pad: 10));
        PatchResults reused = SyntheticFrame.ResultsFor(batch, frame);
        PatchResults fresh = SyntheticFrame.ResultsFor(batch, frame);
        var solver = new PatchSolver(TestLapack.Create());
        solver.Solve(frame, synthetic.Spots, batch, 0, reused);
        solver.Solve(frame, synthetic.Spots, batch, 1, reused);
        for (int p = 0; p < batch.Count; p++)
        {
            new PatchSolver(TestLapack.Create()).Solve(frame, synthetic.Spots, batch, p, fresh);
        }
        AssertIdentical(fresh.Flux, reused.Flux, "flux");
        AssertIdentical(fresh.Ivar, reused.Ivar, "ivar");
        AssertIdentical(fresh.Resolution, reused.Resolution, "resolution");
    }

    [Fact]
    public void Description_NamesThreadsAndLapack()
    {
        using var backend = new CpuBackend(2, TestLapack.Create, _ => throw new InvalidOperationException());
        Assert.Equal($"cpu: 2 threads, LAPACK {TestLapack.Create().Name}", backend.Description);
    }

    [Fact]
    public void Solve_BeforeBeginFrame_Throws()
    {
        using var backend = new CpuBackend(1, TestLapack.Create, _ => throw new InvalidOperationException());
        Assert.Throws<InvalidOperationException>(() => backend.Solve(new PatchBatch(0), new PatchResults(0, 5, 0)));
    }

    /// <summary>Two subbundles (5 fitted fibers, 3 kept) × three wavelength blocks of 40 (+10 pads), plus an edge patch.</summary>
    private static PatchBatch BundleLikeBatch(SyntheticFrame synthetic)
    {
        var patches = new List<PatchSpec>();
        foreach (int fiberStart in new[] { 20, 23 })
        {
            for (int core = 10; core < 130; core += 40)
            {
                patches.Add(synthetic.ExtractionPatch(fiberStart, 5, 1, 3, core, 40, pad: 10));
            }
        }
        patches.Add(synthetic.ExtractionPatch(25, 5, 1, 4, 0, 10, pad: 10));
        return SyntheticFrame.Batch([.. patches]);
    }

    private static PatchResults SolveWith(int threads, SyntheticFrame synthetic, FrameInput frame, PatchBatch batch,
        out int reported, out string description)
    {
        using var backend = new CpuBackend(threads, TestLapack.Create, _ => synthetic.Spots);
        backend.BeginFrame(frame);
        PatchResults results = SyntheticFrame.ResultsFor(batch, frame);
        int done = 0;
        backend.Solve(batch, results, count => Interlocked.Add(ref done, count));
        reported = done;
        description = backend.Description;
        Assert.Equal(batch.Count, backend.Statistics.Patches);
        return results;
    }

    private static void AssertIdentical(double[] expected, double[] actual, string name)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]),
                $"{name}[{i}]: {expected[i]:R} vs {actual[i]:R}");
        }
    }
}
