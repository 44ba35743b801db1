using System.Numerics;

namespace GpuExtract.EighStudy;

/// <summary>How close one computed eigen-decomposition is to exact (see <see cref="EighValidation.Check"/>).</summary>
/// <param name="Residual">max over the checked k of ‖A·v_k − λ_k·v_k‖₂ / ‖A‖_F (NaN when anything is not finite).</param>
/// <param name="Orthogonality">max over the checked k and all i of |v_iᵀv_k − δ_ik| (NaN when anything is not finite).</param>
/// <param name="ColumnsChecked">Eigenpairs k checked (all n, or an even spread including the first and last).</param>
public readonly record struct EighCheck(double Residual, double Orthogonality, int ColumnsChecked)
{
    /// <summary>Both figures within <paramref name="tolerance"/> (false for NaN).</summary>
    public bool Passes(double tolerance) => Residual <= tolerance && Orthogonality <= tolerance;

    /// <summary>The worse of two checks (NaN wins), for a point's summary over several matrices.</summary>
    public static EighCheck Worst(EighCheck a, EighCheck b) =>
        new(Worse(a.Residual, b.Residual), Worse(a.Orthogonality, b.Orthogonality), Math.Min(a.ColumnsChecked, b.ColumnsChecked));

    private static double Worse(double x, double y) => double.IsNaN(x) || double.IsNaN(y) ? double.NaN : Math.Max(x, y);
}

/// <summary>
/// Checks an eigen-decomposition A = V·diag(λ)·Vᵀ against the matrix it came from, in float64 whatever the
/// precision of the solver: the relative residual ‖Av_k − λ_k v_k‖₂/‖A‖_F and the orthogonality |VᵀV − I|
/// entry by entry. Both are per eigenpair, so the figures do not grow with n and one tolerance serves every
/// size; they depend only on A, V and λ, not on how V and λ were computed.
/// </summary>
public static class EighValidation
{
    /// <summary>Every eigenpair is checked up to this order; beyond it <see cref="SampledColumns"/> of them (the check costs 4n² per pair).</summary>
    public const int FullCheckMaxN = 512;

    /// <summary>Eigenpairs checked above <see cref="FullCheckMaxN"/>, evenly spread from the smallest to the largest eigenvalue.</summary>
    public const int SampledColumns = 128;

    /// <summary>
    /// Checks <paramref name="vectors"/> (n × n row-major, eigenvector k in column k) and
    /// <paramref name="eigenvalues"/> against <paramref name="a"/> (n × n row-major, symmetric).
    /// </summary>
    public static EighCheck Check(ReadOnlySpan<double> a, ReadOnlySpan<double> vectors, ReadOnlySpan<double> eigenvalues, int n)
    {
        if (a.Length < n * n || vectors.Length < n * n || eigenvalues.Length < n)
        {
            throw new ArgumentException($"validation of n = {n} needs n·n matrix elements and n eigenvalues; got {a.Length}, {vectors.Length}, {eigenvalues.Length}");
        }
        // Eigenvectors as contiguous rows: vt[k·n + i] = V[i, k].
        var vt = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < n; k++)
            {
                vt[k * n + i] = vectors[i * n + k];
            }
        }
        double normA = Math.Sqrt(Dot(a[..(n * n)], a[..(n * n)]));
        int columns = n <= FullCheckMaxN ? n : SampledColumns;
        var av = new double[n];
        double residual = 0, orthogonality = 0;
        for (int c = 0; c < columns; c++)
        {
            int k = columns == n ? c : (int)((long)c * (n - 1) / (columns - 1));
            ReadOnlySpan<double> v = vt.AsSpan(k * n, n);
            double lambda = eigenvalues[k];
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                double r = Dot(a.Slice(i * n, n), v) - lambda * v[i];
                sum += r * r;
                double expected = i == k ? 1.0 : 0.0;
                orthogonality = Worse(orthogonality, Math.Abs(Dot(vt.AsSpan(i * n, n), v) - expected));
            }
            residual = Worse(residual, Math.Sqrt(sum) / normA);
        }
        return new EighCheck(residual, orthogonality, columns);
    }

    /// <summary>As <see cref="Check(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int)"/> for a float32 result, widened to float64.</summary>
    public static EighCheck Check(ReadOnlySpan<float> a, ReadOnlySpan<float> vectors, ReadOnlySpan<float> eigenvalues, int n) =>
        Check(Widen(a[..(n * n)]), Widen(vectors[..(n * n)]), Widen(eigenvalues[..n]), n);

    private static double[] Widen(ReadOnlySpan<float> values)
    {
        var wide = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            wide[i] = values[i];
        }
        return wide;
    }

    /// <summary>max that lets NaN through, so that a non-finite result can never pass.</summary>
    private static double Worse(double x, double y) => double.IsNaN(x) || double.IsNaN(y) ? double.NaN : Math.Max(x, y);

    /// <summary>xᵀy with <see cref="Vector{T}"/> lanes.</summary>
    internal static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int width = Vector<double>.Count;
        var sum = Vector<double>.Zero;
        int i = 0;
        for (; i <= x.Length - width; i += width)
        {
            sum += new Vector<double>(x[i..]) * new Vector<double>(y[i..]);
        }
        double total = Vector.Sum(sum);
        for (; i < x.Length; i++)
        {
            total += x[i] * y[i];
        }
        return total;
    }
}
