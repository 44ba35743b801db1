namespace GpuExtract.EighStudy;

/// <summary>
/// Random symmetric positive-definite test matrices with a prescribed spectrum:
/// A = Q·diag(λ)·Qᵀ with λ_i = κ^(−i/(n−1)), i = 0 … n−1 (geometric from 1 down to 1/κ, so cond(A) = κ), and
/// Q = H₁·S·H₂ a dense orthogonal matrix: S the orthogonal sine transform S[j, k] = √(2/(n+1))·sin((j+1)(k+1)π/(n+1))
/// and H₁, H₂ reflections I − 2uuᵀ/uᵀu about Gaussian vectors u. Q costs O(n²); the product is formed as
/// A = B·Bᵀ with B = Q·diag(√λ), one dot product per entry (n³ flops, both cores), which keeps
/// n = 4096 to seconds. Extraction's iCov matrices have condition numbers of this order (10⁶–10¹⁰).
/// </summary>
public static class RandomSpdMatrix
{
    /// <summary>Condition number of the benchmark's random inputs: about 1e8, as the study specifies.</summary>
    public const double DefaultCondition = 1e8;

    /// <summary>A new n × n row-major SPD matrix with condition <paramref name="condition"/>, reproducible from <paramref name="seed"/>.</summary>
    public static double[] Create(int n, double condition, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(condition, 1.0);
        var random = new Random(seed);
        double[] b = Orthogonal(n, random);
        // B = Q·diag(√λ): column k scaled by √λ_k.
        for (int k = 0; k < n; k++)
        {
            double scale = Math.Sqrt(Eigenvalue(k, n, condition));
            for (int i = 0; i < n; i++)
            {
                b[i * n + k] *= scale;
            }
        }
        var a = new double[n * n];
        // A[i, j] = (row i of B)·(row j of B), lower triangle in parallel over rows, mirrored: exactly symmetric.
        Parallel.For(0, n, i =>
        {
            ReadOnlySpan<double> rowI = b.AsSpan(i * n, n);
            for (int j = 0; j <= i; j++)
            {
                a[i * n + j] = EighValidation.Dot(rowI, b.AsSpan(j * n, n));
            }
        });
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                a[j * n + i] = a[i * n + j];
            }
        }
        return a;
    }

    /// <summary>λ_k = κ^(−k/(n−1)) (1 for n = 1): the spectrum <see cref="Create"/> builds, largest first.</summary>
    public static double Eigenvalue(int k, int n, double condition) => n == 1 ? 1.0 : Math.Pow(condition, -(double)k / (n - 1));

    /// <summary>Q = H₁·S·H₂ (row-major), O(n²).</summary>
    private static double[] Orthogonal(int n, Random random)
    {
        var q = new double[n * n];
        double scale = Math.Sqrt(2.0 / (n + 1));
        for (int j = 0; j < n; j++)
        {
            for (int k = 0; k < n; k++)
            {
                q[j * n + k] = scale * Math.Sin((j + 1.0) * (k + 1.0) * Math.PI / (n + 1));
            }
        }
        // H₁·S: each column c ← c − 2u(uᵀc)/(uᵀu).
        double[] u = Gaussian(n, random);
        double uu = EighValidation.Dot(u, u);
        var uq = new double[n];
        for (int j = 0; j < n; j++)
        {
            for (int k = 0; k < n; k++)
            {
                uq[k] += u[j] * q[j * n + k];
            }
        }
        for (int j = 0; j < n; j++)
        {
            double factor = 2 * u[j] / uu;
            for (int k = 0; k < n; k++)
            {
                q[j * n + k] -= factor * uq[k];
            }
        }
        // (H₁·S)·H₂: each row r ← r − 2(r·u)uᵀ/(uᵀu).
        u = Gaussian(n, random);
        uu = EighValidation.Dot(u, u);
        for (int j = 0; j < n; j++)
        {
            double factor = 2 * EighValidation.Dot(q.AsSpan(j * n, n), u) / uu;
            for (int k = 0; k < n; k++)
            {
                q[j * n + k] -= factor * u[k];
            }
        }
        return q;
    }

    /// <summary>n standard normal deviates (Box–Muller).</summary>
    private static double[] Gaussian(int n, Random random)
    {
        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            x[i] = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
        return x;
    }
}
