using GpuExtract.Core.Psf;

namespace GpuExtract.Perf.SpotBenchmark;

/// <summary>
/// A deliberately naive spot evaluation, structured as the reference code is: every parameter
/// looked up by name and evaluated as its own scalar Legendre series per spot, one pixel-integrated
/// Hermite function per degree (each recomputing its erf/exp), one outer product per (i, j), fresh
/// arrays per spot, single-threaded. The baseline the batched path is measured against.
/// </summary>
internal sealed class NaiveSpot(GaussHermitePsf psf)
{
    private readonly GaussHermitePsfCoefficients _c = psf.Coefficients;

    private double Series(double[,] c, int f, double x, double min, double max)
    {
        var row = new double[c.GetLength(1)];
        for (int k = 0; k < row.Length; k++)
        {
            row[k] = c[f, k];
        }
        return Legendre.Evaluate(row, Legendre.Argument(x, min, max));
    }

    private double Parameter(string name, int f, double wave) =>
        _c.Parameters.TryGetValue(name, out double[,]? c) ? Series(c, f, wave, _c.WaveMin, _c.WaveMax) : 0.0;

    /// <summary>Pixel-integrated Hermite function of degree m over pixels first … first+n−1.</summary>
    private static double[] PixelHermite(int first, int n, int m, double center, double sigma)
    {
        var edges = new double[n + 1];
        for (int e = 0; e <= n; e++)
        {
            double u = (first + e - center - 0.5) / sigma;
            if (m == 0)
            {
                edges[e] = 0.5 * ErrorFunction.Erf(u / Math.Sqrt(2));
            }
            else
            {
                double lower = 1, he = u;
                if (m == 1)
                {
                    he = 1;
                }
                for (int k = 2; k < m; k++)
                {
                    double next = u * he - (k - 1) * lower;
                    lower = he;
                    he = next;
                }
                edges[e] = -he * Math.Exp(-0.5 * u * u) / Math.Sqrt(2 * Math.PI);
            }
        }
        var p = new double[n];
        for (int k = 0; k < n; k++)
        {
            p[k] = edges[k + 1] - edges[k];
        }
        return p;
    }

    /// <summary>The stamp (unclipped, normalised) and its origin; null when outside the fiber's coverage.</summary>
    public (int XMin, int YMin, double[,] Stamp)? Evaluate(int fiber, double wave)
    {
        int f = fiber - _c.FiberMin;
        var (lo, hi) = psf.WavelengthCoverage(fiber);
        if (wave < lo || wave > hi)
        {
            return null;
        }
        double x = Series(_c.XTrace, f, wave, _c.XTraceWaveMin, _c.XTraceWaveMax);
        double y = Series(_c.YTrace, f, wave, _c.YTraceWaveMin, _c.YTraceWaveMax);
        int xlo = (int)(x - _c.HalfSizeX + 0.5), xhi = (int)(x + _c.HalfSizeX + 1.5);
        int ylo = (int)(y - _c.HalfSizeY + 0.5), yhi = (int)(y + _c.HalfSizeY + 1.5);
        int nx = xhi - xlo, ny = yhi - ylo;
        double sx = Parameter("GHSIGX", f, wave), sy = Parameter("GHSIGY", f, wave);
        double amp = Parameter("TAILAMP", f, wave), core = Parameter("TAILCORE", f, wave);
        double xsca = Parameter("TAILXSCA", f, wave), ysca = Parameter("TAILYSCA", f, wave), inde = Parameter("TAILINDE", f, wave);

        var img = new double[ny, nx];
        for (int r = 0; r < ny; r++)
        {
            for (int c = 0; c < nx; c++)
            {
                double dx = (xlo + c - x) * xsca, dy = (ylo + r - y) * ysca;
                double r2 = dx * dx + dy * dy;
                img[r, c] = amp * r2 / Math.Pow(core * core + r2, 1 + inde / 2);
            }
        }
        var xfunc = new double[_c.GhDegX + 1][];
        var yfunc = new double[_c.GhDegY + 1][];
        for (int i = 0; i <= _c.GhDegX; i++)
        {
            xfunc[i] = PixelHermite(xlo, nx, i, x, sx);
        }
        for (int j = 0; j <= _c.GhDegY; j++)
        {
            yfunc[j] = PixelHermite(ylo, ny, j, y, sy);
        }
        for (int i = 0; i <= _c.GhDegX; i++)
        {
            for (int j = 0; j <= _c.GhDegY; j++)
            {
                double gh = Parameter(GaussHermitePsfCoefficients.GhName(i, j), f, wave);
                var outer = new double[ny, nx];
                for (int r = 0; r < ny; r++)
                {
                    for (int c = 0; c < nx; c++)
                    {
                        outer[r, c] = yfunc[j][r] * xfunc[i][c];
                    }
                }
                for (int r = 0; r < ny; r++)
                {
                    for (int c = 0; c < nx; c++)
                    {
                        img[r, c] += gh * outer[r, c];
                    }
                }
            }
        }
        double sum = 0;
        foreach (double v in img)
        {
            sum += Math.Max(v, 0);
        }
        for (int r = 0; r < ny; r++)
        {
            for (int c = 0; c < nx; c++)
            {
                img[r, c] = Math.Max(img[r, c], 0) / sum;
            }
        }
        return (xlo, ylo, img);
    }
}
