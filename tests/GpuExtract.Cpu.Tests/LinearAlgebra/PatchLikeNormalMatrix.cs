namespace GpuExtract.Cpu.Tests.LinearAlgebra;

/// <summary>
/// The normal matrix iCov = Aᵀ·W·A + diag(r²) of a synthetic patch, built in test code from Gaussian spots
/// on a pixel box, with unknowns in wavelength-major order (fiber f, bin w at w·nf + f), so that it is a
/// band matrix like the real ones: those of the bundle0 reference extraction (nf = 7, 74 bins, spots
/// overlapping up to 8 bins and 2 fibers away) have half-bandwidth 58 = 8·7 + 2 and diagonals from 2e-11
/// to 3e-3; these have the same band and pattern.
/// </summary>
internal static class PatchLikeNormalMatrix
{
    /// <summary>Pixels per wavelength bin along y (DESI r camera: 0.8 Å bins, ≈ 1.7 px).</summary>
    private const double PixelsPerBin = 1.7;

    /// <summary>Fiber spacing along x [px]; with <see cref="HalfWidth"/> spots overlap up to 2 fibers away.</summary>
    private const int FiberSpacing = 7;

    /// <summary>Stamp half-size in x [px].</summary>
    private const int HalfWidth = 7;

    /// <summary>Stamp half-size in y [px]: spots overlap up to 2·7/1.7 ≈ 8 bins away, as in the real patches.</summary>
    private const int HalfHeight = 7;

    /// <summary>Gaussian spot width [px]: neighbouring bins then correlate by ≈ 0.64 in the scaled iCov (real patches: 0.67).</summary>
    private const double Sigma = 1.3;

    /// <summary>
    /// Row-major n × n iCov (n = nf·nw, wavelength-major) and its half-bandwidth kd (the largest |i − j| of a
    /// nonzero entry). The spots of the first and last <paramref name="padBins"/> bins of every fiber fall off
    /// the pixel box (they are left out); every other spot lies wholly on it. The off-box bins have
    /// fluxweight 0 and get the reference's regularisation r = minweight = 1e-4·max fluxweight: a decoupled
    /// diagonal entry ≈ 1e-8 of the others, and C = iCov⁻¹ ≈ 1/minweight² there, as in real patches whose pad
    /// bins fall off the box. The scaled condition number (of D^(−½)·iCov·D^(−½), D its diagonal) is ≈ 3e2 (real patches: 7e2–9e2).
    /// Pixel weights are 1/(9 + counts) for counts uniform in [0, 2000).
    /// </summary>
    public static (double[] Matrix, int HalfBandwidth) Build(int nf, int nw, int padBins, int seed)
    {
        var random = new Random(seed);
        int n = nf * nw;
        int width = nf * FiberSpacing + 2 * HalfWidth;
        int yOffset = HalfHeight + 1;
        int height = (int)Math.Ceiling(2 * yOffset + nw * PixelsPerBin);
        var weight = new double[width * height];
        for (int p = 0; p < weight.Length; p++)
        {
            weight[p] = 1.0 / (9 + 2000 * random.NextDouble());
        }

        // Spot of unknown j on its stamp, normalised; all zero for an off-box bin.
        var x0 = new int[n];
        var y0 = new int[n];
        var spots = new double[n][];
        int stampWidth = 2 * HalfWidth + 1;
        int stampHeight = 2 * HalfHeight + 1;
        for (int w = 0; w < nw; w++)
        {
            for (int f = 0; f < nf; f++)
            {
                int j = w * nf + f;
                double cx = HalfWidth + f * FiberSpacing + 0.3 * random.NextDouble();
                double cy = yOffset + (w + 0.5) * PixelsPerBin;
                x0[j] = (int)Math.Round(cx) - HalfWidth;
                y0[j] = (int)Math.Round(cy) - HalfHeight;
                var spot = new double[stampWidth * stampHeight];
                spots[j] = spot;
                if (w < padBins || w >= nw - padBins)
                {
                    continue; // off the box: no pixels, all zero
                }
                double sum = 0;
                for (int r = 0; r < stampHeight; r++)
                {
                    for (int c = 0; c < stampWidth; c++)
                    {
                        double dx = x0[j] + c - cx;
                        double dy = y0[j] + r - cy;
                        double value = Math.Exp(-(dx * dx + dy * dy) / (2 * Sigma * Sigma));
                        spot[r * stampWidth + c] = value;
                        sum += value;
                    }
                }
                for (int i = 0; i < spot.Length; i++)
                {
                    spot[i] /= sum;
                }
            }
        }

        var icov = new double[n * n];
        var fluxWeight = new double[n];
        for (int j = 0; j < n; j++)
        {
            for (int k = 0; k <= j; k++)
            {
                double sum = 0;
                for (int r = 0; r < stampHeight; r++)
                {
                    int y = y0[j] + r;
                    int rk = y - y0[k];
                    if (y < 0 || y >= height || rk < 0 || rk >= stampHeight)
                    {
                        continue;
                    }
                    for (int c = 0; c < stampWidth; c++)
                    {
                        int x = x0[j] + c;
                        int ck = x - x0[k];
                        if (x < 0 || x >= width || ck < 0 || ck >= stampWidth)
                        {
                            continue;
                        }
                        sum += weight[y * width + x] * spots[j][r * stampWidth + c] * spots[k][rk * stampWidth + ck];
                    }
                }
                icov[j * n + k] = sum;
                icov[k * n + j] = sum;
            }
            for (int r = 0; r < stampHeight; r++)
            {
                int y = y0[j] + r;
                for (int c = 0; c < stampWidth && y >= 0 && y < height; c++)
                {
                    int x = x0[j] + c;
                    if (x >= 0 && x < width)
                    {
                        fluxWeight[j] += weight[y * width + x] * spots[j][r * stampWidth + c];
                    }
                }
            }
        }

        // The reference's regularisation of low-weight bins.
        double minWeight = 1e-4 * fluxWeight.Max();
        for (int j = 0; j < n; j++)
        {
            if (fluxWeight[j] < minWeight)
            {
                double r = minWeight - fluxWeight[j];
                icov[j * n + j] += r * r;
            }
        }

        int kd = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (icov[i * n + j] != 0)
                {
                    kd = Math.Max(kd, i - j);
                }
            }
        }
        return (icov, kd);
    }

    /// <summary>The band storage of <see cref="GpuExtract.Cpu.LinearAlgebra.ILapack.BandCholeskyFactor"/>: band[i·(kd+1) + kd − (i − j)] = A[i, j].</summary>
    public static double[] ToBand(ReadOnlySpan<double> a, int n, int kd)
    {
        var band = new double[n * (kd + 1)];
        for (int i = 0; i < n; i++)
        {
            for (int j = Math.Max(0, i - kd); j <= i; j++)
            {
                band[i * (kd + 1) + kd - (i - j)] = a[i * n + j];
            }
        }
        return band;
    }
}
