namespace GpuExtract.Cuda.Tests.Pipeline;

/// <summary>
/// The device's resources on the emulated device: which eigensolver a cuSOLVER without cusolverDnXsyevBatched
/// gets, the memory budget with the libraries' and the eigensolver's workspaces and with several ranks on one
/// device, and a batch with no kept fiber. Results are compared with the CPU backend (BackendAgreement's
/// GPU-vs-CPU tolerances: pull &lt; 1e-4, resolution &lt; 1e-6 absolute, ivar &lt; 1e-6 relative).
/// </summary>
[Collection("emulated device")]
public sealed class DeviceResourceTests(ITestOutputHelper output)
{
    /// <summary>CUDA before 12.6 Update 2: syevjBatched (n ≤ 32) and syevd, no XsyevBatched.</summary>
    private static readonly CudaCapabilities WithoutXsyevBatched = new(XsyevBatched: false, SyevjBatched: true, Syevd: true, PotrfBatched: true);

    private static CudaBackend Backend(EmulatedDevice device, int ranksPerDevice = 1, double memoryFraction = 0.75) =>
        new(device, new CudaBackendOptions
        {
            FallbackBackend = () => CpuReference.Backend(2),
            FallbackToCpu = false,
            RanksPerDevice = ranksPerDevice,
            MemoryFraction = memoryFraction,
        });

    /// <summary>A stand-in for our batched kernel that counts what it is given and computes with LAPACK.</summary>
    private sealed class CountingEigensolver : IBlockEigensolver
    {
        public int Matrices { get; private set; }

        public string Method => "counting stand-in for the batched kernel";

        public bool Supports(int n, int sharedBytesPerBlock) => true;

        public long WorkspaceBytes(int n, int count) => 0;

        public void Decompose(IComputeDevice device, int n, DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count)
        {
            Matrices += count;
            ((EmulatedDevice)device).LapackEigen(n, matrices, eigenvalues, info, count);
        }
    }

    [Fact]
    public void Choose_PrefersXsyevBatched_ThenTheKernel_AndLoopsOverSyevdOnlyWhenNothingBatchedFits()
    {
        var all = new CudaCapabilities(XsyevBatched: true, SyevjBatched: true, Syevd: true, PotrfBatched: true);
        var syevdOnly = new CudaCapabilities(XsyevBatched: false, SyevjBatched: false, Syevd: true, PotrfBatched: true);
        var kernel = new CountingEigensolver();
        Assert.Equal(BlockEigenMethod.XsyevBatched, BlockEigensolvers.Choose(all, 74, kernel, 227 * 1024));
        Assert.Equal(BlockEigenMethod.Kernel, BlockEigensolvers.Choose(WithoutXsyevBatched, 74, kernel, 227 * 1024));
        Assert.Equal(BlockEigenMethod.Kernel, BlockEigensolvers.Choose(WithoutXsyevBatched, 20, kernel, 227 * 1024));
        Assert.Equal(BlockEigenMethod.SyevjBatched, BlockEigensolvers.Choose(WithoutXsyevBatched, 32, null, 227 * 1024));
        Assert.Equal(BlockEigenMethod.SyevdLoop, BlockEigensolvers.Choose(WithoutXsyevBatched, 33, null, 227 * 1024));
        Assert.Equal(BlockEigenMethod.SyevdLoop, BlockEigensolvers.Choose(syevdOnly, 74, null, 227 * 1024));
        Assert.Equal(BlockEigenMethod.None, BlockEigensolvers.Choose(syevdOnly with { Syevd = false }, 74, null, 227 * 1024));
        Assert.Contains("slow", BlockEigensolvers.Describe(BlockEigenMethod.SyevdLoop, null));
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void WithoutXsyevBatched_TheBlocksGoToTheBatchedKernel_NotOneSyevdPerMatrix(bool decorrelateFibers)
    {
        KernelEmulator.SkipIfUnavailable();
        ExtractionOptions options = SmallFrame.Instance.Options(decorrelateFibers);
        FrameExtraction.Result cpu = CpuReference.ExtractSmallFrame(options);
        var kernel = new CountingEigensolver();
        using var device = new EmulatedDevice { Capabilities = WithoutXsyevBatched, KernelEigensolver = kernel };
        using CudaBackend backend = Backend(device);
        FrameExtraction.Result gpu = FrameExtraction.Run(SmallFrame.Instance.Image, SmallFrame.Instance.Psf, options, backend);
        var agreement = BackendAgreement.Measure(gpu.Frame, cpu.Frame, gpu.ModelImage, cpu.ModelImage);
        output.WriteLine($"eigh by {backend.EigenMethod}: {kernel.Matrices} matrices by the kernel, {device.SyevdLoopMatrices} by syevd one at a time; {agreement}");
        Assert.True(kernel.Matrices > 0, "the batched kernel was not used");
        Assert.Equal(0, device.SyevdLoopMatrices);
        Assert.Equal([BlockEigenMethod.Kernel], device.EigenMethodsUsed);
        Assert.Equal(kernel.Method, backend.EigenMethod);
        Assert.True(agreement.WithinTolerances, agreement.ToString());
    }

    [SkippableFact]
    public void WithoutXsyevBatchedOrKernel_TheSlowLoopIsNamedInTheReport()
    {
        KernelEmulator.SkipIfUnavailable();
        ExtractionOptions options = SmallFrame.Instance.Options();
        using var device = new EmulatedDevice { Capabilities = WithoutXsyevBatched };
        using CudaBackend backend = Backend(device);
        FrameExtraction.Run(SmallFrame.Instance.Image, SmallFrame.Instance.Psf, options, backend);
        output.WriteLine($"eigh by {backend.EigenMethod}; {device.SyevdLoopMatrices} matrices one at a time");
        Assert.True(device.SyevdLoopMatrices > 0);
        Assert.Contains("cusolverDnDsyevd per matrix", backend.EigenMethod);
    }

    /// <summary>Device memory above the frame that one batch of the whole small frame takes [bytes].</summary>
    private static long WholeFrameBatchBytes(ExtractionOptions options)
    {
        using var device = new EmulatedDevice();
        using CudaBackend backend = Backend(device);
        FrameExtraction.Run(SmallFrame.Instance.Image, SmallFrame.Instance.Psf, options, backend);
        return device.PeakUsed - device.UsedAfterSpots!.Value;
    }

    /// <summary>Device memory the small frame itself takes on the device (image, weights, PSF, spots) [bytes].</summary>
    private static long FrameBytes(ExtractionOptions options)
    {
        using var device = new EmulatedDevice();
        using CudaBackend backend = Backend(device);
        FrameExtraction.Run(SmallFrame.Instance.Image, SmallFrame.Instance.Psf, options, backend);
        return device.UsedAfterSpots!.Value;
    }

    [SkippableFact]
    public void Budget_LeavesRoomForTheLibrariesAndTheEigensolverWorkspace()
    {
        KernelEmulator.SkipIfUnavailable();
        ExtractionOptions options = SmallFrame.Instance.Options();
        FrameExtraction.Result cpu = CpuReference.ExtractSmallFrame(options);
        long frame = FrameBytes(options), batch = WholeFrameBatchBytes(options);
        // Half the whole-frame batch is free after the frame, and the libraries take a fifth of that on first use.
        // A batch planned on all of the free memory then runs out; one planned on what is left after the libraries'
        // reserve, with the eigensolver's workspace counted, fits without halving.
        long free = batch / 2;
        using var device = new EmulatedDevice { MemoryLimit = frame + free, LibraryReserveBytes = free / 5 };
        using CudaBackend backend = Backend(device, memoryFraction: 1.0);
        FrameExtraction.Result gpu = FrameExtraction.Run(SmallFrame.Instance.Image, SmallFrame.Instance.Psf, options, backend);
        var agreement = BackendAgreement.Measure(gpu.Frame, cpu.Frame, gpu.ModelImage, cpu.ModelImage);
        output.WriteLine($"frame {frame / 1e6:0.0} MB, whole-frame batch {batch / 1e6:0.0} MB, free {free / 1e6:0.0} MB: " +
            $"{backend.Batches} batches, {backend.Halvings} halvings, peak {device.PeakUsed / 1e6:0.0} MB of {device.MemoryLimit / 1e6:0.0} MB");
        Assert.True(backend.Batches > 2, "the budget did not bind: the test needs more than one batch per fiber count");
        Assert.Equal(0, backend.Halvings);
        Assert.True(agreement.WithinTolerances, agreement.ToString());
    }

    [SkippableFact]
    public void SeveralRanksOnOneDevice_EachPlansOnItsShare()
    {
        KernelEmulator.SkipIfUnavailable();
        ExtractionOptions options = SmallFrame.Instance.Options();
        const int Ranks = 4;
        const double Fraction = 0.75;
        long frame = FrameBytes(options), batch = WholeFrameBatchBytes(options);
        // As much free memory as the whole-frame batch: one rank alone would take it in one batch, so four ranks
        // doing the same would need four times what the device has.
        long free = batch;
        using var device = new EmulatedDevice { MemoryLimit = frame + free };
        using CudaBackend backend = Backend(device, ranksPerDevice: Ranks, memoryFraction: Fraction);
        FrameExtraction.Run(SmallFrame.Instance.Image, SmallFrame.Instance.Psf, options, backend);
        long peakBatch = device.PeakUsed - device.UsedAfterSpots!.Value;
        output.WriteLine($"free {free / 1e6:0.0} MB, {Ranks} ranks: largest batch {peakBatch / 1e6:0.00} MB in {backend.Batches} batches; " +
            $"{Ranks} ranks together {Ranks * peakBatch / 1e6:0.0} MB ≤ {Fraction * free / 1e6:0.0} MB");
        Assert.True(Ranks * peakBatch <= Fraction * free, $"{Ranks} ranks at {peakBatch} bytes each exceed {Fraction} of {free} bytes");
        Assert.Equal(0, backend.Halvings);
    }

    [SkippableFact]
    public void BatchWithoutKeptFibers_LaunchesNothingThatReadsProblems_AndModelsItsBoxes()
    {
        KernelEmulator.SkipIfUnavailable();
        SmallFrame small = SmallFrame.Instance;
        ExtractionOptions options = small.Options();
        var (plan, input, _) = FrameExtraction.Prepare(small.Image, small.Psf, options);
        // Three patches that keep no fiber (as at a frame's edge when a neighbour is fitted only for its light):
        // no output row, no eigen problem, but their boxes are still modelled.
        PatchBatch batch = plan.Patches.Select([0, 1, 2]);
        for (int p = 0; p < batch.Count; p++)
        {
            batch.KeepFiberCount[p] = 0;
        }
        batch.ComputeOffsets();
        var gpuResults = new PatchResults(batch.OutputCount, plan.HalfDiagonals, batch.ModelCount);
        var cpuResults = new PatchResults(batch.OutputCount, plan.HalfDiagonals, batch.ModelCount);
        using (var cpu = CpuReference.Backend(2))
        {
            cpu.BeginFrame(input);
            cpu.Solve(batch, cpuResults);
        }
        using var device = new EmulatedDevice();
        using CudaBackend backend = Backend(device);
        backend.BeginFrame(input);
        backend.Solve(batch, gpuResults);
        output.WriteLine($"launches: {string.Join(", ", device.LaunchCounts.Select(k => $"{k.Key} {k.Value}"))}");
        Assert.Equal(0, batch.OutputCount);
        Assert.False(device.LaunchCounts.ContainsKey("resolution_bins"), "resolution_bins launched for a batch without problems");
        Assert.False(device.LaunchCounts.ContainsKey("bin_diagnostics"), "bin_diagnostics launched for a batch without problems");
        Assert.Equal(0, backend.CpuPatches);
        // The model is A·f of the same normal equations; 1e-6 relative to the largest model value, as BackendAgreement's model tolerance.
        double scale = cpuResults.Model.Max(Math.Abs);
        Assert.True(scale > 0);
        for (int i = 0; i < cpuResults.Model.Length; i++)
        {
            Assert.True(Math.Abs(gpuResults.Model[i] - cpuResults.Model[i]) <= 1e-6 * scale, $"model pixel {i}: {gpuResults.Model[i]} vs {cpuResults.Model[i]}");
        }
    }
}
