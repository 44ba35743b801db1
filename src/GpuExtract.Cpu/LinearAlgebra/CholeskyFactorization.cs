namespace GpuExtract.Cpu.LinearAlgebra;

/// <summary>
/// Cholesky factorisation A = L·Lᵀ of a symmetric positive definite n × n matrix stored row-major,
/// with L in the lower triangle (a[i·n + j], j ≤ i), and what follows from it: solves and the inverse.
/// Every inner loop runs along a row of L, which is contiguous in row-major storage
/// (the row-oriented "Cholesky–Banachiewicz" ordering), so each is a vectorised dot or axpy.
/// </summary>
internal static class CholeskyFactorization
{
    /// <summary>
    /// Overwrites the lower triangle of <paramref name="a"/> with L (the strict upper triangle is not
    /// read or written). Returns false as soon as a pivot is not positive or not finite, like dpotrf.
    /// </summary>
    public static bool Factor(Span<double> a, int n)
    {
        for (int i = 0; i < n; i++)
        {
            Span<double> rowI = a.Slice(i * n, i + 1);
            // L[i, j] = (A[i, j] − Σ_{k<j} L[i, k]·L[j, k]) / L[j, j]: both prefixes are contiguous rows.
            for (int j = 0; j < i; j++)
            {
                ReadOnlySpan<double> rowJ = a.Slice(j * n, j + 1);
                rowI[j] = (rowI[j] - RowOperations.Dot(rowI[..j], rowJ)) / rowJ[j];
            }
            double pivot = rowI[i] - RowOperations.Dot(rowI[..i], rowI);
            if (!(pivot > 0) || double.IsInfinity(pivot))
            {
                return false; // also catches NaN
            }
            rowI[i] = Math.Sqrt(pivot);
        }
        return true;
    }

    /// <summary>Solves L·Lᵀ·x = b in place (b becomes x), given the factor from <see cref="Factor"/>.</summary>
    public static void Solve(ReadOnlySpan<double> factor, int n, Span<double> b)
    {
        // Forward: L·y = b, y[i] = (b[i] − L[i, 0..i)·y[0..i)) / L[i, i].
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<double> rowI = factor.Slice(i * n, i + 1);
            b[i] = (b[i] - RowOperations.Dot(rowI[..i], b)) / rowI[i];
        }
        // Backward: Lᵀ·x = y, column-oriented so that it reads rows of L: once x[i] is known,
        // its contribution L[i, 0..i)·x[i] is removed from the remaining right-hand side.
        for (int i = n - 1; i >= 0; i--)
        {
            ReadOnlySpan<double> rowI = factor.Slice(i * n, i + 1);
            double xi = b[i] / rowI[i];
            b[i] = xi;
            RowOperations.Axpy(-xi, rowI[..i], b);
        }
    }

    /// <summary>
    /// Replaces the factor L in <paramref name="a"/> by the full symmetric A⁻¹ = L⁻ᵀ·L⁻¹ (both triangles),
    /// as dpotri does (the LAPACK steps trtri then lauum), in place.
    /// </summary>
    public static void Invert(Span<double> a, int n)
    {
        InvertLowerTriangle(a, n);
        MultiplyLowerTransposeByLower(a, n);
        RowOperations.MirrorLowerToUpper(a, n);
    }

    /// <summary>
    /// X = L⁻¹ in place (lower triangle). Row i of X is (e_i − Σ_{k&lt;i} L[i, k]·X[k, :]) / L[i, i];
    /// taking k upwards, entries 0..k of row i are already accumulators while entries above k still hold L.
    /// </summary>
    private static void InvertLowerTriangle(Span<double> a, int n)
    {
        for (int i = 0; i < n; i++)
        {
            Span<double> rowI = a.Slice(i * n, i + 1);
            for (int k = 0; k < i; k++)
            {
                double lik = rowI[k];
                rowI[k] = 0;
                RowOperations.Axpy(-lik, a.Slice(k * n, k + 1), rowI);
            }
            double inverseDiagonal = 1.0 / rowI[i];
            RowOperations.Scale(rowI[..i], inverseDiagonal);
            rowI[i] = inverseDiagonal;
        }
    }

    /// <summary>
    /// Lower triangle of Xᵀ·X in place, X lower triangular: (XᵀX)[i, j] = Σ_{k≥i} X[k, i]·X[k, j] for j ≤ i.
    /// Row i only needs rows k ≥ i of X, which are still untouched when rows are taken upwards.
    /// </summary>
    private static void MultiplyLowerTransposeByLower(Span<double> a, int n)
    {
        for (int i = 0; i < n; i++)
        {
            Span<double> rowI = a.Slice(i * n, i + 1);
            RowOperations.Scale(rowI, rowI[i]);
            for (int k = i + 1; k < n; k++)
            {
                RowOperations.Axpy(a[k * n + i], a.Slice(k * n, i + 1), rowI);
            }
        }
    }
}
