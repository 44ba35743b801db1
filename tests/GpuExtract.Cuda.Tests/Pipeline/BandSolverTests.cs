using GpuExtract.Core.Formats;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Validation;

namespace GpuExtract.Cuda.Tests.Pipeline;

/// <summary>
/// What the band solver adds beyond agreeing with the CPU on whole frames (ReferenceCaseEmulationTests): the
/// spots' reach that sizes the band (the kernel against the host's <see cref="SpotReach.Compute"/>, itself tested
/// against a brute-force pair search), the memory it saves, the workspace that makes later batches allocate
/// nothing, and a bundle with masked CCD columns and an injected factorisation failure.
/// </summary>
[Collection("emulated device")]
public sealed class BandSolverTests(ITestOutputHelper output)
{
    /// <summary>spot_reach on the emulated device: (reach, unordered flag).</summary>
    private static (int Reach, int Unordered) KernelReach(int[] xmin, int[] ymin, int[] rows, int[] cols, int nfiber, int ngrid, int span)
    {
        using var device = new EmulatedDevice();
        DevicePointer Put(int[] values)
        {
            DevicePointer p = device.Allocate(values.Length * sizeof(int));
            device.Upload<int>(values, p);
            return p;
        }
        DevicePointer x = Put(xmin), y = Put(ymin), r = Put(rows), c = Put(cols), result = Put([0, 0]);
        device.Launch("spot_reach", new Dim3((nfiber * ngrid + 127) / 128), new Dim3(128), 0, new KernelArguments()
            .Add(x).Add(y).Add(r).Add(c).Add(nfiber).Add(ngrid).Add(span).Add(result));
        var values = new int[2];
        device.Download<int>(result, values);
        foreach (DevicePointer p in (DevicePointer[])[x, y, r, c, result])
        {
            device.Free(p);
        }
        return (values[0], values[1]);
    }

    [SkippableFact]
    public void SpotReachKernel_EqualsTheHostsReach_OnTheSmallFramesSpots()
    {
        KernelEmulator.SkipIfUnavailable();
        SmallFrame small = SmallFrame.Instance;
        var plan = Core.Planning.PatchPlanner.Plan(small.Psf, small.Options());
        SpotTable spots = small.Psf.EvaluateSpots(0, 8, plan.GridWavelengths, 2);
        int ngrid = plan.GridWavelengths.Length;
        foreach (int span in (int[])[1, 2, 4, 8])
        {
            int? expected = SpotReach.Compute(spots.XMin, spots.YMin, spots.Rows, spots.Cols, 8, ngrid, span);
            var (reach, unordered) = KernelReach(spots.XMin, spots.YMin, spots.Rows, spots.Cols, 8, ngrid, span);
            output.WriteLine($"span {span}: reach {reach} (host {expected}), {ngrid} grid wavelengths");
            Assert.Equal(0, unordered);
            Assert.Equal(expected, reach);
            Assert.True(reach > 0);
        }
    }

    [SkippableFact]
    public void SpotReach_FindsTiltedNeighbours_SkipsEmptySpots_AndFlagsUnorderedFibers()
    {
        KernelEmulator.SkipIfUnavailable();
        // 3 fibers × 12 grid steps of 5 × 7 spots, y advancing 2 pixels a step; fiber 2's trace is 6 pixels lower,
        // so its spot g overlaps fiber 1's spots up to 6 steps away; fiber 0 is 30 columns away from the others.
        const int Fibers = 3, Grid = 12;
        var xmin = new int[Fibers * Grid];
        var ymin = new int[Fibers * Grid];
        var rows = new int[Fibers * Grid];
        var cols = new int[Fibers * Grid];
        for (int f = 0; f < Fibers; f++)
        {
            for (int g = 0; g < Grid; g++)
            {
                int s = f * Grid + g;
                xmin[s] = f == 0 ? 0 : 30 + 3 * f;
                ymin[s] = 2 * g - (f == 2 ? 6 : 0);
                rows[s] = 7;
                cols[s] = 5;
            }
        }
        rows[1 * Grid + 7] = 0; // an empty spot inside fiber 1 (off the CCD): skipped, not an end of the scan
        foreach (int span in (int[])[1, 2, 3])
        {
            int? expected = SpotReach.Compute(xmin, ymin, rows, cols, Fibers, Grid, span);
            var (reach, unordered) = KernelReach(xmin, ymin, rows, cols, Fibers, Grid, span);
            output.WriteLine($"span {span}: reach {reach}, host {expected}");
            Assert.Equal(0, unordered);
            Assert.Equal(expected, reach);
        }
        // Worked by hand: fiber 2's spot g (rows 2g−6 … 2g) meets fiber 1's spots g − 6 … g (spot g − 6: rows 2g−12 … 2g−6).
        Assert.Equal(6, KernelReach(xmin, ymin, rows, cols, Fibers, Grid, 2).Reach);
        // A fiber whose spots go back up in y breaks the scan's premise: flagged, as the host returns null.
        ymin[2 * Grid + 5] = ymin[2 * Grid + 4] - 1;
        Assert.Equal(1, KernelReach(xmin, ymin, rows, cols, Fibers, Grid, 2).Unordered);
        Assert.Null(SpotReach.Compute(xmin, ymin, rows, cols, Fibers, Grid, 2));
    }

    [Fact]
    public void BandMemoryPerPatch_IsLinearInN_WhereTheDenseSolversIsQuadratic()
    {
        // A real r-frame patch: 7 fibers (5 kept) × 74 wavelengths, half-bandwidth (8 + 1)·7 − 1 = 62, 11 diagonals,
        // a 40 × 160 pixel box. Per patch, the dense solver's two N × N matrices dominate; the band is N·(kd + 1).
        const int Nf = 7, Nw = 74, Kept = 5, Rows = 5 * 50, Diagonals = 11;
        const long Pixels = 40 * 160;
        int kd = BatchLayout.BandHalfWidth(8, Nf, Nw);
        Assert.Equal(62, kd);
        long dense = BatchLayout.BytesFor(1, Nf, Nw, Kept, Rows, Pixels, Diagonals, noiseDecorrelation: false, DeviceSolver.Dense);
        long band = BatchLayout.BytesFor(1, Nf, Nw, Kept, Rows, Pixels, Diagonals, noiseDecorrelation: false, DeviceSolver.Band, kd);
        long n = Nf * Nw;
        output.WriteLine($"per patch: dense {dense / 1e6:0.00} MB, band {band / 1e6:0.000} MB; batch in 80 GB: dense {80e9 / dense:0}, band {80e9 / band:0} patches");
        Assert.True(dense - band >= 2 * n * n * 8 - n * (kd + 1) * 8 - 64, "the band does not replace the two N × N matrices");
        Assert.True(band < 2 * n * (kd + 1) * 8 + Kept * ((long)Nw * Nw + Nw) * 8 + Pixels * 28 + Rows * (3 + Diagonals) * 8 + 12 * n * 8,
            $"band solver takes {band} bytes per patch: more than O(N·kd) plus the blocks and the box");
        // Doubling the wavelengths per patch doubles the band part and quadruples the dense part.
        long dense2 = BatchLayout.BytesFor(1, Nf, 2 * Nw, Kept, Rows, Pixels, Diagonals, false, DeviceSolver.Dense);
        long band2 = BatchLayout.BytesFor(1, Nf, 2 * Nw, Kept, Rows, Pixels, Diagonals, false, DeviceSolver.Band, kd);
        // (2N)² − N² = 3N² for each of the two matrices.
        Assert.True(dense2 - dense >= 3 * (2 * n * n * 8), "dense memory does not grow as N²");
        Assert.True(band2 - band < 2 * n * (kd + 1) * 8 + Kept * 3L * Nw * Nw * 8 + 16 * n * 8, "band memory grows faster than N·kd plus the blocks");
    }

    [SkippableFact]
    public void SecondFrame_AllocatesNothing_AndTheBandSolverPeaksBelowTheDenseOne()
    {
        KernelEmulator.SkipIfUnavailable();
        SmallFrame small = SmallFrame.Instance;
        ExtractionOptions options = small.Options();
        var peaks = new Dictionary<DeviceSolver, long>();
        foreach (DeviceSolver solver in (DeviceSolver[])[DeviceSolver.Band, DeviceSolver.Dense])
        {
            using var device = new EmulatedDevice();
            using var backend = new CudaBackend(device, new CudaBackendOptions { FallbackBackend = () => CpuReference.Backend(2), Solver = solver });
            FrameExtraction.Run(small.Image, small.Psf, options, backend);
            int afterFirst = device.Allocations;
            long heldAfterFirst = backend.WorkspaceBytes;
            peaks[solver] = device.PeakUsed - device.UsedAfterSpots!.Value;
            FrameExtraction.Run(small.Image, small.Psf, options, backend);
            int secondFrame = device.Allocations - afterFirst;
            output.WriteLine($"{solver}: {afterFirst} allocations in the first frame, {secondFrame} in the second; workspace {heldAfterFirst / 1e3:0} kB; peak above the frame {peaks[solver] / 1e3:0} kB in {backend.Batches / 2} batches a frame");
            Assert.True(heldAfterFirst > 0);
            // Neither the batches nor the frame (pixels, spots, PSF tables) allocate again for a frame of the same size.
            Assert.Equal(0, secondFrame);
            Assert.Equal(heldAfterFirst, backend.WorkspaceBytes);
        }
        Assert.True(peaks[DeviceSolver.Band] < peaks[DeviceSolver.Dense], $"band {peaks[DeviceSolver.Band]} bytes, dense {peaks[DeviceSolver.Dense]}");
    }

    [SkippableFact]
    public void BundleWithMaskedColumnsAndAFailedFactorisation_EqualsTheCpuBackend()
    {
        KernelEmulator.SkipIfUnavailable();
        SmallFrame small = SmallFrame.Instance;
        // Three whole CCD columns masked inside fiber 2's trace and one inside fiber 5's: every patch over them loses
        // part of its spots' light, some bins most of it.
        var image = small.Image;
        int[] mask = (int[])image.Mask.Clone();
        foreach (int fiber in (int[])[2, 5])
        {
            int x0 = (int)Math.Round(small.Psf.X(fiber, 5800));
            foreach (int x in fiber == 2 ? (int[])[x0 - 1, x0, x0 + 1] : [x0])
            {
                for (int y = 0; y < image.NPixY; y++)
                {
                    mask[y * image.NPixX + x] = 1;
                }
            }
        }
        var masked = image with { Mask = mask, FileName = "masked columns" };
        ExtractionOptions options = small.Options(regularize: 0.05);
        using var cpuBackend = CpuReference.Backend(2);
        FrameExtraction.Result cpu = FrameExtraction.Run(masked, small.Psf, options, cpuBackend);
        using var device = new EmulatedDevice();
        device.FailingCholesky.Add(1);
        using var gpuBackend = new CudaBackend(device, new CudaBackendOptions { FallbackBackend = () => CpuReference.Backend(2), Solver = DeviceSolver.Band });
        FrameExtraction.Result gpu = FrameExtraction.Run(masked, small.Psf, options, gpuBackend);
        FrameAgreement agreement = FrameAgreement.Measure(gpu.Frame, cpu.Frame);
        int flagged = cpu.Frame.Mask.Count(m => m != 0);
        output.WriteLine($"{gpuBackend.SolverDescription}, {gpuBackend.CpuPatches} patch on the CPU, {flagged} masked bins: max pull {agreement.MaxPull:e2}, ivar rel {agreement.MaxIvarRelative:e2}, resolution {agreement.MaxResolution:e2}");
        Assert.True(flagged > 0, "the masked columns flagged no bin");
        Assert.Equal(1, gpuBackend.CpuPatches);
        Assert.Equal(0, gpuBackend.DenseBatches);
        // As ReferenceCaseEmulationTests: two float64 solvers of the same systems.
        Assert.True(agreement.MaxPull < 1e-10, $"pull {agreement.MaxPull:e2}");
        Assert.True(agreement.MaxIvarRelative < 1e-12, $"ivar {agreement.MaxIvarRelative:e2}");
        Assert.True(agreement.MaxResolution < 1e-12, $"resolution {agreement.MaxResolution:e2}");
        Assert.Equal(0, agreement.MaskDifferences);
    }
}
