namespace GpuExtract.Core.Psf;

/// <summary>
/// Legendre series Σ_k c_k·P_k(u), the polynomials of the specex PSF format, evaluated for many
/// arguments at once: the basis P_k(u_i) is computed once per argument grid and every series
/// (fiber × parameter) is then a dot product with it, instead of one scalar series evaluation per
/// (parameter, fiber, wavelength) as in the reference code.
/// </summary>
public static class Legendre
{
    /// <summary>
    /// The series argument u = (x − min)·(2/(max − min)) − 1, in exactly the reference's order of
    /// operations (reference README §4.1) so that u agrees to the last bit.
    /// </summary>
    public static double Argument(double x, double min, double max) => (x - min) * (2.0 / (max - min)) - 1.0;

    /// <summary>Σ_k c_k·P_k(u) for one argument (recurrence (k+1)P_{k+1} = (2k+1)u·P_k − k·P_{k−1}).</summary>
    public static double Evaluate(ReadOnlySpan<double> coefficients, double u)
    {
        if (coefficients.IsEmpty)
        {
            return 0.0;
        }
        double sum = coefficients[0];
        double lower = 1.0;
        double p = u;
        for (int k = 1; k < coefficients.Length; k++)
        {
            sum += coefficients[k] * p;
            double next = ((2 * k + 1) * u * p - k * lower) / (k + 1);
            lower = p;
            p = next;
        }
        return sum;
    }

    /// <summary>
    /// The basis P_k(u_i), k = 0 … count−1, for the arguments u_i = Argument(x_i, min, max):
    /// <paramref name="basis"/> has shape [count, x.Length] (row k holds P_k at every x).
    /// </summary>
    public static void Basis(ReadOnlySpan<double> x, double min, double max, int count, Span<double> basis)
    {
        int n = x.Length;
        if (basis.Length < count * n)
        {
            throw new ArgumentException($"basis has {basis.Length} values, needs {count * n}", nameof(basis));
        }
        if (count == 0)
        {
            return;
        }
        Span<double> p0 = basis[..n];
        p0.Fill(1.0);
        if (count == 1)
        {
            return;
        }
        Span<double> p1 = basis.Slice(n, n);
        for (int i = 0; i < n; i++)
        {
            p1[i] = Argument(x[i], min, max);
        }
        for (int k = 1; k + 1 < count; k++)
        {
            ReadOnlySpan<double> lower = basis.Slice((k - 1) * n, n);
            ReadOnlySpan<double> p = basis.Slice(k * n, n);
            Span<double> next = basis.Slice((k + 1) * n, n);
            double a = 2 * k + 1;
            double b = k;
            double c = k + 1;
            for (int i = 0; i < n; i++)
            {
                next[i] = (a * p1[i] * p[i] - b * lower[i]) / c;
            }
        }
    }

    /// <summary>
    /// values[s, i] = Σ_k coefficients[s, k]·basis[k, i] for many series at once.
    /// </summary>
    /// <param name="coefficients">Series coefficients, shape [nseries, ncoef].</param>
    /// <param name="ncoef">Coefficients per series (≤ the basis rows).</param>
    /// <param name="basis">Basis from <see cref="Basis"/>, shape [≥ ncoef, n].</param>
    /// <param name="n">Number of arguments (basis row length).</param>
    /// <param name="values">Output, shape [nseries, n].</param>
    public static void EvaluateMany(ReadOnlySpan<double> coefficients, int ncoef, ReadOnlySpan<double> basis, int n, Span<double> values)
    {
        int nseries = ncoef == 0 ? 0 : coefficients.Length / ncoef;
        for (int s = 0; s < nseries; s++)
        {
            EvaluateMany(coefficients.Slice(s * ncoef, ncoef), basis, n, values.Slice(s * n, n));
        }
    }

    /// <summary>values[i] = Σ_k c_k·basis[k, i] for one series over a basis of row length n.</summary>
    public static void EvaluateMany(ReadOnlySpan<double> c, ReadOnlySpan<double> basis, int n, Span<double> values)
    {
        values = values[..n];
        if (c.IsEmpty)
        {
            values.Clear();
            return;
        }
        double c0 = c[0];
        values.Fill(c0);
        for (int k = 1; k < c.Length; k++)
        {
            double ck = c[k];
            ReadOnlySpan<double> row = basis.Slice(k * n, n);
            for (int i = 0; i < n; i++)
            {
                values[i] += ck * row[i];
            }
        }
    }

    /// <summary>
    /// Least-squares Legendre fit of degree <paramref name="degree"/>: the coefficients c minimising
    /// Σ_i (Σ_k c_k·P_k(u_i) − y_i)², as numpy's legfit returns them (which the reference uses for
    /// its trace inversion). Solved by Householder QR of the column-scaled Vandermonde matrix, so
    /// the conditioning is that of the problem, not its square.
    /// </summary>
    /// <param name="u">Arguments in [−1, 1]; length m ≥ degree+1.</param>
    /// <param name="y">Values; length m.</param>
    /// <param name="degree">Polynomial degree.</param>
    /// <returns>degree+1 coefficients.</returns>
    public static double[] Fit(ReadOnlySpan<double> u, ReadOnlySpan<double> y, int degree)
    {
        int m = u.Length;
        int n = degree + 1;
        if (y.Length != m)
        {
            throw new ArgumentException($"u has {m} values but y has {y.Length}");
        }
        if (degree < 0 || m < n)
        {
            throw new ArgumentException($"a degree {degree} fit needs at least {n} points, got {m}");
        }

        // Column-major Vandermonde matrix V[i, k] = P_k(u_i) at a[k·m + i], columns scaled to unit norm.
        var a = new double[n * m];
        for (int i = 0; i < m; i++)
        {
            double lower = 1.0;
            double p = u[i];
            a[i] = 1.0;
            for (int k = 1; k < n; k++)
            {
                a[k * m + i] = p;
                double next = ((2 * k + 1) * u[i] * p - k * lower) / (k + 1);
                lower = p;
                p = next;
            }
        }
        var scale = new double[n];
        for (int k = 0; k < n; k++)
        {
            Span<double> col = a.AsSpan(k * m, m);
            double norm = Norm(col);
            scale[k] = norm == 0 ? 1.0 : norm;
            for (int i = 0; i < m; i++)
            {
                col[i] /= scale[k];
            }
        }

        double[] b = y.ToArray();
        var diagonal = new double[n];
        for (int k = 0; k < n; k++)
        {
            // Householder reflection H = I − v·vᵀ/(vᵀv/…) zeroing column k below the diagonal.
            Span<double> col = a.AsSpan(k * m + k, m - k);
            double alpha = Norm(col);
            if (alpha == 0)
            {
                throw new ArgumentException($"rank-deficient Legendre fit (column {k})");
            }
            if (col[0] > 0)
            {
                alpha = -alpha;
            }
            col[0] -= alpha;                       // v = x − alpha·e₁, stored in place
            double vtv = -2.0 * alpha * col[0];    // vᵀv = 2·alpha² − 2·alpha·x₀ = −2·alpha·v₀
            diagonal[k] = alpha;
            for (int j = k + 1; j < n; j++)
            {
                Reflect(col, a.AsSpan(j * m + k, m - k), vtv);
            }
            Reflect(col, b.AsSpan(k, m - k), vtv);
        }

        // Back substitution R·c' = Qᵀb, then undo the column scaling.
        var c = new double[n];
        for (int k = n - 1; k >= 0; k--)
        {
            double s = b[k];
            for (int j = k + 1; j < n; j++)
            {
                s -= a[j * m + k] * c[j];
            }
            c[k] = s / diagonal[k];
        }
        for (int k = 0; k < n; k++)
        {
            c[k] /= scale[k];
        }
        return c;
    }

    /// <summary>x ← x − v·(2·vᵀx/vᵀv) with vᵀv given.</summary>
    private static void Reflect(ReadOnlySpan<double> v, Span<double> x, double vtv)
    {
        double dot = 0;
        for (int i = 0; i < v.Length; i++)
        {
            dot += v[i] * x[i];
        }
        double f = 2.0 * dot / vtv;
        for (int i = 0; i < v.Length; i++)
        {
            x[i] -= f * v[i];
        }
    }

    /// <summary>Euclidean norm, scaled against overflow.</summary>
    private static double Norm(ReadOnlySpan<double> x)
    {
        double max = 0;
        foreach (double v in x)
        {
            max = Math.Max(max, Math.Abs(v));
        }
        if (max == 0)
        {
            return 0;
        }
        double sum = 0;
        foreach (double v in x)
        {
            double s = v / max;
            sum += s * s;
        }
        return max * Math.Sqrt(sum);
    }
}
