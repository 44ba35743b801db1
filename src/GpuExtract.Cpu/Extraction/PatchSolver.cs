using System.Diagnostics;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Psf;
using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.Cpu.Extraction;

/// <summary>
/// Solves one patch at a time (DESIGN §1.4, the reference's <c>ex2d_patch</c>): normal equations from the
/// spots, f = iCov⁻¹·y and the needed part of C = iCov⁻¹ by Cholesky (clipped eigh when the Cholesky fails),
/// then the resolution matrix by per-fiber signal decorrelation (Q_bb = C_bb^(−½)) or, with
/// <see cref="FrameInput.DecorrelateFibers"/>, noise decorrelation (Q = iCov^(½)); then flux, ivar, the
/// resolution band, chi2pix, pixmask fraction and the model for the patch's kept bins.
/// For signal decorrelation only the kept fibers' diagonal blocks C_bb are needed: iCov is factored as a
/// band in wavelength-major order (<see cref="WavelengthMajorBand"/>) and C_bb come from a selected
/// inversion of that factor, never forming C.
/// One instance per worker: it owns its scratch (grown to the largest patch, never per patch) and its
/// <see cref="ILapack"/>, and is not thread-safe.
/// </summary>
public sealed class PatchSolver
{
    private readonly ILapack _lapack;
    private readonly PatchStamps _stamps = new();
    private double[] _icov = [];
    private double[] _work = [];
    private double[] _block = [];
    private double[] _band = [];
    private int[] _blockIndices = [];
    private double[] _rhs = [];
    private double[] _flux = [];
    private double[] _fluxWeight = [];
    private double[] _eigenvalues = [];
    private double[] _scale = [];
    private double[] _rowSums = [];
    private double[] _convolved = [];
    private double[] _vectorScratch = [];
    private double[] _model = [];
    private double[] _chi2 = [];
    private double[] _counted = [];
    private double[] _usable = [];

    /// <param name="lapack">This worker's dense linear algebra (not shared with other workers).</param>
    public PatchSolver(ILapack lapack)
    {
        _lapack = lapack ?? throw new ArgumentNullException(nameof(lapack));
    }

    /// <summary>The linear algebra this solver uses.</summary>
    public ILapack Lapack => _lapack;

    /// <summary>Stage times and FLOPs of every patch this solver has solved.</summary>
    public PatchStatistics Statistics { get; } = new();

    /// <summary>
    /// The deconvolved flux f of the last patch solved (fiber-major, pad bins and neighbour fibers included)
    /// [electron per bin]; 0 for a patch whose pixels are all unusable.
    /// </summary>
    public ReadOnlySpan<double> DeconvolvedFlux => _flux.AsSpan(0, _stamps.UnknownCount);

    /// <summary>
    /// Solves patch <paramref name="p"/> of <paramref name="batch"/> (offsets computed) against the frame's
    /// pixels and its spots (<paramref name="spots"/> indexed by <see cref="FrameInput.SpotIndex"/>), writing the
    /// patch's kept bins into <paramref name="results"/> and, when <see cref="FrameInput.ComputeModel"/>, its
    /// model pixels. Never writes NaN or ±Inf.
    /// </summary>
    public void Solve(FrameInput frame, SpotTable spots, PatchBatch batch, int p, PatchResults results)
    {
        long start = Stopwatch.GetTimestamp();
        ValidateResults(frame, batch, p, results);
        _stamps.Load(frame, spots, batch, p);
        int n = _stamps.UnknownCount;
        EnsureCapacity(n, _stamps.WaveCount, _stamps.Box.PixelCount);
        ClearScratch(n, _stamps.WaveCount, _stamps.Box.PixelCount);
        Span<double> icov = _icov.AsSpan(0, n * n);
        Span<double> rhs = _rhs.AsSpan(0, n);
        Span<double> fluxWeight = _fluxWeight.AsSpan(0, n);
        long overlapPixels = NormalEquations.Accumulate(_stamps, icov, rhs, fluxWeight, out int bandwidth);
        // All pixels unusable (or every spot off the box): nothing constrains any bin.
        bool empty = !(NormalEquations.MaxFluxWeight(fluxWeight) > 0);
        if (!empty)
        {
            NormalEquations.Regularize(icov, fluxWeight, frame.Regularize, n);
        }
        long normalDone = Stopwatch.GetTimestamp();
        Statistics.AddStage(PatchStage.NormalEquations, normalDone - start, 2.0 * overlapPixels + 4.0 * _stamps.StampPixelCount);

        bool choleskyFailed = false;
        long solveDone = normalDone;
        if (empty)
        {
            _flux.AsSpan(0, n).Clear();
            WriteEmptyBins(frame, batch, p, results);
        }
        else
        {
            bool haveEigen = false;
            double solveFlops;
            if (frame.DecorrelateFibers)
            {
                choleskyFailed = !SolveFluxDense(n, out haveEigen, out solveFlops);
            }
            else
            {
                choleskyFailed = !SolveFluxBanded(batch, p, Math.Min(bandwidth, n - 1), out solveFlops);
                if (choleskyFailed)
                {
                    // The band attempt left iCov untouched: the reference's clipped eigh of it, then C's blocks.
                    icov.CopyTo(_work.AsSpan(0, n * n));
                    solveFlops += SolveFluxClippedEigh(n, composeCovariance: true);
                    CopyFiberBlocks(batch, p);
                }
            }
            solveDone = Stopwatch.GetTimestamp();
            Statistics.AddStage(PatchStage.Cholesky, solveDone - normalDone, solveFlops);
            double decorrelationFlops = frame.DecorrelateFibers
                ? DecorrelateNoise(frame, batch, p, results, haveEigen)
                : DecorrelateSignal(frame, batch, p, results);
            long decorrelationDone = Stopwatch.GetTimestamp();
            Statistics.AddStage(PatchStage.Decorrelation, decorrelationDone - solveDone, decorrelationFlops);
            solveDone = decorrelationDone;
        }

        double outputFlops = WriteDiagnostics(frame, batch, p, results);
        Statistics.AddStage(PatchStage.Outputs, Stopwatch.GetTimestamp() - solveDone, outputFlops);
        Statistics.CountPatch(n, choleskyFailed, empty);
    }

    /// <summary>
    /// Signal decorrelation's solve: iCov (in _icov, left untouched) as a band of half-bandwidth
    /// <paramref name="kd"/> in wavelength-major order, its band Cholesky factor, f = iCov⁻¹·y, and the diagonal
    /// blocks C_bb of the kept fibers (row-major nw × nw, one after the other) in _block by selected inversion.
    /// Returns false, with f and _block unspecified, when the band Cholesky fails.
    /// </summary>
    private bool SolveFluxBanded(PatchBatch batch, int p, int kd, out double flops)
    {
        int n = _stamps.UnknownCount;
        int nf = _stamps.FiberCount;
        int nw = _stamps.WaveCount;
        int kept = batch.KeepFiberCount[p];
        if (_band.Length < n * (kd + 1))
        {
            _band = new double[n * (kd + 1)];
        }
        Span<double> band = _band.AsSpan(0, n * (kd + 1));
        band.Clear(); // reused: entries Fill leaves alone must not hold an earlier patch's values
        WavelengthMajorBand.Fill(_icov.AsSpan(0, n * n), nf, nw, kd, band);
        // pbtrf ≈ n·kd² (kd²/2 multiply–adds per row), the textbook count like potrf's n³/3.
        flops = (double)n * kd * kd;
        if (!_lapack.BandCholeskyFactor(band, n, kd))
        {
            return false;
        }
        Span<double> b = _vectorScratch.AsSpan(0, n);
        WavelengthMajorBand.ToWavelengthMajor(_rhs.AsSpan(0, n), nf, nw, b);
        _lapack.BandCholeskySolve(band, n, kd, b);
        WavelengthMajorBand.ToFiberMajor(b, nf, nw, _flux.AsSpan(0, n));
        flops += 4.0 * n * kd;

        Span<int> indices = _blockIndices.AsSpan(0, kept * nw);
        WavelengthMajorBand.FiberIndices(nf, nw, batch.KeepFiberOffset[p], kept, indices);
        _lapack.BandCholeskyInverseBlocks(band, n, kd, indices, nw, kept, _block.AsSpan(0, kept * nw * nw));
        flops += WavelengthMajorBand.InverseBlockFlops(nf, nw, kd, batch.KeepFiberOffset[p], kept);
        return true;
    }

    /// <summary>
    /// Noise decorrelation's solve: f = iCov⁻¹·y by dense Cholesky, with a copy of iCov kept in _work for the
    /// eigh of <see cref="DecorrelateNoise"/>. If the Cholesky fails: the clipped eigh of that copy
    /// (<paramref name="haveEigen"/>). Returns false when the Cholesky failed.
    /// </summary>
    private bool SolveFluxDense(int n, out bool haveEigen, out double flops)
    {
        Span<double> icov = _icov.AsSpan(0, n * n);
        Span<double> flux = _flux.AsSpan(0, n);
        double cube = (double)n * n * n;
        icov.CopyTo(_work.AsSpan(0, n * n));
        if (_lapack.CholeskyFactor(icov, n))
        {
            _rhs.AsSpan(0, n).CopyTo(flux);
            _lapack.CholeskySolve(icov, n, flux);
            flops = cube / 3 + 2.0 * n * n;
            haveEigen = false;
            return true;
        }
        flops = cube / 3 + SolveFluxClippedEigh(n, composeCovariance: false);
        haveEigen = true;
        return false;
    }

    /// <summary>
    /// The reference's fallback when Cholesky fails: the clipped eigh of iCov (a copy in _work),
    /// f = V·diag(1/λ')·Vᵀ·y and, when <paramref name="composeCovariance"/>, C = V·diag(1/λ')·Vᵀ into _icov.
    /// V stays in _work and λ in _eigenvalues. Returns FLOPs.
    /// </summary>
    private double SolveFluxClippedEigh(int n, bool composeCovariance)
    {
        Span<double> work = _work.AsSpan(0, n * n);
        Span<double> eigenvalues = _eigenvalues.AsSpan(0, n);
        Span<double> scale = _scale.AsSpan(0, n);
        double cube = (double)n * n * n;
        _lapack.SymmetricEigen(work, n, eigenvalues);
        EigenCompose.Inverse(eigenvalues, scale);
        EigenCompose.Apply(work, scale, n, _rhs.AsSpan(0, n), _flux.AsSpan(0, n), _vectorScratch);
        double flops = 9 * cube + 4.0 * n * n;
        if (composeCovariance)
        {
            EigenCompose.Compose(work, scale, n, _icov.AsSpan(0, n * n), _vectorScratch);
            flops += cube;
        }
        return flops;
    }

    /// <summary>The kept fibers' diagonal blocks C_bb of the dense C in _icov into _block (the eigh fallback).</summary>
    private void CopyFiberBlocks(PatchBatch batch, int p)
    {
        int n = _stamps.UnknownCount;
        int nw = _stamps.WaveCount;
        ReadOnlySpan<double> covariance = _icov.AsSpan(0, n * n);
        Span<double> blocks = _block.AsSpan(0, batch.KeepFiberCount[p] * nw * nw);
        for (int a = 0; a < batch.KeepFiberCount[p]; a++)
        {
            int offset = (batch.KeepFiberOffset[p] + a) * nw;
            for (int r = 0; r < nw; r++)
            {
                covariance.Slice((offset + r) * n + offset, nw).CopyTo(blocks.Slice((a * nw + r) * nw, nw));
            }
        }
    }

    /// <summary>
    /// Signal decorrelation: Q_bb = C_bb^(−½) for each kept fiber's block b of C (in _block). The blocks are
    /// decomposed as one batch (<see cref="SymmetricEigenBatch"/>), as the GPU backend does. Returns FLOPs.
    /// </summary>
    private double DecorrelateSignal(FrameInput frame, PatchBatch batch, int p, PatchResults results)
    {
        int nw = _stamps.WaveCount;
        int blockSize = nw * nw;
        int kept = batch.KeepFiberCount[p];
        int halfDiagonals = frame.HalfDiagonals;
        Span<double> blocks = _block.AsSpan(0, kept * blockSize);
        Span<double> eigenvalues = _eigenvalues.AsSpan(0, kept * nw);
        SymmetricEigenBatch.Decompose(_lapack, blocks, nw, kept, eigenvalues);

        Span<double> scale = _scale.AsSpan(0, nw);
        Span<double> rowSums = _rowSums.AsSpan(0, nw);
        Span<double> convolved = _convolved.AsSpan(0, nw);
        int coreOffset = batch.CoreOffset[p];
        int coreCount = batch.CoreCount[p];
        double m = nw;
        double flops = 0;
        for (int a = 0; a < kept; a++)
        {
            int offset = (batch.KeepFiberOffset[p] + a) * nw;
            ReadOnlySpan<double> vectors = blocks.Slice(a * blockSize, blockSize);
            EigenCompose.InverseSqrt(eigenvalues.Slice(a * nw, nw), scale);
            ResolutionMatrix.Decorrelate(vectors, scale, nw, _flux.AsSpan(offset, nw), rowSums, convolved, _vectorScratch);
            for (int c = 0; c < coreCount; c++)
            {
                int k = coreOffset + c;
                int row = batch.OutputOffset[p] + a * coreCount + c;
                WriteBin(results, row, convolved[k], rowSums[k], _fluxWeight[offset + k]);
                Span<double> band = results.Resolution.AsSpan(row * results.DiagonalCount, results.DiagonalCount);
                ResolutionMatrix.BandColumn(vectors, scale, nw, rowSums, k, k - halfDiagonals, 0, nw, band, _vectorScratch);
                SanitizeBand(band, halfDiagonals);
            }
            flops += 9 * m * m * m + 8 * m * m + 2 * m * (m + results.DiagonalCount * coreCount);
        }
        return flops;
    }

    /// <summary>Noise decorrelation: Q = iCov^(½) from the eigh of the whole iCov (kept in _work). Returns FLOPs.</summary>
    private double DecorrelateNoise(FrameInput frame, PatchBatch batch, int p, PatchResults results, bool haveEigen)
    {
        int n = _stamps.UnknownCount;
        int nw = _stamps.WaveCount;
        int halfDiagonals = frame.HalfDiagonals;
        Span<double> vectors = _work.AsSpan(0, n * n);
        Span<double> eigenvalues = _eigenvalues.AsSpan(0, n);
        Span<double> scale = _scale.AsSpan(0, n);
        Span<double> rowSums = _rowSums.AsSpan(0, n);
        Span<double> convolved = _convolved.AsSpan(0, n);
        double m = n;
        double flops = 8 * m * m;
        if (!haveEigen)
        {
            _lapack.SymmetricEigen(vectors, n, eigenvalues);
            flops += 9 * m * m * m;
        }
        EigenCompose.Sqrt(eigenvalues, scale);
        ResolutionMatrix.Decorrelate(vectors, scale, n, _flux.AsSpan(0, n), rowSums, convolved, _vectorScratch);
        int coreOffset = batch.CoreOffset[p];
        int coreCount = batch.CoreCount[p];
        for (int a = 0; a < batch.KeepFiberCount[p]; a++)
        {
            // The reference keeps only each fiber's own diagonal block of the (fiber-coupling) R.
            int offset = (batch.KeepFiberOffset[p] + a) * nw;
            for (int c = 0; c < coreCount; c++)
            {
                int j = offset + coreOffset + c;
                int row = batch.OutputOffset[p] + a * coreCount + c;
                WriteBin(results, row, convolved[j], rowSums[j], _fluxWeight[j]);
                Span<double> band = results.Resolution.AsSpan(row * results.DiagonalCount, results.DiagonalCount);
                ResolutionMatrix.BandColumn(vectors, scale, n, rowSums, j, j - halfDiagonals, offset, offset + nw, band, _vectorScratch);
                SanitizeBand(band, halfDiagonals);
                flops += 2 * m * (1 + results.DiagonalCount);
            }
        }
        return flops;
    }

    /// <summary>Flux and ivar of one bin: ivar = s², 0 where fluxweight is 0; a non-finite value gives flux 0, ivar 0.</summary>
    private static void WriteBin(PatchResults results, int row, double flux, double rowSum, double fluxWeight)
    {
        double ivar = fluxWeight == 0 ? 0.0 : rowSum * rowSum;
        if (!double.IsFinite(flux) || !double.IsFinite(ivar))
        {
            flux = 0;
            ivar = 0;
        }
        results.Flux[row] = flux;
        results.Ivar[row] = ivar;
    }

    /// <summary>A band with any non-finite entry becomes the identity column (1 on the main diagonal).</summary>
    private static void SanitizeBand(Span<double> band, int halfDiagonals)
    {
        foreach (double value in band)
        {
            if (!double.IsFinite(value))
            {
                band.Clear();
                band[halfDiagonals] = 1.0;
                return;
            }
        }
    }

    /// <summary>
    /// Kept bins of a patch with no usable pixel: flux 0, ivar 0, resolution the identity column. (With
    /// <c>Regularize</c> &gt; 0 the reference's R is then exactly the identity; with 0 it is undefined, NaN.)
    /// </summary>
    private static void WriteEmptyBins(FrameInput frame, PatchBatch batch, int p, PatchResults results)
    {
        int rows = batch.KeepFiberCount[p] * batch.CoreCount[p];
        int first = batch.OutputOffset[p];
        results.Flux.AsSpan(first, rows).Clear();
        results.Ivar.AsSpan(first, rows).Clear();
        Span<double> bands = results.Resolution.AsSpan(first * results.DiagonalCount, rows * results.DiagonalCount);
        bands.Clear();
        for (int r = 0; r < rows; r++)
        {
            bands[r * results.DiagonalCount + frame.HalfDiagonals] = 1.0;
        }
    }

    /// <summary>Model, chi2pix and pixmask fraction of the kept bins (and the model pixels if wanted). Returns FLOPs.</summary>
    private double WriteDiagnostics(FrameInput frame, PatchBatch batch, int p, PatchResults results)
    {
        int pixelCount = _stamps.Box.PixelCount;
        Span<double> model = _model.AsSpan(0, pixelCount);
        Span<double> chi2 = _chi2.AsSpan(0, pixelCount);
        Span<double> counted = _counted.AsSpan(0, pixelCount);
        Span<double> usable = _usable.AsSpan(0, pixelCount);
        PatchDiagnostics.Model(_stamps, _flux, model);
        PatchDiagnostics.PixelChi2(_stamps, model, frame.PsfError, chi2, counted, usable);
        int nw = _stamps.WaveCount;
        int coreCount = batch.CoreCount[p];
        double flops = 2.0 * _stamps.StampPixelCount + 12.0 * pixelCount;
        for (int a = 0; a < batch.KeepFiberCount[p]; a++)
        {
            int offset = (batch.KeepFiberOffset[p] + a) * nw + batch.CoreOffset[p];
            for (int c = 0; c < coreCount; c++)
            {
                int j = offset + c;
                int row = batch.OutputOffset[p] + a * coreCount + c;
                double chi2Pix = PatchDiagnostics.Chi2Pix(
                    PatchDiagnostics.StampSum(_stamps, j, chi2), PatchDiagnostics.StampSum(_stamps, j, counted));
                double pixmask = 1.0 - PatchDiagnostics.StampSum(_stamps, j, usable);
                results.Chi2Pix[row] = double.IsFinite(chi2Pix) ? chi2Pix : 0.0;
                results.PixmaskFraction[row] = double.IsFinite(pixmask) ? pixmask : 1.0;
                flops += 6.0 * _stamps.Width[j] * _stamps.Height[j];
            }
        }
        if (frame.ComputeModel && pixelCount > 0)
        {
            model.CopyTo(results.Model.AsSpan((int)batch.ModelOffset[p], pixelCount));
        }
        return flops;
    }

    private static void ValidateResults(FrameInput frame, PatchBatch batch, int p, PatchResults results)
    {
        if (results.DiagonalCount != 2 * frame.HalfDiagonals + 1)
        {
            throw new InvalidOperationException(
                $"PatchResults has {results.DiagonalCount} diagonals but the frame asks for 2·{frame.HalfDiagonals}+1");
        }
        long lastRow = (long)batch.OutputOffset[p] + (long)batch.KeepFiberCount[p] * batch.CoreCount[p];
        if (batch.OutputOffset[p] < 0 || lastRow > results.Flux.Length)
        {
            throw new InvalidOperationException(
                $"Patch {p}: output rows {batch.OutputOffset[p]}…{lastRow - 1} exceed the {results.Flux.Length} rows of PatchResults");
        }
        if (frame.ComputeModel && batch.ModelOffset[p] + batch.Box(p).PixelCount > results.Model.Length)
        {
            throw new InvalidOperationException(
                $"Patch {p}: model pixels from {batch.ModelOffset[p]} ({batch.Box(p).PixelCount}) exceed the {results.Model.Length} of PatchResults");
        }
    }

    /// <summary>
    /// Zeroes the scratch a patch of n unknowns uses: buffers are reused across patches and frames, and a
    /// value left by an earlier patch must never reach this one's result (outputs depend on the inputs only,
    /// not on the thread count or what the worker solved before). Costs O(n²), against the solve's O(n·kd²).
    /// </summary>
    private void ClearScratch(int n, int nw, int pixelCount)
    {
        _icov.AsSpan(0, n * n).Clear();
        _work.AsSpan(0, n * n).Clear();
        _block.AsSpan(0, n * nw).Clear();
        _blockIndices.AsSpan(0, n).Clear();
        _rhs.AsSpan(0, n).Clear();
        _flux.AsSpan(0, n).Clear();
        _fluxWeight.AsSpan(0, n).Clear();
        _eigenvalues.AsSpan(0, n).Clear();
        _scale.AsSpan(0, n).Clear();
        _rowSums.AsSpan(0, n).Clear();
        _convolved.AsSpan(0, n).Clear();
        _vectorScratch.AsSpan(0, 2 * n).Clear();
        _model.AsSpan(0, pixelCount).Clear();
        _chi2.AsSpan(0, pixelCount).Clear();
        _counted.AsSpan(0, pixelCount).Clear();
        _usable.AsSpan(0, pixelCount).Clear();
    }

    private void EnsureCapacity(int n, int nw, int pixelCount)
    {
        if (_icov.Length < n * n)
        {
            _icov = new double[n * n];
            _work = new double[n * n];
        }
        if (_rhs.Length < n)
        {
            _rhs = new double[n];
            _flux = new double[n];
            _fluxWeight = new double[n];
            _eigenvalues = new double[n];
            _scale = new double[n];
            _rowSums = new double[n];
            _convolved = new double[n];
            _vectorScratch = new double[2 * n];
        }
        if (_block.Length < n * nw)
        {
            _block = new double[n * nw]; // every fiber's nw × nw block at most
        }
        // Apart from the blocks: a patch of more fibers and fewer wavelengths needs more indices in as many blocks.
        if (_blockIndices.Length < n)
        {
            _blockIndices = new int[n];
        }
        if (_model.Length < pixelCount)
        {
            _model = new double[pixelCount];
            _chi2 = new double[pixelCount];
            _counted = new double[pixelCount];
            _usable = new double[pixelCount];
        }
    }
}
