using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.Cpu.Extraction;

/// <summary>
/// Functions of a symmetric matrix from its eigen-decomposition M = V·diag(λ)·Vᵀ, with the reference's
/// eigenvalue clipping (specter <c>eigen_compose</c>, matched on purpose, including its comparisons):
/// eigenvalues at or below 10·ε·max λ (or √(max λ)·10·ε for square roots) are replaced so that the
/// result stays finite. ε is the float64 machine epsilon (2.22e-16). A NaN or negative eigenvalue fails
/// every "&gt; minval" test and is replaced too.
/// </summary>
internal static class EigenCompose
{
    /// <summary>10 · float64 machine epsilon, the reference's clipping threshold.</summary>
    public const double Threshold = 10.0 * 2.220446049250313e-16;

    /// <summary>Scales for M⁻¹: d = 1/λ where λ &gt; minval = max λ · threshold, else 1/minval.</summary>
    public static void Inverse(ReadOnlySpan<double> eigenvalues, Span<double> scale)
    {
        double minValue = Max(eigenvalues) * Threshold;
        double replace = 1.0 / minValue;
        for (int i = 0; i < eigenvalues.Length; i++)
        {
            scale[i] = eigenvalues[i] > minValue ? 1.0 / eigenvalues[i] : replace;
        }
    }

    /// <summary>Scales for M^(−½): d = 1/√λ where √λ &gt; minval = √(max λ) · threshold, else 1/minval.</summary>
    public static void InverseSqrt(ReadOnlySpan<double> eigenvalues, Span<double> scale)
    {
        double minValue = Math.Sqrt(Max(eigenvalues)) * Threshold;
        double replace = 1.0 / minValue;
        for (int i = 0; i < eigenvalues.Length; i++)
        {
            double root = Math.Sqrt(eigenvalues[i]);
            scale[i] = root > minValue ? 1.0 / root : replace;
        }
    }

    /// <summary>
    /// Scales for M^(½): d = √λ where λ &gt; minval = √(max λ) · threshold, else minval. (The reference compares
    /// λ itself, not √λ, with that bound here; matched on purpose.)
    /// </summary>
    public static void Sqrt(ReadOnlySpan<double> eigenvalues, Span<double> scale)
    {
        double minValue = Math.Sqrt(Max(eigenvalues)) * Threshold;
        for (int i = 0; i < eigenvalues.Length; i++)
        {
            scale[i] = eigenvalues[i] > minValue ? Math.Sqrt(eigenvalues[i]) : minValue;
        }
    }

    /// <summary>
    /// M = V·diag(d)·Vᵀ into <paramref name="result"/> (n × n row-major, both triangles), V[i, k] = v[i·n + k].
    /// <paramref name="scaledRow"/> (length n) is scratch. n³ FLOPs (one triangle, mirrored).
    /// </summary>
    public static void Compose(ReadOnlySpan<double> v, ReadOnlySpan<double> d, int n, Span<double> result, Span<double> scaledRow)
    {
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<double> row = v.Slice(i * n, n);
            for (int m = 0; m < n; m++)
            {
                scaledRow[m] = row[m] * d[m];
            }
            for (int k = 0; k <= i; k++)
            {
                double value = RowOperations.Dot(scaledRow[..n], v.Slice(k * n, n));
                result[i * n + k] = value;
                result[k * n + i] = value;
            }
        }
    }

    /// <summary>x = V·diag(d)·Vᵀ·b without forming the matrix (4·n² FLOPs); <paramref name="work"/> has length n.</summary>
    public static void Apply(ReadOnlySpan<double> v, ReadOnlySpan<double> d, int n, ReadOnlySpan<double> b, Span<double> x, Span<double> work)
    {
        ProjectScaled(v, d, n, b, work);
        for (int i = 0; i < n; i++)
        {
            x[i] = RowOperations.Dot(v.Slice(i * n, n), work);
        }
    }

    /// <summary>g = diag(d)·Vᵀ·b (2·n² FLOPs), accumulated row by row so V is read contiguously.</summary>
    public static void ProjectScaled(ReadOnlySpan<double> v, ReadOnlySpan<double> d, int n, ReadOnlySpan<double> b, Span<double> g)
    {
        g[..n].Clear();
        for (int l = 0; l < n; l++)
        {
            double bl = b[l];
            if (bl == 0)
            {
                continue;
            }
            RowOperations.Axpy(bl, v.Slice(l * n, n), g);
        }
        for (int m = 0; m < n; m++)
        {
            g[m] *= d[m];
        }
    }

    private static double Max(ReadOnlySpan<double> values)
    {
        // NaN propagates, as numpy's max does (then every comparison fails and the result is NaN).
        double max = double.NegativeInfinity;
        foreach (double value in values)
        {
            max = double.IsNaN(value) ? value : Math.Max(max, value);
            if (double.IsNaN(max))
            {
                break;
            }
        }
        return max;
    }
}
