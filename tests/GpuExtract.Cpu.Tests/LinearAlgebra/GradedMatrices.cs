namespace GpuExtract.Cpu.Tests.LinearAlgebra;

/// <summary>
/// Strongly graded SPD test matrices (row-major n × n), shaped like the per-fiber covariance blocks
/// C_bb of a patch: most eigenvalues tiny next to a few large ones. Built in test code only.
/// </summary>
internal static class GradedMatrices
{
    /// <summary>How <see cref="Graded"/> spaces the scale factors d_i.</summary>
    public enum Grading
    {
        /// <summary>d_i from 1e-6 (first row) up to 1 (last row).</summary>
        Increasing,

        /// <summary>d_i from 1 (first row) down to 1e-6 (last row).</summary>
        Decreasing,

        /// <summary>d_i = 1e-6^U with U uniform in [0, 1), in random order.</summary>
        Random,
    }

    /// <summary>
    /// A = D·Q·diag(λ)·Qᵀ·D with D = diag(d), d spanning 1e-6..1 as <paramref name="grading"/> says, λ uniform
    /// in [0.5, 1.5] and Q random orthogonal: eigenvalues from ≈ 1e-12 to ≈ 1, each determined by the
    /// entries to about its own size (H = Q·diag(λ)·Qᵀ has κ ≤ 3).
    /// </summary>
    public static double[] Graded(Grading grading, int n, int seed)
    {
        var random = new Random(seed);
        var lambda = new double[n];
        for (int k = 0; k < n; k++)
        {
            lambda[k] = 0.5 + random.NextDouble();
        }
        var d = new double[n];
        for (int i = 0; i < n; i++)
        {
            double t = n == 1 ? 0 : (double)i / (n - 1);
            d[i] = grading switch
            {
                Grading.Increasing => Math.Pow(1e-6, 1 - t),
                Grading.Decreasing => Math.Pow(1e-6, t),
                _ => Math.Pow(1e-6, random.NextDouble()),
            };
        }
        return ScaledSpectrum(d, lambda, random);
    }

    /// <summary>
    /// The matrix that made the managed QL iteration give up ("eigenvalue 0 of 100 did not converge after 50
    /// QL sweeps" for seeds 3–8 at n = 100; 7, 10, 19 and 28 at n = 74): 1e-3·D·Q·diag(λ)·Qᵀ·D where the 5 middle rows have d = 1 and
    /// all others d = 1e-4, and half of λ is exactly 1 (the rest uniform in [0.5, 1.5]). Its eigenvalues:
    /// 5 near 1e-3 and n − 5 near 1e-11, a third of them an exact cluster at 1e-11, like a covariance block
    /// with a few bins at 1e8 times the variance of the rest. Sweeps between the small eigenvalues then
    /// pass through the large rows and leave rounding noise of u·‖A‖ in the off-diagonal that a split test
    /// relative to the small diagonal entries never accepts.
    /// </summary>
    public static double[] ClusteredSmallEigenvalues(int n, int seed)
    {
        var random = new Random(seed);
        var lambda = new double[n];
        for (int k = 0; k < n; k++)
        {
            lambda[k] = random.NextDouble() < 0.5 ? 1 : 0.5 + random.NextDouble();
        }
        var d = new double[n];
        for (int i = 0; i < n; i++)
        {
            d[i] = Math.Abs(i - n / 2) <= 2 ? 1 : 1e-4;
        }
        double[] a = ScaledSpectrum(d, lambda, random);
        for (int i = 0; i < a.Length; i++)
        {
            a[i] *= 1e-3;
        }
        return a;
    }

    /// <summary>
    /// A covariance block as extraction produces it: C = iCov⁻¹ for a banded SPD iCov (half-bandwidth 6–12,
    /// Gaussian fall-off like spot overlaps, diagonally dominant, entries ≈ 1e11) whose first and last few
    /// bins (1–6 each: pad bins falling off the pixel box) keep only a 1e-4 share of their coupling and have
    /// the regularisation minweight² ≈ 1e-8 of a normal diagonal. C then has entries ≈ 1e-3 at the pad bins
    /// and ≈ 1e-11 elsewhere. The inverse is formed here by a plain Cholesky, independently of the code under test.
    /// </summary>
    public static double[] CovarianceBlockWithPadBins(int n, int seed)
    {
        var random = new Random(seed);
        int halfBandwidth = 6 + random.Next(7);
        var icov = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = Math.Max(0, i - halfBandwidth); j < i; j++)
            {
                double overlap = Math.Exp(-0.08 * (i - j) * (i - j)) * (0.3 + random.NextDouble());
                icov[i * n + j] = overlap;
                icov[j * n + i] = overlap;
            }
        }
        for (int i = 0; i < n; i++)
        {
            double offSum = 0;
            for (int j = 0; j < n; j++)
            {
                offSum += j == i ? 0 : Math.Abs(icov[i * n + j]);
            }
            icov[i * n + i] = offSum * (1 + 0.2 * random.NextDouble());
        }
        double minWeightSquared = 1e-8 * icov[(n / 2) * n + n / 2];
        int firstPads = 1 + random.Next(6);
        int lastPads = 1 + random.Next(6);
        for (int i = 0; i < n; i++)
        {
            if (i >= firstPads && i < n - lastPads)
            {
                continue;
            }
            double share = 1e-4 * random.NextDouble();
            for (int j = 0; j < n; j++)
            {
                icov[i * n + j] *= share;
                icov[j * n + i] *= share;
            }
            icov[i * n + i] = minWeightSquared;
        }
        for (int i = 0; i < icov.Length; i++)
        {
            icov[i] *= 1e11;
        }
        return SpdInverse(icov, n);
    }

    /// <summary>D·Q·diag(λ)·Qᵀ·D, exactly symmetric.</summary>
    private static double[] ScaledSpectrum(double[] d, double[] lambda, Random random)
    {
        int n = d.Length;
        double[] a = TestMatrices.WithSpectrum(lambda, random);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                a[i * n + j] *= d[i] * d[j];
            }
        }
        return a;
    }

    /// <summary>A⁻¹ of a row-major SPD matrix by textbook Cholesky and two triangular solves per column.</summary>
    public static double[] SpdInverse(ReadOnlySpan<double> a, int n)
    {
        var l = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i * n + j];
                for (int k = 0; k < j; k++)
                {
                    sum -= l[i * n + k] * l[j * n + k];
                }
                l[i * n + j] = i == j ? Math.Sqrt(sum) : sum / l[j * n + j];
            }
        }
        var inverse = new double[n * n];
        var x = new double[n];
        for (int c = 0; c < n; c++)
        {
            // L·y = e_c, then Lᵀ·x = y.
            for (int i = 0; i < n; i++)
            {
                double sum = i == c ? 1 : 0;
                for (int k = 0; k < i; k++)
                {
                    sum -= l[i * n + k] * x[k];
                }
                x[i] = sum / l[i * n + i];
            }
            for (int i = n - 1; i >= 0; i--)
            {
                double sum = x[i];
                for (int k = i + 1; k < n; k++)
                {
                    sum -= l[k * n + i] * x[k];
                }
                x[i] = sum / l[i * n + i];
            }
            for (int i = 0; i < n; i++)
            {
                inverse[i * n + c] = x[i];
            }
        }
        // Exactly symmetric, as extraction's inverse is.
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                double mean = 0.5 * (inverse[i * n + j] + inverse[j * n + i]);
                inverse[i * n + j] = mean;
                inverse[j * n + i] = mean;
            }
        }
        return inverse;
    }
}
