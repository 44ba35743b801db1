using System.Collections.Concurrent;

namespace GpuExtract.Cpu.Tests.LinearAlgebra;

/// <summary>
/// Test matrices with known factors or spectra, built independently of the code under test
/// (sine transform and random reflections, explicit products), row-major n × n.
/// </summary>
internal static class TestMatrices
{
    /// <summary>Unit roundoff of double, 2⁻⁵³.</summary>
    public const double UnitRoundoff = 1.1102230246251565e-16;

    /// <summary>
    /// A dense random orthogonal matrix Q = H₁·S·H₂ (row-major): S is the orthogonal sine-transform matrix
    /// S[j, k] = √(2/(n+1))·sin((j+1)(k+1)π/(n+1)) and H₁, H₂ are reflections I − 2uuᵀ/uᵀu about Gaussian
    /// u. Built in O(n²), unlike Gram–Schmidt's O(n³), which keeps the n = 500–600 tests fast; the
    /// reflections make the eigenvectors dense and unstructured (no entry is special to the solvers).
    /// </summary>
    public static double[] RandomOrthogonal(int n, Random random)
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
        // Left reflection: each column c ← c − 2u(uᵀc)/(uᵀu).
        double[] u = GaussianVector(n, random);
        double uu = Dot(u, u);
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
            for (int k = 0; k < n; k++)
            {
                q[j * n + k] -= 2 * u[j] * uq[k] / uu;
            }
        }
        // Right reflection: each row r ← r − 2(r·u)uᵀ/(uᵀu).
        u = GaussianVector(n, random);
        uu = Dot(u, u);
        for (int j = 0; j < n; j++)
        {
            double ru = Dot(q.AsSpan(j * n, n), u);
            for (int k = 0; k < n; k++)
            {
                q[j * n + k] -= 2 * ru * u[k] / uu;
            }
        }
        return q;
    }

    /// <summary>
    /// A = Q·diag(λ)·Qᵀ for a random orthogonal Q, exactly symmetric, and the λ it was built from;
    /// memoised per (spectrum, n, κ, seed) because building costs n³/2 and several tests and
    /// implementations share one matrix. Returns fresh copies, free to overwrite.
    /// </summary>
    public static (double[] Matrix, double[] Spectrum) Spd(Spectrum kind, int n, double condition, int seed)
    {
        var built = Built.GetOrAdd((kind, n, condition, seed), key => new Lazy<(double[], double[])>(() =>
        {
            var random = new Random(key.Seed);
            double[] lambda = key.Kind == Spectrum.Geometric ? GeometricSpectrum(key.N, key.Condition, random) : EvenSpectrum(key.N, key.Condition);
            return (WithSpectrum(lambda, random), lambda);
        })).Value;
        return ((double[])built.Item1.Clone(), (double[])built.Item2.Clone());
    }

    /// <summary>How <see cref="Spd"/> spaces the eigenvalues.</summary>
    public enum Spectrum
    {
        /// <summary><see cref="GeometricSpectrum"/>: 1 … 1/κ, ill-conditioned eigenvectors at the small end.</summary>
        Geometric,

        /// <summary><see cref="EvenSpectrum"/>: 1 … κ evenly, well-separated eigenvalues.</summary>
        Even,
    }

    private static readonly ConcurrentDictionary<(Spectrum Kind, int N, double Condition, int Seed), Lazy<(double[], double[])>> Built = new();

    /// <summary>A = Q·diag(λ)·Qᵀ for a random orthogonal Q, exactly symmetric (lower triangle mirrored).</summary>
    public static double[] WithSpectrum(double[] eigenvalues, Random random)
    {
        int n = eigenvalues.Length;
        double[] q = RandomOrthogonal(n, random);
        var scaled = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < n; k++)
            {
                scaled[i * n + k] = q[i * n + k] * eigenvalues[k];
            }
        }
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = Dot(scaled.AsSpan(i * n, n), q.AsSpan(j * n, n));
                a[i * n + j] = sum;
                a[j * n + i] = sum;
            }
        }
        return a;
    }

    /// <summary>λ_k = cond^(−k/(n−1)), k = 0..n−1: geometric from 1 down to 1/cond, shuffled.</summary>
    public static double[] GeometricSpectrum(int n, double condition, Random random)
    {
        var lambda = new double[n];
        for (int k = 0; k < n; k++)
        {
            lambda[k] = n == 1 ? 1 : Math.Pow(condition, -(double)k / (n - 1));
        }
        random.Shuffle(lambda);
        return lambda;
    }

    /// <summary>λ_k = 1 + k·(cond − 1)/(n − 1): evenly spaced, so eigenvectors are well determined.</summary>
    public static double[] EvenSpectrum(int n, double condition)
    {
        var lambda = new double[n];
        for (int k = 0; k < n; k++)
        {
            lambda[k] = n == 1 ? 1 : 1 + k * (condition - 1) / (n - 1);
        }
        return lambda;
    }

    /// <summary>C = A·B for row-major n × n matrices (plain triple loop, the independent reference).</summary>
    public static double[] Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int n)
    {
        var c = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < n; k++)
            {
                double aik = a[i * n + k];
                for (int j = 0; j < n; j++)
                {
                    c[i * n + j] += aik * b[k * n + j];
                }
            }
        }
        return c;
    }

    /// <summary>Largest |x[i] − y[i]|.</summary>
    public static double MaxAbsDifference(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double max = 0;
        for (int i = 0; i < x.Length; i++)
        {
            max = Math.Max(max, Math.Abs(x[i] - y[i]));
        }
        return max;
    }

    /// <summary>Largest |x[i]|.</summary>
    public static double MaxAbs(ReadOnlySpan<double> x)
    {
        double max = 0;
        foreach (double value in x)
        {
            max = Math.Max(max, Math.Abs(value));
        }
        return max;
    }

    /// <summary>
    /// Largest over k of ‖A·v_k − λ_k·v_k‖₂ / max|λ|, with v_k column k of the row-major V.
    /// </summary>
    public static double EigenResidual(ReadOnlySpan<double> a, ReadOnlySpan<double> v, ReadOnlySpan<double> lambda, int n)
    {
        double[] av = Multiply(a, v, n);
        double norm = MaxAbs(lambda);
        double worst = 0;
        for (int k = 0; k < n; k++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                double r = av[i * n + k] - lambda[k] * v[i * n + k];
                sum += r * r;
            }
            worst = Math.Max(worst, Math.Sqrt(sum) / norm);
        }
        return worst;
    }

    /// <summary>Largest |(VᵀV − I)[j, k]| for the row-major V.</summary>
    public static double OrthonormalityError(ReadOnlySpan<double> v, int n)
    {
        double worst = 0;
        for (int j = 0; j < n; j++)
        {
            for (int k = j; k < n; k++)
            {
                double sum = 0;
                for (int i = 0; i < n; i++)
                {
                    sum += v[i * n + j] * v[i * n + k];
                }
                worst = Math.Max(worst, Math.Abs(sum - (j == k ? 1 : 0)));
            }
        }
        return worst;
    }

    /// <summary>
    /// Largest difference between columns of two eigenvector matrices, each column's sign chosen to
    /// match (eigenvectors are defined up to sign).
    /// </summary>
    public static double MaxEigenvectorDifference(ReadOnlySpan<double> v, ReadOnlySpan<double> w, int n)
    {
        double worst = 0;
        for (int k = 0; k < n; k++)
        {
            double dot = 0;
            for (int i = 0; i < n; i++)
            {
                dot += v[i * n + k] * w[i * n + k];
            }
            double sign = dot < 0 ? -1 : 1;
            for (int i = 0; i < n; i++)
            {
                worst = Math.Max(worst, Math.Abs(v[i * n + k] - sign * w[i * n + k]));
            }
        }
        return worst;
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }
        return sum;
    }

    private static double[] GaussianVector(int n, Random random)
    {
        var u = new double[n];
        for (int i = 0; i < n; i++)
        {
            u[i] = Gaussian(random);
        }
        return u;
    }

    private static double Gaussian(Random random)
    {
        // Box–Muller; 1 − U keeps the logarithm finite.
        double u = 1 - random.NextDouble();
        double v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}
