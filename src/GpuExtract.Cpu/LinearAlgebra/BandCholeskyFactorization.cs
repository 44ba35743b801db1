namespace GpuExtract.Cpu.LinearAlgebra;

/// <summary>
/// Cholesky factorisation A = L·Lᵀ of a symmetric positive definite band matrix, and what follows from it:
/// solves and selected diagonal blocks of A⁻¹, on the band storage of <see cref="ILapack.BandCholeskyFactor"/>:
/// row i of the n × (kd+1) row-major array holds A[i, i−kd .. i], so A[i, j] is at
/// band[i·(kd+1) + kd − (i − j)]. Every inner loop runs along a stored row, contiguous in memory.
/// </summary>
internal static class BandCholeskyFactorization
{
    /// <summary>
    /// Overwrites <paramref name="band"/> with L (same positions). Returns false as soon as a pivot is not
    /// positive or not finite, like dpbtrf. Row i of L: L[i, j] = (A[i, j] − L[i, lo..j)·L[j, lo..j)) / L[j, j]
    /// with lo = max(0, i − kd), where both rows are contiguous runs of their band rows.
    /// </summary>
    public static bool Factor(Span<double> band, int n, int kd)
    {
        int w = kd + 1;
        for (int i = 0; i < n; i++)
        {
            int lo = Math.Max(0, i - kd);
            Span<double> rowI = band.Slice(i * w + kd - (i - lo), i - lo + 1); // L[i, lo..i]
            for (int j = lo; j < i; j++)
            {
                // Row j from column lo (≥ its own first stored column) to j.
                ReadOnlySpan<double> rowJ = band.Slice(j * w + kd - (j - lo), j - lo + 1);
                int t = j - lo;
                rowI[t] = (rowI[t] - RowOperations.Dot(rowI[..t], rowJ)) / rowJ[t];
            }
            int d = i - lo;
            double pivot = rowI[d] - RowOperations.Dot(rowI[..d], rowI);
            if (!(pivot > 0) || double.IsInfinity(pivot))
            {
                return false; // also catches NaN
            }
            rowI[d] = Math.Sqrt(pivot);
        }
        return true;
    }

    /// <summary>Solves L·Lᵀ·x = b in place (b becomes x), given the band factor from <see cref="Factor"/>.</summary>
    public static void Solve(ReadOnlySpan<double> factor, int n, int kd, Span<double> b)
    {
        int w = kd + 1;
        // Forward: y[i] = (b[i] − L[i, lo..i)·y[lo..i)) / L[i, i].
        for (int i = 0; i < n; i++)
        {
            int lo = Math.Max(0, i - kd);
            ReadOnlySpan<double> rowI = factor.Slice(i * w + kd - (i - lo), i - lo + 1);
            b[i] = (b[i] - RowOperations.Dot(rowI[..(i - lo)], b[lo..])) / rowI[i - lo];
        }
        // Backward, column-oriented so that it reads rows of L: once x[i] is known, remove L[i, lo..i)·x[i].
        for (int i = n - 1; i >= 0; i--)
        {
            int lo = Math.Max(0, i - kd);
            ReadOnlySpan<double> rowI = factor.Slice(i * w + kd - (i - lo), i - lo + 1);
            double xi = b[i] / rowI[i - lo];
            b[i] = xi;
            RowOperations.Axpy(-xi, rowI[..(i - lo)], b[lo..]);
        }
    }

    /// <summary>
    /// The dense block (A⁻¹)[S, S] for one strictly increasing index set S of length m, into the row-major
    /// m × m <paramref name="block"/> (both triangles). A⁻¹ = L⁻ᵀ·L⁻¹, so (A⁻¹)[S, S] = Xᵀ·X with
    /// X = L⁻¹·E_S, E_S the columns S of the identity. Column r of X is zero above row S[r], so row i of X
    /// is nonzero only in its first p_i = #{r : S[r] ≤ i} entries: the forward substitution
    /// X[i, :] = (E_S[i, :] − Σ_k L[i, k]·X[k, :]) / L[i, i] over the kd rows k before i, and the
    /// accumulation Xᵀ·X = Σ_i X[i, :]ᵀ·X[i, :], both run over those prefixes only.
    /// <paramref name="x"/> (≥ n·m) and <paramref name="prefix"/> (≥ n) are scratch.
    /// Cost ≈ kd·n·m + n·m²/3 multiply–adds, against n³ for the dense inverse.
    /// </summary>
    public static void InverseBlock(ReadOnlySpan<double> factor, int n, int kd, ReadOnlySpan<int> s, Span<double> block, Span<double> x, Span<int> prefix)
    {
        int m = s.Length;
        int w = kd + 1;
        int first = s[0];
        int p = 0;
        for (int i = first; i < n; i++)
        {
            while (p < m && s[p] <= i)
            {
                p++;
            }
            prefix[i] = p;
            Span<double> rowX = x.Slice(i * m, p);
            rowX.Clear();
            if (s[p - 1] == i)
            {
                rowX[p - 1] = 1;
            }
            int lo = Math.Max(first, i - kd);
            ReadOnlySpan<double> rowL = factor.Slice(i * w + kd - (i - lo), i - lo + 1); // L[i, lo..i]
            int k = lo;
            for (; k + 3 < i; k += 4)
            {
                // Rows k..k+3 of X share the prefix of row k; rows k+1..k+3 may reach a few entries further.
                int common = prefix[k];
                RowOperations.Axpy4(
                    -rowL[k - lo], x.Slice(k * m, common),
                    -rowL[k + 1 - lo], x.Slice((k + 1) * m, common),
                    -rowL[k + 2 - lo], x.Slice((k + 2) * m, common),
                    -rowL[k + 3 - lo], x.Slice((k + 3) * m, common),
                    rowX[..common]);
                for (int r = 1; r < 4; r++)
                {
                    int end = prefix[k + r];
                    if (end > common)
                    {
                        RowOperations.Axpy(-rowL[k + r - lo], x.Slice((k + r) * m + common, end - common), rowX[common..]);
                    }
                }
            }
            for (; k < i; k++)
            {
                RowOperations.Axpy(-rowL[k - lo], x.Slice(k * m, prefix[k]), rowX);
            }
            RowOperations.Scale(rowX, 1.0 / rowL[i - lo]);
        }

        // Lower triangle of Xᵀ·X: C[r, 0..r] += X[i, r]·X[i, 0..r] for every row i, four rows i per pass over C.
        Span<double> c = block[..(m * m)];
        c.Clear();
        int row = first;
        for (; row + 3 < n; row += 4)
        {
            ReadOnlySpan<double> x0 = x.Slice(row * m, prefix[row]);
            ReadOnlySpan<double> x1 = x.Slice((row + 1) * m, prefix[row + 1]);
            ReadOnlySpan<double> x2 = x.Slice((row + 2) * m, prefix[row + 2]);
            ReadOnlySpan<double> x3 = x.Slice((row + 3) * m, prefix[row + 3]);
            int common = x0.Length;
            for (int r = 0; r < common; r++)
            {
                RowOperations.Axpy4(x0[r], x0, x1[r], x1, x2[r], x2, x3[r], x3, c.Slice(r * m, r + 1));
            }
            // Entries r ≥ common exist only in the later rows.
            AddOuterRows(x1, common, c, m);
            AddOuterRows(x2, common, c, m);
            AddOuterRows(x3, common, c, m);
        }
        for (; row < n; row++)
        {
            AddOuterRows(x.Slice(row * m, prefix[row]), 0, c, m);
        }
        RowOperations.MirrorLowerToUpper(c, m);
    }

    /// <summary>C[r, 0..r] += v[r]·v[0..r] for r = <paramref name="from"/> .. v.Length − 1 (lower triangle of v·vᵀ, rows from on).</summary>
    private static void AddOuterRows(ReadOnlySpan<double> v, int from, Span<double> c, int m)
    {
        for (int r = from; r < v.Length; r++)
        {
            RowOperations.Axpy(v[r], v[..(r + 1)], c.Slice(r * m, r + 1));
        }
    }
}
