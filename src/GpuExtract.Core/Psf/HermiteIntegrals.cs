namespace GpuExtract.Core.Psf;

/// <summary>
/// Pixel-integrated probabilists' Gauss-Hermite functions along one CCD axis (DESIGN §1.2):
/// P_m(k) = ∫ over pixel k of He_m(t)·φ(t) dt with t = (pixel coordinate − centre)/σ, where
/// φ is the unit Gaussian and He the probabilists' Hermite polynomials.
/// </summary>
/// <remarks>
/// With the pixel edges e₋ = (k − centre − ½)/σ and e₊ = (k − centre + ½)/σ (pixel centres at
/// integers): P₀ = ½[erf(e₊/√2) − erf(e₋/√2)] and, since d/dt[−He_{m−1}(t)φ(t)] = He_m(t)φ(t),
/// P_m = −He_{m−1}(e₊)φ(e₊) + He_{m−1}(e₋)φ(e₋) for m ≥ 1. The integral is over t, as the reference
/// (specter's pgh) defines it, so P₀ sums to 1 over the whole axis and is not divided by σ.
/// </remarks>
public static class HermiteIntegrals
{
    private const double InverseSqrtTwoPi = 0.398942280401432677939946059934;
    private const double Sqrt2 = 1.41421356237309504880168872421;

    /// <summary>Largest Hermite degree supported (far beyond the 6 of DESI PSFs).</summary>
    public const int MaxDegree = 40;

    /// <summary>
    /// Fills <paramref name="result"/> (shape [degree+1, count], row stride <paramref name="count"/>)
    /// with P_m for m = 0 … degree over the pixels firstPixel … firstPixel+count−1.
    /// </summary>
    /// <param name="firstPixel">First pixel index (its centre is at this integer coordinate).</param>
    /// <param name="count">Number of pixels.</param>
    /// <param name="center">Centre of the Gaussian [pixel].</param>
    /// <param name="sigma">Gaussian σ [pixel], &gt; 0.</param>
    /// <param name="degree">Highest Hermite degree m.</param>
    /// <param name="result">Output, at least (degree+1)·count values.</param>
    public static void Evaluate(int firstPixel, int count, double center, double sigma, int degree, Span<double> result)
        => Evaluate(firstPixel, count, center, sigma, degree, result, count);

    /// <summary>
    /// As <see cref="Evaluate(int, int, double, double, int, Span{double})"/> with rows of
    /// <paramref name="stride"/> ≥ count values; the padding after each row is set to 0.
    /// </summary>
    public static void Evaluate(int firstPixel, int count, double center, double sigma, int degree, Span<double> result, int stride)
    {
        if ((uint)degree > MaxDegree)
        {
            throw new ArgumentOutOfRangeException(nameof(degree), degree, $"Hermite degree must be 0…{MaxDegree}");
        }
        if (count <= 0)
        {
            return;
        }
        if (stride < count || result.Length < (degree + 1) * stride)
        {
            throw new ArgumentException($"result has {result.Length} values and stride {stride}, needs {(degree + 1)} rows of {count}", nameof(result));
        }

        // Antiderivative values F_m at the current and previous pixel edge; P_m = F_m(e₊) − F_m(e₋).
        // Edges as the reference forms them: (k − centre) − ½ for each pixel's lower edge and the
        // last lower edge + 1 for the final upper edge (same values up to rounding as k − centre + ½).
        Span<double> previous = stackalloc double[degree + 1];
        Span<double> current = stackalloc double[degree + 1];
        double edge = (firstPixel - center) - 0.5;
        EdgeValues(edge / sigma, previous);
        for (int k = 0; k < count; k++)
        {
            edge = k + 1 < count ? (firstPixel + k + 1 - center) - 0.5 : edge + 1.0;
            EdgeValues(edge / sigma, current);
            for (int m = 0; m <= degree; m++)
            {
                result[m * stride + k] = current[m] - previous[m];
            }
            current.CopyTo(previous);
        }
        if (stride > count)
        {
            for (int m = 0; m <= degree; m++)
            {
                result.Slice(m * stride + count, stride - count).Clear();
            }
        }
    }

    /// <summary>Antiderivatives at edge t: F₀ = ½·erf(t/√2), F_m = −He_{m−1}(t)·φ(t).</summary>
    private static void EdgeValues(double t, Span<double> values)
    {
        values[0] = 0.5 * ErrorFunction.Erf(t / Sqrt2);
        int degree = values.Length - 1;
        if (degree == 0)
        {
            return;
        }
        double phi = Math.Exp(-0.5 * t * t) * InverseSqrtTwoPi;
        // He₀ = 1, He₁ = t, He_{n+1} = t·He_n − n·He_{n−1}.
        double heLower = 1.0;
        double he = t;
        values[1] = -phi;
        for (int m = 2; m <= degree; m++)
        {
            values[m] = -he * phi;
            double next = t * he - (m - 1) * heLower;
            heLower = he;
            he = next;
        }
    }
}
