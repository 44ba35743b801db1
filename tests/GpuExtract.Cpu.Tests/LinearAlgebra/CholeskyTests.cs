using GpuExtract.Cpu.LinearAlgebra;
using static GpuExtract.Cpu.Tests.LinearAlgebra.TestMatrices;

namespace GpuExtract.Cpu.Tests.LinearAlgebra;

/// <summary>Cholesky factor, solve and inverse of each <see cref="ILapack"/> against closed forms.</summary>
public sealed class CholeskyTests
{
    public static TheoryData<string> Implementations => LapackImplementations.Names;

    [SkippableTheory]
    [MemberData(nameof(Implementations))]
    public void CholeskyFactor_OfIntegerMatrix_GivesItsExactFactor(string implementation)
    {
        ILapack lapack = LapackImplementations.Create(implementation);
        // A = L·Lᵀ with L = [[2, 0, 0], [6, 1, 0], [−8, 5, 3]]: every step is exact in floating point.
        double[] a = [4, 12, -16, 12, 37, -43, -16, -43, 98];
        double[] expected = [2, 6, 1, -8, 5, 3];

        Assert.True(lapack.CholeskyFactor(a, 3));

        double[] lower = [a[0], a[3], a[4], a[6], a[7], a[8]];
        Assert.True(MaxAbsDifference(lower, expected) == 0, $"L = [{string.Join(", ", lower)}], expected [{string.Join(", ", expected)}]");
    }

    [SkippableTheory]
    [MemberData(nameof(Implementations))]
    public void CholeskyFactor_RecoversTheFactorItWasBuiltFrom(string implementation)
    {
        ILapack lapack = LapackImplementations.Create(implementation);
        var random = new Random(11);
        foreach (int n in new[] { 1, 5, 74, 300 })
        {
            // Diagonal in [1, 2], off-diagonal in ±0.3/√n: A = L·Lᵀ is well conditioned (κ ≲ 20), so the
            // factor is determined to about n·ε·κ ≈ 1e-12 relative.
            var l = new double[n * n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < i; j++)
                {
                    l[i * n + j] = (2 * random.NextDouble() - 1) * 0.3 / Math.Sqrt(n);
                }
                l[i * n + i] = 1 + random.NextDouble();
            }
            var lt = new double[n * n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    lt[i * n + j] = l[j * n + i];
                }
            }
            double[] a = Multiply(l, lt, n);

            Assert.True(lapack.CholeskyFactor(a, n), $"n = {n}: reported not positive definite");

            double error = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j <= i; j++)
                {
                    error = Math.Max(error, Math.Abs(a[i * n + j] - l[i * n + j]));
                }
            }
            Assert.True(error <= 1e-12 * MaxAbs(l), $"n = {n}: max |L − L_true| = {error:E3} > 1e-12·max|L|");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Implementations))]
    public void CholeskySolve_ReproducesKnownSolution(string implementation)
    {
        ILapack lapack = LapackImplementations.Create(implementation);
        var random = new Random(5);
        foreach (int n in new[] { 1, 7, 74, 500 })
        {
            const double Condition = 1e6;
            (double[] a, _) = Spd(Spectrum.Geometric, n, Condition, seed: 5);
            var x = new double[n];
            for (int i = 0; i < n; i++)
            {
                x[i] = 2 * random.NextDouble() - 1;
            }
            var b = new double[n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    b[i] += a[i * n + j] * x[j];
                }
            }

            Assert.True(lapack.CholeskyFactor(a, n));
            lapack.CholeskySolve(a, n, b);

            // Forward error of a backward-stable solve: ≲ n·ε·κ·‖x‖ (here ≤ 500·1.1e-16·1e6 ≈ 6e-8).
            double error = MaxAbsDifference(b, x);
            double bound = n * UnitRoundoff * Condition * MaxAbs(x);
            Assert.True(error <= bound, $"n = {n}: max |x − x_true| = {error:E3} > n·ε·κ·max|x| = {bound:E3}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Implementations))]
    public void CholeskyInverse_TimesMatrixIsIdentity(string implementation)
    {
        ILapack lapack = LapackImplementations.Create(implementation);
        foreach (int n in new[] { 1, 5, 74, 500 })
        {
            foreach (double condition in new[] { 1e2, 1e8 })
            {
                (double[] a, _) = Spd(Spectrum.Geometric, n, condition, seed: 3);
                double[] inverse = (double[])a.Clone();

                Assert.True(lapack.CholeskyFactor(inverse, n));
                lapack.CholeskyInverse(inverse, n);

                // Both triangles are filled and equal.
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < i; j++)
                    {
                        Assert.True(inverse[i * n + j] == inverse[j * n + i], $"n = {n}: inverse not symmetric at ({i}, {j})");
                    }
                }
                // ‖A·A⁻¹ − I‖ ≤ n·ε·κ for a backward-stable inverse (normwise bound; max|A| = O(1) here).
                double[] product = Multiply(a, inverse, n);
                for (int i = 0; i < n; i++)
                {
                    product[i * n + i] -= 1;
                }
                double error = MaxAbs(product);
                double bound = n * UnitRoundoff * condition;
                Assert.True(error <= bound, $"n = {n}, κ = {condition:E0}: max |A·A⁻¹ − I| = {error:E3} > n·ε·κ = {bound:E3}");
            }
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Implementations))]
    public void CholeskyFactor_ReturnsFalseWhenNotPositiveDefinite(string implementation)
    {
        ILapack lapack = LapackImplementations.Create(implementation);
        var random = new Random(8);
        int n = 40;

        double[] spectrum = EvenSpectrum(n, 10);
        spectrum[17] = -1e-3; // one negative eigenvalue
        double[] indefinite = WithSpectrum(spectrum, random);
        Assert.False(lapack.CholeskyFactor(indefinite, n), "indefinite matrix (one eigenvalue −1e-3) was factored");

        // Singular with an exactly zero pivot (a rounded Q·diag·Qᵀ could give a tiny positive one).
        double[] singular = [1, 1, 1, 1];
        Assert.False(lapack.CholeskyFactor(singular, 2), "singular [[1, 1], [1, 1]] was factored");

        double[] negativeDiagonal = [-4, 0, 0, 9];
        Assert.False(lapack.CholeskyFactor(negativeDiagonal, 2), "diag(−4, 9) was factored");

        double[] withNaN = WithSpectrum(EvenSpectrum(n, 10), random);
        withNaN[5 * n + 5] = double.NaN;
        Assert.False(lapack.CholeskyFactor(withNaN, n), "matrix with NaN on the diagonal was factored");
    }
}
