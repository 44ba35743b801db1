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
    /// Rows are taken four at a time so that each row j of L already computed is loaded once for
    /// four dot products.
    /// </summary>
    public static bool Factor(Span<double> a, int n)
    {
        int i0 = 0;
        for (; i0 + 3 < n; i0 += 4)
        {
            Span<double> row0 = a.Slice(i0 * n, i0 + 1);
            Span<double> row1 = a.Slice((i0 + 1) * n, i0 + 2);
            Span<double> row2 = a.Slice((i0 + 2) * n, i0 + 3);
            Span<double> row3 = a.Slice((i0 + 3) * n, i0 + 4);
            // Columns left of the block: L[i, j] = (A[i, j] − L[i, 0..j)·L[j, 0..j)) / L[j, j].
            for (int j = 0; j < i0; j++)
            {
                ReadOnlySpan<double> rowJ = a.Slice(j * n, j + 1);
                RowOperations.Dot4(rowJ[..j], row0, row1, row2, row3, out double d0, out double d1, out double d2, out double d3);
                double ljj = rowJ[j];
                row0[j] = (row0[j] - d0) / ljj;
                row1[j] = (row1[j] - d1) / ljj;
                row2[j] = (row2[j] - d2) / ljj;
                row3[j] = (row3[j] - d3) / ljj;
            }
            // The 4 × 4 diagonal block, row by row.
            for (int i = i0; i < i0 + 4; i++)
            {
                if (!FactorRowFrom(a, n, i, i0))
                {
                    return false;
                }
            }
        }
        for (int i = i0; i < n; i++)
        {
            if (!FactorRowFrom(a, n, i, 0))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Row i of L from column <paramref name="firstColumn"/> on (earlier columns already done), and its pivot.</summary>
    private static bool FactorRowFrom(Span<double> a, int n, int i, int firstColumn)
    {
        Span<double> rowI = a.Slice(i * n, i + 1);
        for (int j = firstColumn; j < i; j++)
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
    /// Four k at a time share one pass over the common prefix 0..k₀ of row i.
    /// </summary>
    private static void InvertLowerTriangle(Span<double> a, int n)
    {
        for (int i = 0; i < n; i++)
        {
            Span<double> rowI = a.Slice(i * n, i + 1);
            int k = 0;
            for (; k + 3 < i; k += 4)
            {
                // L[i, k..k+3] are still intact: earlier steps only touched entries below k.
                double s0 = rowI[k];
                double s1 = rowI[k + 1];
                double s2 = rowI[k + 2];
                double s3 = rowI[k + 3];
                rowI.Slice(k, 4).Clear();
                ReadOnlySpan<double> x0 = a.Slice(k * n, k + 1);
                ReadOnlySpan<double> x1 = a.Slice((k + 1) * n, k + 2);
                ReadOnlySpan<double> x2 = a.Slice((k + 2) * n, k + 3);
                ReadOnlySpan<double> x3 = a.Slice((k + 3) * n, k + 4);
                RowOperations.Axpy4(-s0, x0, -s1, x1, -s2, x2, -s3, x3, rowI[..(k + 1)]);
                // The parts of rows k+1..k+3 beyond the common prefix.
                rowI[k + 1] -= s1 * x1[k + 1] + s2 * x2[k + 1] + s3 * x3[k + 1];
                rowI[k + 2] -= s2 * x2[k + 2] + s3 * x3[k + 2];
                rowI[k + 3] -= s3 * x3[k + 3];
            }
            for (; k < i; k++)
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
    /// Four k at a time share one pass over row i.
    /// </summary>
    private static void MultiplyLowerTransposeByLower(Span<double> a, int n)
    {
        for (int i = 0; i < n; i++)
        {
            Span<double> rowI = a.Slice(i * n, i + 1);
            RowOperations.Scale(rowI, rowI[i]);
            int k = i + 1;
            for (; k + 3 < n; k += 4)
            {
                RowOperations.Axpy4(
                    a[k * n + i], a.Slice(k * n, i + 1),
                    a[(k + 1) * n + i], a.Slice((k + 1) * n, i + 1),
                    a[(k + 2) * n + i], a.Slice((k + 2) * n, i + 1),
                    a[(k + 3) * n + i], a.Slice((k + 3) * n, i + 1),
                    rowI);
            }
            for (; k < n; k++)
            {
                RowOperations.Axpy(a[k * n + i], a.Slice(k * n, i + 1), rowI);
            }
        }
    }
}
