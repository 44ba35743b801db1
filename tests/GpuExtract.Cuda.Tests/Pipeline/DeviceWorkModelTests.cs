using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;
using GpuExtract.Cpu.Extraction;

namespace GpuExtract.Cuda.Tests.Pipeline;

/// <summary>
/// <see cref="DeviceWorkModel"/> against closed forms worked by hand on a small hand-built frame, against the CPU's own
/// counts (WavelengthMajorBand.InverseBlockFlops, the bandwidth NormalEquations.Accumulate finds, the CPU backend's
/// per-stage FLOPs) on <see cref="SmallFrame"/>. All counts are integers below 2⁵³, so equal counts are equal exactly.
/// </summary>
public sealed class DeviceWorkModelTests(ITestOutputHelper output)
{
    [Fact]
    public void SelectedInverseFlops_EqualTheCpuCount()
    {
        int cases = 0;
        foreach (int nf in (int[])[1, 2, 5, 7])
        {
            foreach (int nw in (int[])[1, 3, 10, 74])
            {
                int n = nf * nw;
                foreach (int kd in (int[])[0, 1, nf - 1, nf, 3 * nf - 1, 8 * nf + 2, n - 1])
                {
                    if (kd < 0 || kd > n - 1)
                    {
                        continue;
                    }
                    for (int first = 0; first < nf; first++)
                    {
                        for (int count = 1; first + count <= nf; count++)
                        {
                            double expected = WavelengthMajorBand.InverseBlockFlops(nf, nw, kd, first, count);
                            Assert.Equal(expected, DeviceWorkModel.SelectedInverseFlops(nf, nw, kd, first, count));
                            cases++;
                        }
                    }
                }
            }
        }
        Assert.True(cases > 200, $"{cases} cases");
    }

    /// <summary>
    /// Three fibers × six grid steps; spot (f, g) covers columns [4f, 4f+5) and rows [3g, 3g+4): 20 pixels, one shared
    /// column with a neighbouring fiber's spot, one shared row with the next grid step's, nothing two steps away. So
    /// D = 1. Patches (boxes 13 × 22, which clip nothing): 0 = fibers 0–1 × g 0–2, keeps fiber 0 at core g 1;
    /// 1 = fibers 0–1 × g 1–4, keeps fiber 1 at core g 1–2; 2 = fibers 0–2 × g 0–1, keeps fiber 1 at g 0–1.
    /// Batches [0, 1] (NF 2, NW 4, N 8, KD 3) and [2] (NF 3, NW 2, N 6, KD 5). Overlap pixels, lower band with the
    /// diagonal: patch 0: 6·20 (itself) + 3·4 (same g, neighbouring fiber) + 4·5 (same fiber, next g) + 4·1 (neighbouring
    /// fiber, next g) = 156; patch 1: 8·20 + 4·4 + 6·5 + 6·1 = 212; patch 2: 6·20 + 4·4 + 3·5 + 4·1 = 155. kd_p:
    /// patches 0, 1 (pos = 2k + i): (fiber 0, g) with (fiber 1, g+1) = 3; patch 2 (pos = 3k + i): (0, g) with (1, g+1) = 4,
    /// fibers 0 and 2 never overlap.
    /// </summary>
    [Fact]
    public void Counts_OfAHandBuiltFrame_AreTheClosedForms()
    {
        DeviceWorkModel.FrameGeometry frame = HandBuiltFrame(decorrelateFibers: false);
        int[][] batches = [[0, 1], [2]];
        DeviceWorkModel.FrameWork work = DeviceWorkModel.Estimate(frame, batches);

        Assert.Equal(1, work.Reach);
        Assert.Equal(3, work.FiberSpan);
        Assert.Equal([6, 8, 6], work.Unknowns);
        Assert.Equal([8, 8, 6], work.PaddedUnknowns);
        Assert.Equal([3, 3, 5], work.BandHalfWidth);
        Assert.Equal([3, 3, 4], work.PatchHalfBandwidth);

        DeviceWorkModel.SolverWork band = work.Band!, dense = work.Dense;
        const int Diagonals = 3;
        double spots = 600.0 * 18 * 4 * 5;
        double normal = 2.0 * (156 + 212 + 155) + 4.0 * (120 + 160 + 120);
        // 2 × stamp pixels + 12 × box pixels (13·22) + 6 × the kept bins' stamp pixels (1, 2 and 2 bins of 20).
        double diagnostics = 2.0 * 400 + 12.0 * 3 * 286 + 6.0 * 20 * 5;
        foreach (DeviceWorkModel.SolverWork solver in (DeviceWorkModel.SolverWork[])[band, dense])
        {
            Assert.Equal(spots, solver[DeviceStage.Spots].Flops);
            Assert.Equal(normal, solver[DeviceStage.NormalEquations].Flops);
            Assert.Equal(diagnostics, solver[DeviceStage.Diagnostics].Flops);
            // Signal decorrelation: Q = 2 blocks of NW = 4, then 1 of NW = 2; R = 3 and 2 kept bins.
            Assert.Equal(9.0 * (2 * 64 + 1 * 8), solver[DeviceStage.Eigen].Flops);
            Assert.Equal(4.0 * 2 * 16 + 2.0 * 3 * Diagonals * 4 + 4.0 * 1 * 4 + 2.0 * 2 * Diagonals * 2, solver[DeviceStage.Resolution].Flops);
        }
        // Band: N·kd_p² + 4·N·kd_p per patch, and the selected inverse of the kept fiber at the padded N.
        Assert.Equal(2 * (8.0 * 9 + 4 * 8 * 3) + (6.0 * 16 + 4 * 6 * 4), band[DeviceStage.Cholesky].Flops);
        Assert.Equal(WavelengthMajorBand.InverseBlockFlops(2, 4, 3, 0, 1) + WavelengthMajorBand.InverseBlockFlops(2, 4, 3, 1, 1)
            + WavelengthMajorBand.InverseBlockFlops(3, 2, 4, 1, 1), band[DeviceStage.Inverse].Flops);
        // Dense: potrf N³/3 + potrs 2N² per patch; trsm N³ per patch + Gram 2·Q·NW²·N.
        Assert.Equal(2 * (512.0 / 3 + 2 * 64) + (216.0 / 3 + 2 * 36), dense[DeviceStage.Cholesky].Flops, 9);
        Assert.Equal(2 * 512.0 + 2.0 * 2 * 16 * 8 + 216.0 + 2.0 * 1 * 4 * 6, dense[DeviceStage.Inverse].Flops);
        Assert.Equal(band.Flops - band[DeviceStage.Cholesky].Flops - band[DeviceStage.Inverse].Flops,
            dense.Flops - dense[DeviceStage.Cholesky].Flops - dense[DeviceStage.Inverse].Flops, 9);

        // Memory per patch of the largest batch (N = 8, KD = 3): the layout's, its two N × N matrices, 3 pointers and 2
        // infos replaced by one band of N × (KD + 1) and the patch's bandwidth, and the kept fiber's 2 pointers gone.
        long denseBytes = BatchLayout.BytesFor(1, 2, 4, kept: 1, rows: 2, pixels: 286, Diagonals, noiseDecorrelation: false);
        Assert.Equal(denseBytes, dense.BytesPerPatch);
        Assert.Equal(denseBytes - (2 * 64 * 8 + 3 * 8 + 2 * 4) + (8 * 4 * 8 + 4) - 2 * 8, band.BytesPerPatch);
        Assert.Equal(DeviceWorkModel.NominalBatchBudgetBytes / denseBytes, dense.PatchesPerBudget);
        Assert.All(band.Stages.Concat(dense.Stages), s => Assert.Equal(
            Math.Max(s.Flops / s.FlopsPerSecond, s.Bytes / DeviceWorkModel.MemoryBytesPerSecond), s.Seconds));
    }

    /// <summary>Noise decorrelation: no block inverse; eigh of each patch's N × N iCov; the resolution kernel at m = N.</summary>
    [Fact]
    public void Counts_WithNoiseDecorrelation_AreTheClosedForms()
    {
        DeviceWorkModel.FrameWork work = DeviceWorkModel.Estimate(HandBuiltFrame(decorrelateFibers: true), [[0, 1], [2]]);
        const int Diagonals = 3;
        foreach (DeviceWorkModel.SolverWork solver in (DeviceWorkModel.SolverWork[])[work.Band!, work.Dense])
        {
            Assert.Equal(0, solver[DeviceStage.Inverse].Flops);
            Assert.Equal(9.0 * (2 * 512 + 216), solver[DeviceStage.Eigen].Flops);
            Assert.Equal(4.0 * 2 * 64 + 2.0 * 3 * Diagonals * 8 + 4.0 * 1 * 36 + 2.0 * 2 * Diagonals * 6, solver[DeviceStage.Resolution].Flops);
        }
        // The band solver keeps a dense copy of iCov for the eigh: one band (and the bandwidth) and one N × N matrix in
        // place of the dense solver's two matrices, 3 pointers and 2 infos.
        long denseBytes = BatchLayout.BytesFor(1, 2, 4, kept: 1, rows: 2, pixels: 286, Diagonals, noiseDecorrelation: true);
        Assert.Equal(denseBytes, work.Dense.BytesPerPatch);
        Assert.Equal(denseBytes - (2 * 64 * 8 + 3 * 8 + 2 * 4) + (8 * 4 * 8 + 4) + 64 * 8, work.Band!.BytesPerPatch);
    }

    [Fact]
    public void Estimate_SpotsOutOfYOrder_LeaveOnlyTheDenseSolver()
    {
        DeviceWorkModel.FrameGeometry frame = HandBuiltFrame(decorrelateFibers: false);
        frame.SpotYMin[2 * frame.GridCount + 3] = 0;
        DeviceWorkModel.FrameWork work = DeviceWorkModel.Estimate(frame, [[0, 1], [2]]);
        Assert.Null(work.Reach);
        Assert.Null(work.Band);
        Assert.Same(work.Dense, work.Default);
        // Without a reach every pair is compared: kd_p is unchanged, the band storage would be the whole matrix.
        Assert.Equal([3, 3, 4], work.PatchHalfBandwidth);
        Assert.Equal([7, 7, 5], work.BandHalfWidth);
    }

    private static DeviceWorkModel.FrameGeometry HandBuiltFrame(bool decorrelateFibers)
    {
        const int Fibers = 3, Grid = 6;
        var xmin = new int[Fibers * Grid];
        var ymin = new int[Fibers * Grid];
        var rows = new int[Fibers * Grid];
        var cols = new int[Fibers * Grid];
        for (int f = 0; f < Fibers; f++)
        {
            for (int g = 0; g < Grid; g++)
            {
                int s = f * Grid + g;
                (xmin[s], cols[s], ymin[s], rows[s]) = (4 * f, 5, 3 * g, 4);
            }
        }
        var patches = new PatchBatch(3);
        void Patch(int p, int fiberCount, int waveStart, int waveCount, int keep, int coreOffset, int coreCount)
        {
            (patches.FiberStart[p], patches.FiberCount[p], patches.KeepFiberOffset[p], patches.KeepFiberCount[p]) = (0, fiberCount, keep, 1);
            (patches.WaveStart[p], patches.WaveCount[p], patches.CoreOffset[p], patches.CoreCount[p]) = (waveStart, waveCount, coreOffset, coreCount);
            (patches.XMin[p], patches.XMax[p], patches.YMin[p], patches.YMax[p]) = (0, 13, 0, 22);
        }
        Patch(0, 2, 0, 3, keep: 0, coreOffset: 1, coreCount: 1);
        Patch(1, 2, 1, 4, keep: 1, coreOffset: 0, coreCount: 2);
        Patch(2, 3, 0, 2, keep: 1, coreOffset: 0, coreCount: 2);
        patches.ComputeOffsets();
        return new DeviceWorkModel.FrameGeometry
        {
            Patches = patches,
            FiberStart = 0,
            FiberCount = Fibers,
            GridCount = Grid,
            StampRows = 4,
            StampCols = 5,
            SpotXMin = xmin,
            SpotYMin = ymin,
            SpotRows = rows,
            SpotCols = cols,
            HalfDiagonals = 1,
            DecorrelateFibers = decorrelateFibers,
            SpotFlops = 600.0 * 4 * 5, // a round stand-in: 600 per pixel of the 4 × 5 stamps
        };
    }

    /// <summary>
    /// The spot count of a Gauss-Hermite PSF of degree ≤ 6 without tails is dominated by the per-pixel y sum (3 FLOPs
    /// per GH degree) and the per-spot edge integrals (~100 FLOPs at each of the cols + rows + 2 edges): between 20 and
    /// 150 FLOPs a stamp pixel — not the 600 an early estimate took, which made spots look like half the device's work.
    /// </summary>
    [Fact]
    public void SpotFlops_OfTheSyntheticPsf_AreTensOfFlopsAPixel()
    {
        GaussHermitePsf psf = SmallFrame.Instance.Psf;
        double perPixel = DeviceWorkModel.SpotFlops(psf) / (psf.StampRows * psf.StampCols);
        Assert.InRange(psf.Coefficients.GhDegY, 0, 6);
        Assert.InRange(perPixel, 20, 150);
    }

    /// <summary>
    /// On the simulated frame, each patch in a batch of its own (no padding, as the CPU solves it): kd_p equals the
    /// bandwidth NormalEquations.Accumulate finds, and the normal equations, band solve + selected inverse, and
    /// diagnostics FLOPs equal what the CPU backend counts for its NormalEquations, Cholesky and Outputs stages.
    /// </summary>
    [Fact]
    public void Counts_OfUnpaddedPatches_EqualTheCpuBackendsCounts()
    {
        SmallFrame small = SmallFrame.Instance;
        ExtractionOptions options = small.Options(model: false);
        DeviceWorkModel.FrameGeometry geometry = DeviceWorkModel.FrameGeometry.Plan(small.Psf, options, threads: 2);
        PatchBatch patches = geometry.Patches;
        int[][] alone = Enumerable.Range(0, patches.Count).Select(p => new[] { p }).ToArray();
        DeviceWorkModel.FrameWork work = DeviceWorkModel.Estimate(geometry, alone);
        Assert.NotNull(work.Reach);

        // The same spots as the CPU evaluates them, and per patch the bandwidth its normal equations find.
        var (plan, input, _) = FrameExtraction.Prepare(small.Image, small.Psf, options);
        SpotTable spots = small.Psf.EvaluateSpots(input.FiberStart, input.FiberCount, input.GridWavelengths, threads: 2);
        Assert.Equal(spots.XMin, geometry.SpotXMin);
        Assert.Equal(spots.YMin, geometry.SpotYMin);
        Assert.Equal(spots.Rows, geometry.SpotRows);
        Assert.Equal(spots.Cols, geometry.SpotCols);
        Assert.Equal(plan.Patches.Count, patches.Count);
        var stamps = new PatchStamps();
        int widest = 0;
        for (int p = 0; p < patches.Count; p++)
        {
            stamps.Load(input, spots, plan.Patches, p);
            int n = stamps.UnknownCount;
            NormalEquations.Accumulate(stamps, new double[n * n], new double[n], new double[n], out int bandwidth);
            Assert.Equal(bandwidth, work.PatchHalfBandwidth[p]);
            widest = Math.Max(widest, bandwidth);
        }
        output.WriteLine($"{patches.Count} patches, reach {work.Reach}, kd_p up to {widest}");
        Assert.True(widest > 2 * patches.FiberCount.Max(), $"kd_p up to {widest}: the patches should couple wavelengths");

        using CpuBackend cpu = CpuReference.Backend(2);
        FrameExtraction.Run(small.Image, small.Psf, options, cpu);
        PatchStatistics statistics = cpu.Statistics;
        Assert.Equal(0, statistics.CholeskyFailures);
        Assert.Equal(0, statistics.EmptyPatches);
        DeviceWorkModel.SolverWork band = work.Band!;
        Assert.Equal(statistics.Flops(PatchStage.NormalEquations), band[DeviceStage.NormalEquations].Flops);
        Assert.Equal(statistics.Flops(PatchStage.Cholesky), band[DeviceStage.Cholesky].Flops + band[DeviceStage.Inverse].Flops);
        Assert.Equal(statistics.Flops(PatchStage.Outputs), band[DeviceStage.Diagnostics].Flops);
    }

    /// <summary>
    /// The simulated frame cut as the device cuts it: every batch pads to NF·NW, kd_p never exceeds the batch's KD =
    /// min((D+1)·NF − 1, N − 1), and padding only adds work, so the band solve costs at least the unpadded count.
    /// </summary>
    [Fact]
    public void Estimate_PadsEachBatchAsTheDeviceDoes()
    {
        SmallFrame small = SmallFrame.Instance;
        DeviceWorkModel.FrameGeometry geometry = DeviceWorkModel.FrameGeometry.Plan(small.Psf, small.Options(model: false), threads: 2);
        PatchBatch patches = geometry.Patches;
        DeviceWorkModel.FrameWork work = DeviceWorkModel.Estimate(geometry);
        DeviceWorkModel.FrameWork unpadded = DeviceWorkModel.Estimate(geometry, Enumerable.Range(0, patches.Count).Select(p => new[] { p }).ToArray());
        int d = work.Reach!.Value;
        Assert.Equal(patches.Count, work.Batches.Sum(b => b.Length));
        foreach (int[] batch in work.Batches)
        {
            int nf = patches.FiberCount[batch[0]];
            int nw = batch.Max(p => patches.WaveCount[p]);
            foreach (int p in batch)
            {
                Assert.Equal(nf, patches.FiberCount[p]);
                Assert.Equal(nf * nw, work.PaddedUnknowns[p]);
                Assert.Equal(Math.Min((d + 1) * nf - 1, nf * nw - 1), work.BandHalfWidth[p]);
                Assert.InRange(work.PatchHalfBandwidth[p], 1, work.BandHalfWidth[p]);
                Assert.Equal(unpadded.PatchHalfBandwidth[p], work.PatchHalfBandwidth[p]);
            }
        }
        Assert.True(work.Band!.Flops >= unpadded.Band!.Flops);
        Assert.True(work.Band.Flops < work.Dense.Flops);
    }
}
