using GpuExtract.Core.Formats;

namespace GpuExtract.Qa;

/// <summary>
/// FWHM of the resolution kernel along wavelength: for output bin i the kernel is row i of the fiber's
/// resolution matrix, R[i, i + d] for d = −ndiag … ndiag (how bin i gathers the true spectrum), read
/// from the band RESOLUTION[k, j] = R[j − ndiag + k, j], i.e. R[i, i + d] = RESOLUTION[ndiag − d, i + d].
/// </summary>
public static class ResolutionWidth
{
    /// <summary>
    /// FWHM [Å] of every bin of absolute fiber <paramref name="fiber"/>; shape [nwave]. NaN where the kernel
    /// runs off the grid (within ndiag of either end), where ivar is 0, or where it has no clear half-maximum.
    /// Bins are converted to Å with the local grid step.
    /// </summary>
    public static double[] Fwhm(Frame frame, int fiber)
    {
        int spec = FrameFibers.IndexOf(frame, fiber);
        int nwave = frame.NWave, ndiag = frame.DiagonalCount, half = ndiag / 2;
        var fwhm = new double[nwave];
        Span<double> kernel = stackalloc double[ndiag];
        for (int i = 0; i < nwave; i++)
        {
            fwhm[i] = double.NaN;
            if (i < half || i + half >= nwave || !(frame.Ivar[spec * nwave + i] > 0))
            {
                continue;
            }
            for (int d = -half; d <= half; d++)
            {
                kernel[d + half] = frame.Resolution[(spec * ndiag + half - d) * nwave + i + d];
            }
            double step = (frame.Wavelength[Math.Min(i + 1, nwave - 1)] - frame.Wavelength[Math.Max(i - 1, 0)]) / (Math.Min(i + 1, nwave - 1) - Math.Max(i - 1, 0));
            fwhm[i] = KernelFwhm(kernel) * step;
        }
        return fwhm;
    }

    /// <summary>
    /// FWHM [samples] of a kernel sampled at integer offsets. The peak and both half-maximum crossings are
    /// found on the parabola through ln(value) at three neighbouring samples, which is exact for a Gaussian
    /// of any centre and width (a sampled Gaussian's log is a parabola) and a close local fit otherwise;
    /// where a needed sample is ≤ 0 the crossing falls back to linear interpolation. NaN when the peak is
    /// at either end or is not positive, or the kernel never falls below half its peak.
    /// </summary>
    public static double KernelFwhm(ReadOnlySpan<double> kernel)
    {
        int n = kernel.Length;
        int p = 0;
        for (int i = 1; i < n; i++)
        {
            if (kernel[i] > kernel[p])
            {
                p = i;
            }
        }
        if (p == 0 || p == n - 1 || !(kernel[p] > 0))
        {
            return double.NaN;
        }
        double peak = kernel[p];
        if (kernel[p - 1] > 0 && kernel[p + 1] > 0)
        {
            var (a, b, c) = LogParabola(kernel, p - 1);
            if (c < 0)
            {
                peak = Math.Exp(a - b * b / (4 * c));
            }
        }
        double halfMax = peak / 2;
        double right = Crossing(kernel, p, halfMax, +1);
        double left = Crossing(kernel, p, halfMax, -1);
        return right - left;
    }

    /// <summary>Where the kernel falls through <paramref name="level"/> walking from the peak in direction <paramref name="direction"/>.</summary>
    private static double Crossing(ReadOnlySpan<double> kernel, int peak, double level, int direction)
    {
        int q = peak + direction;
        while (q >= 0 && q < kernel.Length && kernel[q] >= level)
        {
            q += direction;
        }
        if (q < 0 || q >= kernel.Length)
        {
            return double.NaN;
        }
        int inside = q - direction;
        // Three samples ending at the crossing pair: inside − direction, inside, q (inside − direction is at worst peak − direction).
        int first = Math.Min(inside - direction, q);
        if (kernel[q] > 0 && kernel[inside - direction] > 0)
        {
            var (a, b, c) = LogParabola(kernel, first);
            double target = Math.Log(level);
            double root = QuadraticRootBetween(c, b, a - target, Math.Min(inside, q), Math.Max(inside, q));
            if (!double.IsNaN(root))
            {
                return root;
            }
        }
        return inside + direction * (kernel[inside] - level) / (kernel[inside] - kernel[q]);
    }

    /// <summary>Coefficients of ln k(t) = a + b·t + c·t² through samples first, first + 1, first + 2 (t = sample index).</summary>
    private static (double A, double B, double C) LogParabola(ReadOnlySpan<double> kernel, int first)
    {
        double y0 = Math.Log(kernel[first]), y1 = Math.Log(kernel[first + 1]), y2 = Math.Log(kernel[first + 2]);
        double t1 = first + 1;
        double c = (y2 - 2 * y1 + y0) / 2;
        double b = (y2 - y0) / 2 - 2 * c * t1;
        double a = y1 - b * t1 - c * t1 * t1;
        return (a, b, c);
    }

    /// <summary>The root of c·t² + b·t + a in [lo, hi], or NaN.</summary>
    private static double QuadraticRootBetween(double c, double b, double a, double lo, double hi)
    {
        const double slack = 1e-9;
        if (Math.Abs(c) < 1e-14)
        {
            double t = -a / b;
            return t >= lo - slack && t <= hi + slack ? t : double.NaN;
        }
        double discriminant = b * b - 4 * c * a;
        if (discriminant < 0)
        {
            return double.NaN;
        }
        double sqrt = Math.Sqrt(discriminant);
        // The numerically stable pair of roots.
        double qq = -0.5 * (b + Math.CopySign(sqrt, b));
        foreach (double t in new[] { qq / c, qq != 0 ? a / qq : double.NaN })
        {
            if (t >= lo - slack && t <= hi + slack)
            {
                return t;
            }
        }
        return double.NaN;
    }
}
