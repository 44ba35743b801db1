using GpuExtract.Core.Extraction;
using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;
using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.Cpu.Tests.Extraction;

/// <summary>
/// A second algorithm for one patch, written the way the reference's <c>ex2d_patch</c> and
/// <c>resolution_from_icov</c> work: a dense projection matrix A [npix × n], iCov = Aᵀ W A accumulated pixel
/// by pixel, one full eigh of iCov, <c>eigen_compose</c> with the reference's clipping (transcribed here
/// independently of the solver's EigenCompose), C = V·diag(1/λ')·Vᵀ as an explicit matrix, f = C·y, per-fiber
/// eigh of the C blocks (or Q = iCov^½), R = diag(1/s)·Q and flux = R·f by dense products.
/// Only the eigen-decomposition is shared with the solver (through <see cref="ILapack"/>).
/// Everything is kept for all n unknowns.
/// </summary>
public sealed class DenseReferencePatch
{
    private const double Threshold = 10.0 * 2.220446049250313e-16;

    private DenseReferencePatch(int n, int npix, int waveCount)
    {
        N = n;
        PixelCount = npix;
        WaveCount = waveCount;
        A = new double[(long)npix * n];
        FluxWeight = new double[n];
        ICov = new double[n * n];
        Y = new double[n];
        DeconvolvedFlux = new double[n];
        Flux = new double[n];
        Ivar = new double[n];
        R = new double[n * n];
        Chi2Pix = new double[n];
        PixmaskFraction = new double[n];
        Model = new double[npix];
    }

    public int N { get; }

    public int PixelCount { get; }

    public int WaveCount { get; }

    /// <summary>Projection matrix, row-major [npix, n].</summary>
    public double[] A { get; }

    public double[] FluxWeight { get; }

    /// <summary>Aᵀ W A + diag(r²), [n, n].</summary>
    public double[] ICov { get; }

    public double[] Y { get; }

    /// <summary>f = C·y.</summary>
    public double[] DeconvolvedFlux { get; }

    /// <summary>R·f, 0 where non-finite.</summary>
    public double[] Flux { get; }

    /// <summary>s², 0 where fluxweight is 0 or non-finite.</summary>
    public double[] Ivar { get; }

    /// <summary>Resolution matrix [n, n] (block diagonal for signal decorrelation).</summary>
    public double[] R { get; }

    public double[] Chi2Pix { get; }

    public double[] PixmaskFraction { get; }

    /// <summary>A·f over the box, row-major.</summary>
    public double[] Model { get; }

    /// <summary>
    /// Condition number λmax/λmin of the matrices whose eigen-decomposition gives Q: the worst kept-fiber block
    /// C_bb (signal decorrelation) or iCov (noise decorrelation). Any two implementations of the reference's
    /// algorithm differ by about ε·κ in ivar and R: that is the accuracy of the eigh itself.
    /// </summary>
    public double ConditionNumber { get; private set; }

    /// <summary>R[j − ndiag + k, j] for k = 0 … 2·ndiag within j's fiber block, else 0.</summary>
    public double Band(int j, int k, int halfDiagonals)
    {
        int row = j - halfDiagonals + k;
        int blockStart = j / WaveCount * WaveCount;
        return row >= blockStart && row < blockStart + WaveCount ? R[row * N + j] : 0.0;
    }

    public static DenseReferencePatch Solve(FrameInput frame, SpotTable spots, PatchBatch batch, int p, ILapack lapack)
    {
        PixelBox box = batch.Box(p);
        int nf = batch.FiberCount[p];
        int nw = batch.WaveCount[p];
        int n = nf * nw;
        int npix = box.PixelCount;
        var reference = new DenseReferencePatch(n, npix, nw);
        double[] a = reference.A;

        // Pixels and weights; a weight-0 pixel's value is never used (it may be NaN).
        var pix = new double[npix];
        var w = new double[npix];
        for (int y = 0; y < box.Height; y++)
        {
            for (int x = 0; x < box.Width; x++)
            {
                int ccd = (box.YMin + y) * frame.NPixX + box.XMin + x;
                double weight = frame.Weight[ccd];
                double value = frame.Image[ccd];
                bool good = double.IsFinite(weight) && double.IsFinite(value) && weight != 0;
                w[y * box.Width + x] = good ? weight : 0;
                pix[y * box.Width + x] = good ? value : 0;
            }
        }

        // Dense projection matrix: each spot clipped to the box.
        for (int i = 0; i < nf; i++)
        {
            for (int k = 0; k < nw; k++)
            {
                int j = i * nw + k;
                int s = frame.SpotIndex(batch.FiberStart[p] + i, batch.WaveStart[p] + k);
                ReadOnlySpan<double> stamp = spots.Stamp(s);
                for (int r = 0; r < spots.Rows[s]; r++)
                {
                    for (int c = 0; c < spots.Cols[s]; c++)
                    {
                        int y = spots.YMin[s] + r - box.YMin;
                        int x = spots.XMin[s] + c - box.XMin;
                        if (x >= 0 && x < box.Width && y >= 0 && y < box.Height)
                        {
                            a[(long)(y * box.Width + x) * n + j] = stamp[r * spots.StampCols + c];
                        }
                    }
                }
            }
        }

        // fluxweight, y and Aᵀ W A, pixel by pixel (the sparse-matrix product order of the reference).
        double[] icov = reference.ICov;
        var nonzero = new List<int>();
        for (int q = 0; q < npix; q++)
        {
            nonzero.Clear();
            for (int j = 0; j < n; j++)
            {
                if (a[(long)q * n + j] != 0)
                {
                    nonzero.Add(j);
                }
            }
            foreach (int j in nonzero)
            {
                double wa = w[q] * a[(long)q * n + j];
                reference.FluxWeight[j] += wa;
                reference.Y[j] += wa * pix[q];
                foreach (int k in nonzero)
                {
                    icov[j * n + k] += wa * a[(long)q * n + k];
                }
            }
        }
        double maxWeight = reference.FluxWeight.Max();
        double minWeight = 1e-4 * maxWeight;
        for (int j = 0; j < n; j++)
        {
            double r = reference.FluxWeight[j] < minWeight ? minWeight - reference.FluxWeight[j] : frame.Regularize;
            icov[j * n + j] += r * r;
        }
        for (int j = 0; j < n; j++)
        {
            for (int k = 0; k < j; k++)
            {
                double mean = 0.5 * (icov[j * n + k] + icov[k * n + j]);
                icov[j * n + k] = mean;
                icov[k * n + j] = mean;
            }
        }

        // Full eigh of iCov; C by eigen_compose(invert); f = C·y.
        var vectors = (double[])icov.Clone();
        var eigenvalues = new double[n];
        lapack.SymmetricEigen(vectors, n, eigenvalues);
        double[] covariance = EigenComposeDense(eigenvalues, vectors, n, invert: true, sqr: false);
        for (int j = 0; j < n; j++)
        {
            double sum = 0;
            for (int k = 0; k < n; k++)
            {
                sum += covariance[j * n + k] * reference.Y[k];
            }
            reference.DeconvolvedFlux[j] = sum;
        }

        // Q: per-fiber C_bb^(-1/2) (signal) or iCov^(1/2) (noise); R = diag(1/s)·Q.
        var sqrtIcov = new double[n * n];
        if (frame.DecorrelateFibers)
        {
            sqrtIcov = EigenComposeDense(eigenvalues, vectors, n, invert: false, sqr: true);
            reference.ConditionNumber = eigenvalues[n - 1] / eigenvalues[0];
        }
        else
        {
            for (int i = 0; i < nf; i++)
            {
                int o = i * nw;
                var block = new double[nw * nw];
                for (int r = 0; r < nw; r++)
                {
                    for (int c = 0; c < nw; c++)
                    {
                        block[r * nw + c] = covariance[(o + r) * n + o + c];
                    }
                }
                var blockValues = new double[nw];
                lapack.SymmetricEigen(block, nw, blockValues);
                if (i >= batch.KeepFiberOffset[p] && i < batch.KeepFiberOffset[p] + batch.KeepFiberCount[p])
                {
                    reference.ConditionNumber = Math.Max(reference.ConditionNumber, blockValues[nw - 1] / blockValues[0]);
                }
                double[] q = EigenComposeDense(blockValues, block, nw, invert: true, sqr: true);
                for (int r = 0; r < nw; r++)
                {
                    for (int c = 0; c < nw; c++)
                    {
                        sqrtIcov[(o + r) * n + o + c] = q[r * nw + c];
                    }
                }
            }
        }
        for (int j = 0; j < n; j++)
        {
            double norm = 0;
            for (int k = 0; k < n; k++)
            {
                norm += sqrtIcov[j * n + k];
            }
            double rflux = 0;
            for (int k = 0; k < n; k++)
            {
                reference.R[j * n + k] = sqrtIcov[j * n + k] / norm;
                rflux += reference.R[j * n + k] * reference.DeconvolvedFlux[k];
            }
            double ivar = reference.FluxWeight[j] == 0 ? 0 : norm * norm;
            bool finite = double.IsFinite(rflux) && double.IsFinite(ivar);
            reference.Flux[j] = finite ? rflux : 0;
            reference.Ivar[j] = finite ? ivar : 0;
        }

        // Model, chi2pix and pixmask fraction, as ex2d.
        var chi2 = new double[npix];
        var counted = new double[npix];
        var usable = new double[npix];
        for (int q = 0; q < npix; q++)
        {
            double model = 0;
            for (int j = 0; j < n; j++)
            {
                model += a[(long)q * n + j] * reference.DeconvolvedFlux[j];
            }
            reference.Model[q] = model;
            double modelIvar = Math.Pow(model * frame.PsfError + 1e-32, -2);
            double totalIvar = modelIvar > 0 && w[q] > 0 ? 1.0 / (1.0 / modelIvar + 1.0 / w[q]) : 0;
            double chi = totalIvar > 0 ? (pix[q] - model) * Math.Sqrt(totalIvar) : 0;
            chi2[q] = chi * chi;
            counted[q] = totalIvar > 0 ? 1 : 0;
            usable[q] = w[q] > 0 ? 1 : 0;
        }
        for (int j = 0; j < n; j++)
        {
            double sumChi2 = 0, psfWeight = 0, unmasked = 0;
            for (int q = 0; q < npix; q++)
            {
                double value = a[(long)q * n + j];
                sumChi2 += value * chi2[q];
                psfWeight += value * counted[q];
                unmasked += value * usable[q];
            }
            reference.Chi2Pix[j] = psfWeight == 0 ? 0 : sumChi2 / psfWeight;
            reference.PixmaskFraction[j] = 1 - unmasked;
        }
        return reference;
    }

    /// <summary>The reference's eigen_compose: V·diag(f(λ))·Vᵀ with its clipping rules, as an explicit product.</summary>
    public static double[] EigenComposeDense(double[] w, double[] v, int n, bool invert, bool sqr)
    {
        double maxValue = w.Max();
        var scaled = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (invert && sqr)
            {
                double minValue = Math.Sqrt(maxValue) * Threshold;
                double root = Math.Sqrt(w[i]);
                scaled[i] = root > minValue ? 1.0 / root : 1.0 / minValue;
            }
            else if (invert)
            {
                double minValue = maxValue * Threshold;
                scaled[i] = w[i] > minValue ? 1.0 / w[i] : 1.0 / minValue;
            }
            else if (sqr)
            {
                double minValue = Math.Sqrt(maxValue) * Threshold;
                scaled[i] = w[i] > minValue ? Math.Sqrt(w[i]) : minValue;
            }
            else
            {
                double minValue = maxValue * Threshold;
                scaled[i] = w[i] > minValue ? w[i] : minValue;
            }
        }
        var result = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < n; k++)
            {
                double sum = 0;
                for (int m = 0; m < n; m++)
                {
                    sum += v[i * n + m] * scaled[m] * v[k * n + m];
                }
                result[i * n + k] = sum;
            }
        }
        return result;
    }
}
