using GpuExtract.Core.Psf;
using GpuExtract.Core.Validation;

namespace GpuExtract.Cuda.Tests.Pipeline;

/// <summary>
/// The whole device pipeline (the real kernels and the real CudaBackend code) run on the host emulation of a
/// GPU, against the CPU backend: the GPU path's logic checked without a GPU. What this cannot check is listed
/// in the report: the real cuBLAS/cuSOLVER calls, device timing and memory behaviour, float rounding on the GPU.
/// </summary>
[Collection("emulated device")]
public sealed class EmulatedPipelineTests(ITestOutputHelper output)
{
    private static (FrameExtraction.Result Result, CudaBackend Backend) RunEmulated(ExtractionOptions options, EmulatedDevice device,
        bool fallback = true, int maxBatch = 2048, TextWriter? log = null, int ranksPerDevice = 1, DeviceSolver solver = DeviceSolver.Band)
    {
        var backend = new CudaBackend(device, new CudaBackendOptions
        {
            Solver = solver,
            FallbackBackend = () => CpuReference.Backend(2),
            FallbackToCpu = fallback,
            MaxBatchPatches = maxBatch,
            Log = log,
            RanksPerDevice = ranksPerDevice,
        });
        return (FrameExtraction.Run(SmallFrame.Instance.Image, SmallFrame.Instance.Psf, options, backend), backend);
    }

    [SkippableFact]
    public void Spots_MatchTheCpuSpotsOfTheWholeFrame()
    {
        KernelEmulator.SkipIfUnavailable();
        SmallFrame small = SmallFrame.Instance;
        ExtractionOptions options = small.Options();
        var plan = Core.Planning.PatchPlanner.Plan(small.Psf, options);
        var frame = new FrameInput
        {
            NPixX = small.Image.NPixX,
            NPixY = small.Image.NPixY,
            Image = small.Image.Image,
            Weight = small.Image.ComputeWeights(),
            Psf = small.Psf,
            FiberStart = 0,
            FiberCount = 8,
            GridWavelengths = plan.GridWavelengths,
            HalfDiagonals = plan.HalfDiagonals,
            PsfError = small.Psf.PsfError,
        };
        SpotTable expected = small.Psf.EvaluateSpots(0, 8, plan.GridWavelengths, 2);
        using var device = new EmulatedDevice();
        var times = new DeviceStageTimes();
        using var workspace = new DeviceWorkspace(device);
        DeviceFrame onDevice = DeviceFrame.Upload(device, workspace, frame, times);
        int count = expected.Count;
        var xmin = new int[count];
        var ymin = new int[count];
        var rows = new int[count];
        var cols = new int[count];
        var values = new double[expected.Values.Length];
        device.Download<int>(onDevice.SpotXMin, xmin);
        device.Download<int>(onDevice.SpotYMin, ymin);
        device.Download<int>(onDevice.SpotRows, rows);
        device.Download<int>(onDevice.SpotCols, cols);
        device.Download<double>(onDevice.SpotValues, values);
        Assert.Equal(expected.XMin, xmin);
        Assert.Equal(expected.YMin, ymin);
        Assert.Equal(expected.Rows, rows);
        Assert.Equal(expected.Cols, cols);
        // Same operations in the same order; the exponentials differ by an ulp or so (Vector256.Exp vs libm) and
        // the emulation does not fuse multiply-adds the way the vector code does: stamp values are ≤ 1.
        double worst = 0;
        for (int i = 0; i < values.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(values[i] - expected.Values[i]));
        }
        output.WriteLine($"{count} spots, max |Δ stamp value| {worst:e2}");
        Assert.True(worst < 1e-13, $"stamp values differ by up to {worst:e2}");
    }

    [SkippableTheory]
    [InlineData(false, 2048, DeviceSolver.Band)]
    [InlineData(false, 3, DeviceSolver.Band)]
    [InlineData(true, 2048, DeviceSolver.Band)]
    [InlineData(false, 2048, DeviceSolver.Dense)]
    [InlineData(false, 3, DeviceSolver.Dense)]
    [InlineData(true, 2048, DeviceSolver.Dense)]
    public void Extraction_MatchesTheCpuBackend(bool decorrelateFibers, int maxBatch, DeviceSolver solver)
    {
        KernelEmulator.SkipIfUnavailable();
        ExtractionOptions options = SmallFrame.Instance.Options(decorrelateFibers);
        FrameExtraction.Result cpu = CpuReference.ExtractSmallFrame(options);
        using var device = new EmulatedDevice();
        var (gpu, backend) = RunEmulated(options, device, maxBatch: maxBatch, solver: solver);
        var agreement = BackendAgreement.Measure(gpu.Frame, cpu.Frame, gpu.ModelImage, cpu.ModelImage);
        output.WriteLine($"{cpu.PatchCount} patches in {backend.Batches} batches, {backend.CpuPatches} on the CPU, peak device memory {device.PeakUsed / 1e6:0.0} MB: {agreement}");
        foreach (DeviceStage stage in Enum.GetValues<DeviceStage>())
        {
            output.WriteLine($"  {stage}: {backend.StageTimes.Seconds(stage):0.000} s");
        }
        backend.Dispose();
        Assert.True(agreement.WithinTolerances, agreement.ToString());
        Assert.Equal(0, backend.CpuPatches);
        // Patches of 3 and 4 fibers never share a batch; a cap of 3 patches cuts further.
        Assert.True(backend.Batches >= (maxBatch == 3 ? cpu.PatchCount / 3 : 2), $"{backend.Batches} batches");
        Assert.Equal(backend.Batches, solver == DeviceSolver.Band ? backend.BandBatches : backend.DenseBatches);
        Assert.Equal(0, device.LeakedBytes);
        Assert.Equal(0, device.LeakedHostBuffers);
    }

    [SkippableTheory]
    [InlineData(DeviceSolver.Band)]
    [InlineData(DeviceSolver.Dense)]
    public void MaskedPatchAndRegularisation_MatchTheCpuBackend(DeviceSolver solver)
    {
        KernelEmulator.SkipIfUnavailable();
        SmallFrame small = SmallFrame.Instance;
        // Mask a block of rows across every fiber: at least one patch then has no usable pixel at all.
        var image = small.Image;
        int[] mask = (int[])image.Mask.Clone();
        int centre = (int)small.Psf.Y(3, 5800);
        for (int y = centre - 40; y < centre + 40; y++)
        {
            for (int x = 0; x < image.NPixX; x++)
            {
                mask[y * image.NPixX + x] = 1;
            }
        }
        var masked = image with { Mask = mask, FileName = "masked" };
        foreach (double regularize in (double[])[0.0, 0.05])
        {
            ExtractionOptions options = small.Options(regularize: regularize, nwavestep: 20);
            using var cpuBackend = CpuReference.Backend(2);
            FrameExtraction.Result cpu = FrameExtraction.Run(masked, small.Psf, options, cpuBackend);
            using var device = new EmulatedDevice();
            using var gpuBackend = new CudaBackend(device, new CudaBackendOptions { FallbackBackend = () => CpuReference.Backend(2), Solver = solver });
            FrameExtraction.Result gpu = FrameExtraction.Run(masked, small.Psf, options, gpuBackend);
            var agreement = BackendAgreement.Measure(gpu.Frame, cpu.Frame, gpu.ModelImage, cpu.ModelImage);
            using var managedBackend = new CpuBackend(2, LapackProvider.CreateFactory(LapackChoice.Managed, out _));
            FrameExtraction.Result managed = FrameExtraction.Run(masked, small.Psf, options, managedBackend);
            var spread = BackendAgreement.Measure(managed.Frame, cpu.Frame);
            output.WriteLine($"  CPU managed vs native LAPACK: {spread}");
            int zeroIvarBins = cpu.Frame.Ivar.Count(v => v == 0);
            output.WriteLine($"regularize {regularize}: {cpu.PatchCount} patches, {zeroIvarBins} bins with ivar 0: {agreement}");
            Assert.True(zeroIvarBins > 0, "the mask did not empty any bin");
            // Bins pinned by the regulariser beside the masked rows make iCov ill-conditioned: then two correct CPU
            // LAPACKs already differ by ~1e-6 in ivar. That spread shares the normal equations bit for bit, while the
            // device also sums them in another order (measured: 2e-6 in ivar with regularize 0, against a CPU spread of
            // 4e-7), so the GPU must be within the GPU-vs-CPU tolerances or within 10× the CPU's own spread.
            FrameAgreement frame = agreement.Frame, cpuSpread = spread.Frame;
            Assert.True(frame.MaxPull < Math.Max(BackendAgreement.PullTolerance, 10 * cpuSpread.MaxPull), $"pull: {agreement} vs spread {spread}");
            Assert.True(frame.MaxIvarRelative < Math.Max(BackendAgreement.IvarTolerance, 10 * cpuSpread.MaxIvarRelative), $"ivar: {agreement} vs spread {spread}");
            Assert.True(frame.MaxResolution < Math.Max(BackendAgreement.ResolutionTolerance, 10 * cpuSpread.MaxResolution), $"resolution: {agreement} vs spread {spread}");
            Assert.True(frame.MaxChi2Relative < BackendAgreement.Chi2Tolerance && frame.MaxPixmask < BackendAgreement.PixmaskTolerance
                && frame.MaskDifferences == 0 && frame.IvarPositiveMismatches == 0 && agreement.MaxModelRelative < BackendAgreement.ModelTolerance, agreement.ToString());
            // A patch whose pixels are all masked gives exactly the identity column (PatchSolver.WriteEmptyBins): the
            // device's STATUS_EMPTY path must have run for the same bins.
            Assert.True(IdentityBins(cpu.Frame) > 0, "no patch was entirely masked");
            Assert.Equal(IdentityBins(cpu.Frame), IdentityBins(gpu.Frame));
        }
    }

    /// <summary>Bins with ivar 0 whose resolution band is exactly the identity column.</summary>
    private static int IdentityBins(Core.Formats.Frame frame)
    {
        int count = 0, nd = frame.DiagonalCount, half = nd / 2, nwave = frame.NWave;
        for (int s = 0; s < frame.NSpec; s++)
        {
            for (int w = 0; w < nwave; w++)
            {
                bool identity = frame.Ivar[s * nwave + w] == 0;
                for (int k = 0; k < nd && identity; k++)
                {
                    identity = frame.Resolution[(s * nd + k) * nwave + w] == (k == half ? 1.0 : 0.0);
                }
                count += identity ? 1 : 0;
            }
        }
        return count;
    }

    [SkippableTheory]
    [InlineData(DeviceSolver.Band, false)]
    [InlineData(DeviceSolver.Band, true)]
    [InlineData(DeviceSolver.Dense, false)]
    public void FailedCholesky_IsSolvedOnTheCpu(DeviceSolver solver, bool decorrelateFibers)
    {
        KernelEmulator.SkipIfUnavailable();
        ExtractionOptions options = SmallFrame.Instance.Options(decorrelateFibers);
        FrameExtraction.Result cpu = CpuReference.ExtractSmallFrame(options);
        using var device = new EmulatedDevice();
        device.FailingCholesky.Add(0);
        device.FailingCholesky.Add(5);
        var (gpu, backend) = RunEmulated(options, device, solver: solver);
        using (backend)
        {
            var agreement = BackendAgreement.Measure(gpu.Frame, cpu.Frame, gpu.ModelImage, cpu.ModelImage);
            output.WriteLine($"{backend.CpuPatches} patches on the CPU: {agreement}");
            Assert.Equal(2, backend.CpuPatches);
            Assert.False(backend.DeviceFailed);
            Assert.True(agreement.WithinTolerances, agreement.ToString());
        }
    }

    [SkippableTheory]
    [InlineData(1)]   // during the frame upload (after clean_pixels)
    [InlineData(6)]   // inside the first batch
    [InlineData(14)]  // inside a later batch
    public void DeviceFailure_FinishesTheFrameOnTheCpuWithAWarning(int failingLaunch)
    {
        KernelEmulator.SkipIfUnavailable();
        ExtractionOptions options = SmallFrame.Instance.Options();
        FrameExtraction.Result cpu = CpuReference.ExtractSmallFrame(options);
        using var device = new EmulatedDevice { FailingLaunch = failingLaunch };
        var log = new StringWriter();
        var (gpu, backend) = RunEmulated(options, device, maxBatch: 4, log: log);
        using (backend)
        {
            var agreement = BackendAgreement.Measure(gpu.Frame, cpu.Frame, gpu.ModelImage, cpu.ModelImage);
            output.WriteLine($"{log.ToString().Trim()}\n{backend.CpuPatches} patches on the CPU: {agreement}");
            Assert.True(backend.DeviceFailed);
            Assert.Contains("warning: the GPU failed", log.ToString());
            Assert.Contains("CUDA_ERROR_ILLEGAL_ADDRESS", log.ToString());
            Assert.True(backend.CpuPatches > 0);
            Assert.True(agreement.WithinTolerances, agreement.ToString());
        }
    }

    [SkippableFact]
    public void DeviceFailure_WithoutFallback_IsAnError()
    {
        KernelEmulator.SkipIfUnavailable();
        using var device = new EmulatedDevice { FailingLaunch = 6 };
        var backend = new CudaBackend(device, new CudaBackendOptions { FallbackBackend = () => CpuReference.Backend(2), FallbackToCpu = false });
        using (backend)
        {
            var error = Assert.Throws<CudaException>(() =>
                FrameExtraction.Run(SmallFrame.Instance.Image, SmallFrame.Instance.Psf, SmallFrame.Instance.Options(), backend));
            Assert.Equal("CUDA_ERROR_ILLEGAL_ADDRESS", error.StatusName);
            Assert.Contains("cuLaunchKernel", error.Message);
        }
    }

    [SkippableTheory]
    [InlineData(DeviceSolver.Dense, 1_000_000)]
    [InlineData(DeviceSolver.Band, 150_000)]
    public void OutOfMemory_HalvesTheBatchUntilItFits(DeviceSolver solver, long largestAllocation)
    {
        KernelEmulator.SkipIfUnavailable();
        ExtractionOptions options = SmallFrame.Instance.Options();
        FrameExtraction.Result cpu = CpuReference.ExtractSmallFrame(options);
        // A patch's iCov is under 1 MB here (its band under 150 kB): once the frame is on the device, larger
        // allocations fail, as on a fragmented device, so the full batches must be halved before they fit.
        using var device = new EmulatedDevice { LargestAllocationAfterSpots = largestAllocation };
        var (gpu, backend) = RunEmulated(options, device, solver: solver);
        using (backend)
        {
            var agreement = BackendAgreement.Measure(gpu.Frame, cpu.Frame, gpu.ModelImage, cpu.ModelImage);
            output.WriteLine($"{backend.Halvings} halvings, {backend.Batches} batches: {agreement}");
            Assert.True(backend.Halvings > 0);
            Assert.False(backend.DeviceFailed);
            Assert.True(agreement.WithinTolerances, agreement.ToString());
        }
    }
}

[CollectionDefinition("emulated device", DisableParallelization = true)]
public sealed class EmulatedDeviceCollection;
