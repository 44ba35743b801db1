namespace GpuExtract.Cpu.LinearAlgebra;

/// <summary>
/// Reduction of a symmetric matrix to tridiagonal form, A = Q·T·Qᵀ, by Householder reflections
/// H_k = I − τ_k·v_k·v_kᵀ (the dsytd2 algorithm, lower variant), and the explicit Qᵀ.
/// Only the lower triangle of A is read and updated, one contiguous row at a time.
/// </summary>
internal static class HouseholderTridiagonalization
{
    /// <summary>
    /// Reduces the row-major n × n symmetric <paramref name="a"/> (lower triangle read). Afterwards
    /// <paramref name="diagonal"/>[0..n) and <paramref name="offDiagonal"/>[0..n−1) hold T
    /// (offDiagonal[n−1] = 0), <paramref name="tau"/>[k] the reflection factors, and row k of
    /// <paramref name="a"/> right of the diagonal holds v_k (components k+1..n−1, v_k[k+1] = 1): that
    /// part of row k is the mirror of the lower triangle, free once the reduction has started.
    /// <paramref name="work"/> needs length ≥ n.
    /// </summary>
    public static void Reduce(Span<double> a, int n, Span<double> diagonal, Span<double> offDiagonal, Span<double> tau, Span<double> work)
    {
        for (int k = 0; k < n - 2; k++)
        {
            int m = n - k - 1; // order of the trailing block A22 = A[k+1.., k+1..]
            Span<double> v = a.Slice(k * n + k + 1, m);

            // Householder vector for column k below the diagonal: H·x = β·e₁.
            double alpha = a[(k + 1) * n + k];
            double sumSquares = 0;
            for (int r = 1; r < m; r++)
            {
                double x = a[(k + 1 + r) * n + k];
                v[r] = x;
                sumSquares += x * x;
            }
            diagonal[k] = a[k * n + k];
            v[0] = 1;
            if (sumSquares == 0)
            {
                // Column already reduced: H = I.
                tau[k] = 0;
                offDiagonal[k] = alpha;
                v[1..].Clear();
                continue;
            }
            double beta = -Math.CopySign(Math.Sqrt(alpha * alpha + sumSquares), alpha);
            double t = (beta - alpha) / beta;
            tau[k] = t;
            offDiagonal[k] = beta;
            RowOperations.Scale(v[1..], 1.0 / (alpha - beta));

            // A22 ← H·A22·H = A22 − v·wᵀ − w·vᵀ with p = τ·A22·v and w = p − (τ/2)(pᵀv)·v.
            Span<double> p = work[..m];
            p.Clear();
            for (int r = 0; r < m; r++)
            {
                ReadOnlySpan<double> row = a.Slice((k + 1 + r) * n + k + 1, r + 1);
                // Lower triangle only: row r contributes A[r, c]·v[c] to p[r] and A[r, c]·v[r] to p[c].
                p[r] += RowOperations.DotAndAxpy(row[..r], v, v[r], p) + row[r] * v[r];
            }
            RowOperations.Scale(p, t);
            double correction = -0.5 * t * RowOperations.Dot(p, v);
            RowOperations.Axpy(correction, v, p); // p is now w
            for (int r = 0; r < m; r++)
            {
                Span<double> row = a.Slice((k + 1 + r) * n + k + 1, r + 1);
                RowOperations.SubtractTwo(v[r], p, p[r], v, row);
            }
        }
        if (n >= 2)
        {
            diagonal[n - 2] = a[(n - 2) * n + n - 2];
            offDiagonal[n - 2] = a[(n - 1) * n + n - 2];
            tau[n - 2] = 0;
        }
        if (n >= 1)
        {
            diagonal[n - 1] = a[(n - 1) * n + n - 1];
            offDiagonal[n - 1] = 0;
            tau[n - 1] = 0;
        }
    }

    /// <summary>
    /// Forms Qᵀ = H_{n−3}···H_1·H_0 (row-major n × n, into <paramref name="qt"/>) from the reflections
    /// left by <see cref="Reduce"/>. Built as I·H_{n−3}·…·H_0 from the right, so each step updates whole
    /// rows: row ← row − τ·(row·v)·vᵀ, and only the trailing block that is not yet the identity.
    /// Reflections are applied two at a time (one pass for both dot products, one for both updates).
    /// </summary>
    public static void FormTransposedQ(ReadOnlySpan<double> a, int n, ReadOnlySpan<double> tau, Span<double> qt)
    {
        qt[..(n * n)].Clear();
        for (int i = 0; i < n; i++)
        {
            qt[i * n + i] = 1;
        }
        int k = n - 3;
        for (; k >= 1; k -= 2)
        {
            ApplyReflectionPair(a, n, tau, qt, k);
        }
        if (k == 0)
        {
            ApplyReflection(a, n, tau[0], qt, 0);
        }
    }

    /// <summary>qt ← qt·H_k on rows and columns k+1..n−1 (the rest of qt is still the identity there).</summary>
    private static void ApplyReflection(ReadOnlySpan<double> a, int n, double t, Span<double> qt, int k)
    {
        if (t == 0)
        {
            return;
        }
        int m = n - k - 1;
        ReadOnlySpan<double> v = a.Slice(k * n + k + 1, m);
        for (int r = k + 1; r < n; r++)
        {
            Span<double> row = qt.Slice(r * n + k + 1, m);
            RowOperations.Axpy(-t * RowOperations.Dot(row, v), v, row);
        }
    }

    /// <summary>
    /// qt ← qt·H_k·H_{k−1}. With u = v_k (columns k+1..) and w = v_{k−1} (columns k.., w[k] = 1), a row x
    /// becomes x − s₁·u − s₂·w where s₁ = τ_k·(x·u) and s₂ = τ_{k−1}·(x·w − s₁·(u·w)).
    /// </summary>
    private static void ApplyReflectionPair(ReadOnlySpan<double> a, int n, ReadOnlySpan<double> tau, Span<double> qt, int k)
    {
        double t1 = tau[k];
        double t2 = tau[k - 1];
        int m = n - k - 1;
        ReadOnlySpan<double> u = a.Slice(k * n + k + 1, m);
        ReadOnlySpan<double> wTail = a.Slice((k - 1) * n + k + 1, m); // w at columns k+1..; w[k] = 1
        double uw = RowOperations.Dot(u, wTail);
        for (int r = k; r < n; r++)
        {
            Span<double> tail = qt.Slice(r * n + k + 1, m);
            ref double head = ref qt[r * n + k];
            RowOperations.Dot2(tail, u, wTail, out double xu, out double xw);
            xw += head;
            double s1 = t1 * xu;
            double s2 = t2 * (xw - s1 * uw);
            RowOperations.SubtractTwo(s1, u, s2, wTail, tail);
            head -= s2;
        }
    }
}
