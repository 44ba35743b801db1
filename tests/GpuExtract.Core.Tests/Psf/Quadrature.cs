namespace GpuExtract.Core.Tests.Psf;

/// <summary>
/// Independent numerics for the PSF tests: composite 5-point Gauss-Legendre quadrature and the
/// probabilists' Hermite polynomials written out explicitly (no shared code with the model).
/// </summary>
internal static class Quadrature
{
    private static readonly double[] Nodes = [0.0, -0.5384693101056831, 0.5384693101056831, -0.9061798459386640, 0.9061798459386640];
    private static readonly double[] Weights = [0.5688888888888889, 0.4786286704993665, 0.4786286704993665, 0.2369268850561891, 0.2369268850561891];

    /// <summary>∫_a^b f(t) dt with <paramref name="pieces"/> Gauss-Legendre panels (error ~1e-16 for smooth f).</summary>
    public static double Integrate(Func<double, double> f, double a, double b, int pieces = 40)
    {
        double h = (b - a) / pieces;
        double sum = 0;
        for (int p = 0; p < pieces; p++)
        {
            double mid = a + (p + 0.5) * h;
            for (int i = 0; i < Nodes.Length; i++)
            {
                sum += Weights[i] * f(mid + 0.5 * h * Nodes[i]);
            }
        }
        return sum * 0.5 * h;
    }

    /// <summary>He_m(t) for m ≤ 6, written out.</summary>
    public static double Hermite(int m, double t) => m switch
    {
        0 => 1,
        1 => t,
        2 => t * t - 1,
        3 => t * t * t - 3 * t,
        4 => Math.Pow(t, 4) - 6 * t * t + 3,
        5 => Math.Pow(t, 5) - 10 * Math.Pow(t, 3) + 15 * t,
        6 => Math.Pow(t, 6) - 15 * Math.Pow(t, 4) + 45 * t * t - 15,
        _ => throw new ArgumentOutOfRangeException(nameof(m)),
    };

    /// <summary>The unit Gaussian φ(t).</summary>
    public static double Phi(double t) => Math.Exp(-0.5 * t * t) / Math.Sqrt(2 * Math.PI);

    /// <summary>∫ over pixel k of He_m(t)φ(t) dt, t = (pixel coordinate − centre)/σ.</summary>
    public static double PixelHermite(int m, int k, double center, double sigma) =>
        Integrate(t => Hermite(m, t) * Phi(t), (k - 0.5 - center) / sigma, (k + 0.5 - center) / sigma);
}
