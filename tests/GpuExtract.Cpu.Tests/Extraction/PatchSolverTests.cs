using GpuExtract.Core.Extraction;
using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;
using GpuExtract.Cpu.Extraction;
using Xunit.Abstractions;

namespace GpuExtract.Cpu.Tests.Extraction;

public sealed class PatchSolverTests(ITestOutputHelper output)
{
    // Tolerances against the dense reference. Both solve the same normal equations; the solver uses a band
    // Cholesky with selected inverse blocks (dense Cholesky for noise decorrelation) and eigh of 1-fiber blocks,
    // the reference a full eigh with an explicit inverse and
    // dense products. For well-conditioned patches they agree to ~1e-12: 1e-9 relative for flux and ivar and
    // 1e-10 absolute for R's O(1) entries leave a wide margin, while a wrong formula (a missing r², a wrong
    // clip, a transposed R) shows at 1e-3 or more. Where the eigen-decomposed matrix (C_bb, or iCov for noise
    // decorrelation) is ill-conditioned, as when bins entirely off the box get C_jj = 1/minweight² ≈ 1e11,
    // the eigh itself (in either implementation) is only accurate to ε·κ in its small eigenvalues, so the
    // bound becomes 20·ε·κ (measured: 1.6·ε·κ in ivar for the off-box case; specter itself moves by ~1e-7
    // between 1 and 2 BLAS threads for the same reason).
    private const double FluxTolerance = 1e-9;
    private const double IvarTolerance = 1e-9;
    private const double ResolutionTolerance = 1e-10;
    private const double ConditionFactor = 20 * 2.220446049250313e-16;
    // chi2pix and the model only see f through A·f (well conditioned): 1e-8 absolute for chi2pix ~ 1,
    // pixmask only sums stamp values (no solve): 1e-12.
    private const double Chi2Tolerance = 1e-8;
    private const double PixmaskTolerance = 1e-12;
    private const double ModelTolerance = 1e-9;

    public static TheoryData<string> ReferenceCases =>
        ["plain", "masked", "regularized", "decorrelateFibers", "decorrelateFibersMasked", "binsOffBox", "ccdEdges", "reversedTrace"];

    [SkippableTheory]
    [MemberData(nameof(ReferenceCases))]
    public void Solve_MatchesDenseReference(string name)
    {
        var (synthetic, frame, batch) = ReferenceCase(name);
        var solver = new PatchSolver(TestLapack.Create());
        PatchResults results = SyntheticFrame.ResultsFor(batch, frame);
        solver.Solve(frame, synthetic.Spots, batch, 0, results);
        DenseReferencePatch reference;
        try
        {
            reference = DenseReferencePatch.Solve(frame, synthetic.Spots, batch, 0, TestLapack.Create());
        }
        catch (InvalidOperationException error) when (error.Message.Contains("did not converge", StringComparison.Ordinal))
        {
            // Known: the managed eigensolver's QL split test is relative to the local diagonal, so it never
            // splits off the ~1e-11 eigenvalues of the off-box bins next to ~1e-3 ones. The reference's full
            // eigh then fails; the solver itself did not need it. Runs once the eigensolver handles graded matrices.
            Skip.If(true, $"reference eigh of iCov failed in {TestLapack.Create().Name} LAPACK: {error.Message}");
            throw;
        }

        if (name == "binsOffBox")
        {
            int offBox = CountEmptyColumns(reference);
            Assert.True(offBox > 0, "the binsOffBox case should have unknowns whose spots miss the box entirely");
            output.WriteLine($"{offBox} unknowns entirely off the box");
        }
        var agreement = PatchAgreement.Measure(results, batch, 0, reference, frame.HalfDiagonals, model: true);
        output.WriteLine($"{name}: n = {reference.N}, κ = {reference.ConditionNumber:E1}, {agreement}");
        AssertAgrees(agreement, reference.ConditionNumber);
        PatchAgreement.AssertAllFinite(results);
        Assert.Equal(0, solver.Statistics.CholeskyFailures);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Solve_CholeskyFailure_FallsBackToClippedEighAndMatchesDenseReference(bool decorrelateFibers)
    {
        var (synthetic, frame, batch) = ReferenceCase(decorrelateFibers ? "decorrelateFibersMasked" : "masked");
        var solver = new PatchSolver(new FailingCholeskyLapack(TestLapack.Create()));
        PatchResults results = SyntheticFrame.ResultsFor(batch, frame);
        solver.Solve(frame, synthetic.Spots, batch, 0, results);
        var reference = DenseReferencePatch.Solve(frame, synthetic.Spots, batch, 0, TestLapack.Create());

        Assert.Equal(1, solver.Statistics.CholeskyFailures);
        var agreement = PatchAgreement.Measure(results, batch, 0, reference, frame.HalfDiagonals, model: true);
        output.WriteLine($"κ = {reference.ConditionNumber:E1}, {agreement}");
        AssertAgrees(agreement, reference.ConditionNumber);
        PatchAgreement.AssertAllFinite(results);
    }

    [Fact]
    public void Solve_DuplicatedUnknown_CholeskyFailsAndFallbackMatchesDenseReference()
    {
        // One fiber of 2×2-pixel spots (0.25 each), 3 rows apart so none overlap, except that unknowns 4 and 5
        // share one spot: iCov has the exactly singular block w·[[¼,¼],[¼,¼]]·4 = [[1,1],[1,1]] (weights 4,
        // dyadic values, so every product is exact and Cholesky meets a pivot of exactly 0, for any
        // implementation). f_4 and f_5 are then individually undetermined; the reference's clipped eigh turns
        // the null direction into an eigenvalue 1/(10ε·λmax) of C, and Q = C_bb^(−½) damps that direction by
        // √(10ε·λmax) ≈ 7e-8. So flux, ivar and R are defined up to rounding noise × 7e-8 × the null-space
        // garbage (~0.1·f): 1e-7 relative / absolute for the twins; the isolated bins are exact to 1e-12.
        const int nw = 10;
        var spots = new SpotTable(nw, 11, 17);
        for (int g = 0; g < nw; g++)
        {
            int row = 3 * (g <= 4 ? g : g - 1);
            spots.XMin[g] = 2;
            spots.YMin[g] = row + 1;
            spots.Rows[g] = 2;
            spots.Cols[g] = 2;
            Span<double> stamp = spots.Stamp(g);
            stamp[0] = stamp[1] = stamp[17] = stamp[18] = 0.25;
        }
        const int nPixX = 6, nPixY = 32;
        var truth = new double[nw];
        for (int g = 0; g < nw; g++)
        {
            truth[g] = 40 + 8 * g;
        }
        double[] model = SyntheticFrame.Project(spots, truth, nPixX, nPixY);
        var image = new float[model.Length];
        var weight = new float[model.Length];
        for (int q = 0; q < model.Length; q++)
        {
            image[q] = (float)(model[q] + (q % 5) - 2);
            weight[q] = 4;
        }
        var frame = new FrameInput
        {
            NPixX = nPixX,
            NPixY = nPixY,
            Image = image,
            Weight = weight,
            Psf = null!,
            FiberStart = 3,
            FiberCount = 1,
            GridWavelengths = [.. Enumerable.Range(0, nw).Select(g => 5000.0 + g)],
            HalfDiagonals = 2,
            PsfError = 0.01,
            ComputeModel = true,
        };
        PatchBatch batch = SyntheticFrame.Batch(new PatchSpec(3, 1, 0, 1, 0, nw, 1, nw - 2, new PixelBox(0, nPixX, 0, nPixY)));
        var solver = new PatchSolver(TestLapack.Create());
        PatchResults results = SyntheticFrame.ResultsFor(batch, frame);
        solver.Solve(frame, spots, batch, 0, results);
        var reference = DenseReferencePatch.Solve(frame, spots, batch, 0, TestLapack.Create());

        Assert.Equal(1, solver.Statistics.CholeskyFailures);
        PatchAgreement.AssertAllFinite(results);
        for (int c = 0; c < nw - 2; c++)
        {
            int j = c + 1;
            bool twin = j is 4 or 5;
            double tolerance = twin ? 1e-7 : 1e-12;
            double fluxDeviation = Math.Abs(results.Flux[c] / reference.Flux[j] - 1);
            double ivarDeviation = Math.Abs(results.Ivar[c] / reference.Ivar[j] - 1);
            output.WriteLine($"bin {j}: flux {results.Flux[c]:F6} vs {reference.Flux[j]:F6} ({fluxDeviation:E1}), ivar {ivarDeviation:E1}");
            Assert.True(fluxDeviation <= tolerance, $"bin {j}: flux {results.Flux[c]} vs reference {reference.Flux[j]}");
            Assert.True(ivarDeviation <= tolerance, $"bin {j}: ivar {results.Ivar[c]} vs reference {reference.Ivar[j]}");
            for (int k = 0; k < results.DiagonalCount; k++)
            {
                double deviation = Math.Abs(results.Resolution[c * results.DiagonalCount + k] - reference.Band(j, k, 2));
                Assert.True(deviation <= tolerance, $"bin {j}, diagonal {k}: resolution differs by {deviation:E2}");
            }
        }
        // The twins share their light equally: R maps both to their mean.
        Assert.Equal(results.Flux[3], results.Flux[4], 1e-6);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Solve_IsolatedSpots_MatchClosedForm(bool decorrelateFibers)
    {
        // Spots 13 rows and 25 columns apart never overlap (11 × 17 stamps): iCov is diagonal, so
        // f_j = Σ w s p / Σ w s², C_bb and Q are diagonal, R = I and ivar = Σ w s² = iCov_jj. Only sums of
        // ~187 terms and a square root separate solver and formula: 1e-12 relative.
        var synthetic = new SyntheticFrame(new SyntheticFrameOptions
        {
            FiberCount = 3,
            GridCount = 12,
            FiberSpacing = 25,
            WaveStep = 13,
            MaskFraction = 0.05,
            Seed = 4,
        });
        FrameInput frame = synthetic.Frame(halfDiagonals: 3, decorrelateFibers: decorrelateFibers);
        PixelBox box = synthetic.CoveringBox(20, 3, 0, 12, 0);
        PatchBatch batch = SyntheticFrame.Batch(new PatchSpec(20, 3, 0, 3, 0, 12, 0, 12, box));
        PatchResults results = SyntheticFrame.ResultsFor(batch, frame);
        new PatchSolver(TestLapack.Create()).Solve(frame, synthetic.Spots, batch, 0, results);

        for (int f = 0; f < 3; f++)
        {
            for (int g = 0; g < 12; g++)
            {
                int row = f * 12 + g;
                int s = synthetic.SpotIndex(20 + f, g);
                double sumWsp = 0, sumWss = 0;
                ReadOnlySpan<double> stamp = synthetic.Spots.Stamp(s);
                for (int r = 0; r < synthetic.Spots.Rows[s]; r++)
                {
                    for (int c = 0; c < synthetic.Spots.Cols[s]; c++)
                    {
                        int ccd = (synthetic.Spots.YMin[s] + r) * synthetic.NPixX + synthetic.Spots.XMin[s] + c;
                        double w = synthetic.Weight[ccd];
                        double value = stamp[r * synthetic.Spots.StampCols + c];
                        if (w > 0)
                        {
                            sumWsp += w * value * synthetic.Image[ccd];
                            sumWss += w * value * value;
                        }
                    }
                }
                double expectedFlux = sumWsp / sumWss;
                Assert.True(Math.Abs(results.Flux[row] / expectedFlux - 1) < 1e-12, $"fiber {f}, bin {g}: flux {results.Flux[row]} vs {expectedFlux}");
                Assert.True(Math.Abs(results.Ivar[row] / sumWss - 1) < 1e-12, $"fiber {f}, bin {g}: ivar {results.Ivar[row]} vs {sumWss}");
                for (int k = 0; k < results.DiagonalCount; k++)
                {
                    double expected = k == 3 ? 1.0 : 0.0;
                    double value = results.Resolution[row * results.DiagonalCount + k];
                    Assert.True(Math.Abs(value - expected) < 1e-12, $"fiber {f}, bin {g}: R band[{k}] = {value}, expected {expected}");
                }
            }
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.05)]
    public void Solve_NoiselessPatch_FluxEqualsResolutionTimesTruth(double maskFraction)
    {
        // Pixels = A·truth exactly (dyadic stamps and integer truth: exact in float32), every spot fully inside
        // the box, so f = truth up to rounding (κ·ε ≈ 1e-11) and flux = R·f = R·truth. The band covers the whole
        // fiber block (ndiag = nw) and every bin is output, so R·truth is formed from the outputs alone.
        var synthetic = new SyntheticFrame(new SyntheticFrameOptions
        {
            FiberCount = 4,
            GridCount = 40,
            Noise = false,
            ExactNoiseless = true,
            MaskFraction = maskFraction,
            Seed = 5,
        });
        const int nw = 30, first = 5;
        // Only the patch's own spots shine (light of neighbouring wavelengths would be unmodelled).
        var patchTruth = new double[synthetic.Truth.Length];
        for (int f = 0; f < 4; f++)
        {
            for (int g = first; g < first + nw; g++)
            {
                patchTruth[synthetic.SpotIndex(20 + f, g)] = synthetic.Truth[synthetic.SpotIndex(20 + f, g)];
            }
        }
        double[] exact = SyntheticFrame.Project(synthetic.Spots, patchTruth, synthetic.NPixX, synthetic.NPixY);
        float[] image = Array.ConvertAll(exact, v => (float)v);
        for (int q = 0; q < image.Length; q++)
        {
            Assert.Equal(exact[q], image[q]); // dyadic values: float32 holds A·truth exactly
            image[q] = synthetic.Weight[q] == 0 ? float.NaN : image[q];
        }
        FrameInput frame = synthetic.Frame(halfDiagonals: nw, image: image);
        PixelBox box = synthetic.CoveringBox(20, 4, first, first + nw, 0);
        PatchBatch batch = SyntheticFrame.Batch(new PatchSpec(20, 4, 0, 4, first, nw, 0, nw, box));
        PatchResults results = SyntheticFrame.ResultsFor(batch, frame);
        var solver = new PatchSolver(TestLapack.Create());
        solver.Solve(frame, synthetic.Spots, batch, 0, results);

        double worstF = 0, worstFlux = 0;
        for (int f = 0; f < 4; f++)
        {
            for (int j = 0; j < nw; j++)
            {
                double truth = synthetic.Truth[synthetic.SpotIndex(20 + f, first + j)];
                worstF = Math.Max(worstF, Math.Abs(solver.DeconvolvedFlux[f * nw + j] / truth - 1));
                double convolved = 0;
                for (int k = 0; k < nw; k++)
                {
                    // R[j, k] is entry j − k + ndiag of column k's band.
                    convolved += results.Resolution[(f * nw + k) * results.DiagonalCount + j - k + nw]
                        * synthetic.Truth[synthetic.SpotIndex(20 + f, first + k)];
                }
                worstFlux = Math.Max(worstFlux, Math.Abs(results.Flux[f * nw + j] / convolved - 1));
            }
        }
        output.WriteLine($"max |f/truth − 1| = {worstF:E2}, max |flux/(R·truth) − 1| = {worstFlux:E2}");
        Assert.True(worstF < 1e-8, $"deconvolved flux differs from the truth by {worstF:E2} relative");
        Assert.True(worstFlux < 1e-8, $"flux differs from R·truth by {worstFlux:E2} relative");
    }

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(false, 0.01)]
    [InlineData(true, 0.0)]
    public void Solve_AllPixelsMasked_GivesZeroFluxAndIvarAndNoNaN(bool decorrelateFibers, double regularize)
    {
        var synthetic = new SyntheticFrame(new SyntheticFrameOptions { FiberCount = 4, GridCount = 40 });
        PatchSpec spec = synthetic.ExtractionPatch(20, 4, 1, 2, 10, 20, pad: 6);
        float[] image = (float[])synthetic.Image.Clone();
        float[] weight = (float[])synthetic.Weight.Clone();
        for (int y = spec.Box.YMin; y < spec.Box.YMax; y++)
        {
            for (int x = spec.Box.XMin; x < spec.Box.XMax; x++)
            {
                weight[y * synthetic.NPixX + x] = 0;
                image[y * synthetic.NPixX + x] = float.NaN;
            }
        }
        FrameInput frame = synthetic.Frame(regularize: regularize, decorrelateFibers: decorrelateFibers, image: image, weight: weight);
        PatchBatch batch = SyntheticFrame.Batch(spec);
        PatchResults results = SyntheticFrame.ResultsFor(batch, frame);
        results.Flux.AsSpan().Fill(double.NaN); // everything must be overwritten
        results.Resolution.AsSpan().Fill(double.NaN);
        var solver = new PatchSolver(TestLapack.Create());
        solver.Solve(frame, synthetic.Spots, batch, 0, results);

        PatchAgreement.AssertAllFinite(results);
        Assert.Equal(1, solver.Statistics.EmptyPatches);
        Assert.All(results.Flux, v => Assert.Equal(0.0, v));
        Assert.All(results.Ivar, v => Assert.Equal(0.0, v));
        Assert.All(results.Chi2Pix, v => Assert.Equal(0.0, v));
        Assert.All(results.PixmaskFraction, v => Assert.Equal(1.0, v));
        Assert.All(results.Model, v => Assert.Equal(0.0, v));
        for (int row = 0; row < batch.OutputCount; row++)
        {
            for (int k = 0; k < results.DiagonalCount; k++)
            {
                Assert.Equal(k == frame.HalfDiagonals ? 1.0 : 0.0, results.Resolution[row * results.DiagonalCount + k]);
            }
        }
    }

    [Fact]
    public void Solve_PatchOutsideFrame_ThrowsWithThePatchInTheMessage()
    {
        var synthetic = new SyntheticFrame(new SyntheticFrameOptions { FiberCount = 3, GridCount = 30 });
        FrameInput frame = synthetic.Frame();
        PatchBatch batch = SyntheticFrame.Batch(new PatchSpec(21, 3, 0, 1, 0, 10, 0, 10, synthetic.CoveringBox(20, 3, 0, 10, 0)));
        var error = Assert.Throws<InvalidOperationException>(() =>
            new PatchSolver(TestLapack.Create()).Solve(frame, synthetic.Spots, batch, 0, SyntheticFrame.ResultsFor(batch, frame)));
        Assert.Contains("Patch 0", error.Message);
    }

    private static void AssertAgrees(PatchAgreement agreement, double conditionNumber)
    {
        double eighAccuracy = ConditionFactor * conditionNumber;
        Assert.True(agreement.Flux <= Math.Max(FluxTolerance, eighAccuracy), $"flux (κ = {conditionNumber:E1}): {agreement}");
        Assert.True(agreement.Ivar <= Math.Max(IvarTolerance, eighAccuracy), $"ivar (κ = {conditionNumber:E1}): {agreement}");
        Assert.True(agreement.Resolution <= Math.Max(ResolutionTolerance, eighAccuracy), $"resolution (κ = {conditionNumber:E1}): {agreement}");
        Assert.True(agreement.Chi2Pix <= Chi2Tolerance, $"chi2pix: {agreement}");
        Assert.True(agreement.Pixmask <= PixmaskTolerance, $"pixmask: {agreement}");
        Assert.True(agreement.Model <= ModelTolerance, $"model: {agreement}");
    }

    private static int CountEmptyColumns(DenseReferencePatch reference)
    {
        int empty = 0;
        for (int j = 0; j < reference.N; j++)
        {
            bool any = false;
            for (int q = 0; q < reference.PixelCount && !any; q++)
            {
                any = reference.A[(long)q * reference.N + j] != 0;
            }
            empty += any ? 0 : 1;
        }
        return empty;
    }

    /// <summary>The synthetic patches compared with the dense reference (n = 250 unknowns, ~2,000 pixels).</summary>
    internal static (SyntheticFrame Synthetic, FrameInput Frame, PatchBatch Batch) ReferenceCase(string name)
    {
        var options = new SyntheticFrameOptions
        {
            FiberCount = 7,
            GridCount = 110,
            MaskFraction = name.Contains("asked") ? 0.05 : 0,
            MarginX = name == "ccdEdges" ? 3 : 12,
            MarginY = name == "ccdEdges" ? 2 : 10,
            ReverseY = name == "reversedTrace", // stamps' rows decrease along each fiber
            Seed = name.Length,
        };
        var synthetic = new SyntheticFrame(options);
        FrameInput frame = synthetic.Frame(
            regularize: name == "regularized" ? 0.01 : 0,
            decorrelateFibers: name.StartsWith("decorrelateFibers", StringComparison.Ordinal));
        PatchSpec spec = name switch
        {
            // Pads of 20 bins (24 rows) around a box only 2 rows beyond the core spots: the outer pad bins miss it.
            "binsOffBox" => synthetic.ExtractionPatch(21, 5, 1, 3, 45, 30, pad: 20) with
            {
                Box = synthetic.CoveringBox(21, 5, 45, 75, 2),
            },
            // First fibers and first wavelengths: spots clipped by the CCD's left and bottom edges.
            "ccdEdges" => synthetic.ExtractionPatch(20, 5, 0, 4, 0, 30, pad: 10),
            _ => synthetic.ExtractionPatch(21, 5, 1, 3, 40, 30, pad: 10),
        };
        return (synthetic, frame, SyntheticFrame.Batch(spec));
    }
}
