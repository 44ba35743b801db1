using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
/// The antiderivatives at all edges are evaluated four edges at a time (one vector exponential
/// serves both φ and erf), then differenced.
/// </remarks>
public static class HermiteIntegrals
{
    private const double InverseSqrtTwoPi = 0.398942280401432677939946059934;
    private const double Sqrt2 = 1.41421356237309504880168872421;
    private const int Width = 4; // Vector256<double>.Count

    /// <summary>Largest Hermite degree supported (far beyond the 6 of DESI PSFs).</summary>
    public const int MaxDegree = 40;

    /// <summary>Scratch values <see cref="Evaluate(int, int, double, double, int, Span{double}, int, Span{double})"/> needs.</summary>
    public static int ScratchLength(int count, int degree) => (degree + 2) * PaddedEdges(count);

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
        int n = count > 0 && (uint)degree <= MaxDegree ? ScratchLength(count, degree) : 0;
        Span<double> scratch = n > 1024 ? new double[n] : stackalloc double[1024];
        Evaluate(firstPixel, count, center, sigma, degree, result, stride, scratch);
    }

    /// <summary>
    /// As <see cref="Evaluate(int, int, double, double, int, Span{double}, int)"/> with caller-provided
    /// scratch of at least <see cref="ScratchLength"/> values (no allocation).
    /// </summary>
    public static void Evaluate(int firstPixel, int count, double center, double sigma, int degree, Span<double> result, int stride, Span<double> scratch)
    {
        if ((uint)degree > MaxDegree)
        {
            throw new ArgumentOutOfRangeException(nameof(degree), degree, $"Hermite degree must be 0…{MaxDegree}");
        }
        if (count <= 0)
        {
            return;
        }
        if (stride < count || result.Length < degree * stride + count)
        {
            throw new ArgumentException($"result has {result.Length} values and stride {stride}, needs {degree + 1} rows of {count}", nameof(result));
        }
        int edges = PaddedEdges(count);
        if (scratch.Length < ScratchLength(count, degree))
        {
            throw new ArgumentException($"scratch has {scratch.Length} values, needs {ScratchLength(count, degree)}", nameof(scratch));
        }

        // Edge coordinates t as the reference forms them: (k − centre) − ½ for each pixel's lower edge,
        // the last lower edge + 1 for the final upper edge, then divided by σ. Padding repeats the last edge.
        Span<double> t = scratch[..edges];
        double edge = 0;
        for (int e = 0; e < count; e++)
        {
            edge = (firstPixel + e - center) - 0.5;
            t[e] = edge / sigma;
        }
        double last = (edge + 1.0) / sigma;
        t[count..].Fill(last);

        // Antiderivatives F_m at every edge: F₀ = ½·erf(t/√2), F_m = −He_{m−1}(t)·φ(t); row m at (m+1)·edges.
        ref double tRef = ref t[0];
        ref double fRef = ref scratch[edges];
        Vector256<double> half = Vector256.Create(0.5);
        Vector256<double> minusHalf = Vector256.Create(-0.5);
        Vector256<double> sqrt2 = Vector256.Create(Sqrt2);
        Vector256<double> inverseSqrtTwoPi = Vector256.Create(InverseSqrtTwoPi);
        for (int e = 0; e < edges; e += Width)
        {
            Vector256<double> tv = Vector256.LoadUnsafe(ref tRef, (nuint)e);
            Vector256<double> gauss = Vector256.Exp(minusHalf * tv * tv);
            (half * ErrorFunction.Erf(tv / sqrt2, gauss)).StoreUnsafe(ref fRef, (nuint)e);
            if (degree == 0)
            {
                continue;
            }
            Vector256<double> phi = gauss * inverseSqrtTwoPi;
            (-phi).StoreUnsafe(ref fRef, (nuint)(edges + e));
            // He₀ = 1, He₁ = t, He_{n+1} = t·He_n − n·He_{n−1}.
            Vector256<double> heLower = Vector256<double>.One;
            Vector256<double> he = tv;
            for (int m = 2; m <= degree; m++)
            {
                (-he * phi).StoreUnsafe(ref fRef, (nuint)(m * edges + e));
                Vector256<double> next = tv * he - Vector256.Create((double)(m - 1)) * heLower;
                heLower = he;
                he = next;
            }
        }

        // P_m(k) = F_m(edge k+1) − F_m(edge k).
        for (int m = 0; m <= degree; m++)
        {
            ReadOnlySpan<double> f = scratch.Slice((m + 1) * edges, edges);
            Span<double> row = result.Slice(m * stride, count);
            int k = 0;
            for (; k + Width <= count; k += Width)
            {
                (Vector256.Create(f.Slice(k + 1, Width)) - Vector256.Create(f.Slice(k, Width))).CopyTo(row[k..]);
            }
            for (; k < count; k++)
            {
                row[k] = f[k + 1] - f[k];
            }
            int rowEnd = Math.Min(stride, result.Length - m * stride);
            if (rowEnd > count)
            {
                result[(m * stride + count)..(m * stride + rowEnd)].Clear();
            }
        }
    }

    /// <summary>count+1 edges rounded up to the vector width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PaddedEdges(int count) => (count + 1 + Width - 1) / Width * Width;
}
