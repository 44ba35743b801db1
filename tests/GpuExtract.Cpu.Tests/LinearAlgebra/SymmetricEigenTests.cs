using GpuExtract.Cpu.LinearAlgebra;
using static GpuExtract.Cpu.Tests.LinearAlgebra.TestMatrices;

namespace GpuExtract.Cpu.Tests.LinearAlgebra;

/// <summary>Symmetric eigen-decomposition of each <see cref="ILapack"/> against closed forms.</summary>
public sealed class SymmetricEigenTests
{
    public static TheoryData<string> Implementations => LapackImplementations.EigenNames;

    [SkippableTheory]
    [MemberData(nameof(Implementations))]
    public void SymmetricEigen_OfDiagonalMatrix_SortsItsEntries(string implementation)
    {
        ILapack lapack = LapackImplementations.Create(implementation);
        double[] entries = [3, -1, 7.5, 0.25, 2, -6];
        int n = entries.Length;
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            a[i * n + i] = entries[i];
        }
        var lambda = new double[n];

        lapack.SymmetricEigen(a, n, lambda);

        // Nothing to rotate: exact eigenvalues, and eigenvector k is ±e_(index of the k-th smallest entry).
        double[] sorted = (double[])entries.Clone();
        Array.Sort(sorted);
        Assert.True(MaxAbsDifference(lambda, sorted) == 0, $"λ = [{string.Join(", ", lambda)}]");
        for (int k = 0; k < n; k++)
        {
            int source = Array.IndexOf(entries, sorted[k]);
            for (int i = 0; i < n; i++)
            {
                double expected = i == source ? 1 : 0;
                Assert.True(Math.Abs(Math.Abs(a[i * n + k]) - expected) <= 1e-15, $"V[{i}, {k}] = {a[i * n + k]}, expected ±{expected}");
            }
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Implementations))]
    public void SymmetricEigen_OfTwoByTwo_MatchesClosedForm(string implementation)
    {
        ILapack lapack = LapackImplementations.Create(implementation);
        const double P = 2.5;
        const double Q = -1.25;
        const double R = 0.75;
        double[] a = [P, Q, Q, R];
        var lambda = new double[2];

        lapack.SymmetricEigen(a, 2, lambda);

        // λ = (p + r)/2 ∓ √(((p − r)/2)² + q²); eigenvector of λ: (q, λ − p) normalised.
        double mean = (P + R) / 2;
        double radius = Math.Sqrt((P - R) * (P - R) / 4 + Q * Q);
        double[] expected = [mean - radius, mean + radius];
        Assert.True(MaxAbsDifference(lambda, expected) <= 4 * UnitRoundoff * radius, $"λ = [{lambda[0]}, {lambda[1]}], expected [{expected[0]}, {expected[1]}]");
        for (int k = 0; k < 2; k++)
        {
            double x = Q;
            double y = expected[k] - P;
            double norm = Math.Sqrt(x * x + y * y);
            double[] v = [a[k], a[2 + k]];
            double sign = Math.Sign(v[0] * x + v[1] * y);
            double error = Math.Max(Math.Abs(v[0] - sign * x / norm), Math.Abs(v[1] - sign * y / norm));
            Assert.True(error <= 1e-15, $"eigenvector {k}: ({v[0]}, {v[1]}) vs ±({x / norm}, {y / norm}), error {error:E3}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Implementations))]
    public void SymmetricEigen_OfTridiagonalToeplitz_MatchesClosedForm(string implementation)
    {
        ILapack lapack = LapackImplementations.Create(implementation);
        foreach (int n in new[] { 3, 74, 500 })
        {
            // tridiag(−1, 2, −1): λ_k = 2 − 2·cos(kπ/(n+1)), v_k[j] = √(2/(n+1))·sin(jkπ/(n+1)), k, j = 1..n.
            var a = new double[n * n];
            for (int i = 0; i < n; i++)
            {
                a[i * n + i] = 2;
                if (i > 0)
                {
                    a[i * n + i - 1] = -1;
                    a[(i - 1) * n + i] = -1;
                }
            }
            var lambda = new double[n];

            lapack.SymmetricEigen(a, n, lambda);

            var expectedLambda = new double[n];
            var expectedVectors = new double[n * n];
            for (int k = 0; k < n; k++)
            {
                expectedLambda[k] = 2 - 2 * Math.Cos((k + 1) * Math.PI / (n + 1));
                for (int j = 0; j < n; j++)
                {
                    expectedVectors[j * n + k] = Math.Sqrt(2.0 / (n + 1)) * Math.Sin((j + 1) * (k + 1) * Math.PI / (n + 1));
                }
            }
            // Eigenvalues: backward error ≲ n·ε·‖A‖ with ‖A‖ ≤ 4, so 1e-12 absolute holds for n ≤ 600.
            double valueError = MaxAbsDifference(lambda, expectedLambda);
            Assert.True(valueError <= 1e-12, $"n = {n}: max |λ − λ_exact| = {valueError:E3} > 1e-12");
            // Eigenvectors: error ≲ n·ε·‖A‖ / gap; the smallest gap is ≈ 3π²/(n+1)² (1.2e-4 at n = 500),
            // giving ≈ 2e-9 at n = 500: tolerance 1e-8 there.
            double gap = 2 * (Math.Cos(Math.PI / (n + 1)) - Math.Cos(2 * Math.PI / (n + 1)));
            double tolerance = Math.Max(1e-13, n * UnitRoundoff * 4 / gap);
            double vectorError = MaxEigenvectorDifference(a, expectedVectors, n);
            Assert.True(vectorError <= tolerance, $"n = {n}: max eigenvector difference {vectorError:E3} > {tolerance:E3}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Implementations))]
    public void SymmetricEigen_OfIllConditionedSpd_HasSmallResidualAndOrthonormalVectors(string implementation)
    {
        ILapack lapack = LapackImplementations.Create(implementation);
        foreach (int n in new[] { 1, 2, 4, 5, 74, 600 })
        {
            const double Condition = 1e8;
            (double[] a, double[] spectrum) = Spd(Spectrum.Geometric, n, Condition, seed: 17);
            double[] v = (double[])a.Clone();
            var lambda = new double[n];

            lapack.SymmetricEigen(v, n, lambda);

            // Backward stability: ‖A·v − λ·v‖ and ‖VᵀV − I‖ are O(n·ε)·‖A‖ ≈ 7e-14 at n = 600; 1e-12 leaves
            // a margin of 15 and still fails for any real error (a wrong rotation gives O(1)).
            double residual = EigenResidual(a, v, lambda, n);
            Assert.True(residual <= 1e-12, $"n = {n}: max ‖A·v − λ·v‖/‖A‖ = {residual:E3} > 1e-12");
            double orthonormality = OrthonormalityError(v, n);
            Assert.True(orthonormality <= 1e-12, $"n = {n}: max |VᵀV − I| = {orthonormality:E3} > 1e-12");
            // Eigenvalues are ascending and, up to the rounding of forming A (n·ε·‖A‖), the spectrum it was built from.
            double[] sorted = (double[])spectrum.Clone();
            Array.Sort(sorted);
            for (int k = 1; k < n; k++)
            {
                Assert.True(lambda[k - 1] <= lambda[k], $"n = {n}: eigenvalues not ascending at {k}");
            }
            double valueError = MaxAbsDifference(lambda, sorted);
            Assert.True(valueError <= 1e-12, $"n = {n}: max |λ − λ_built| = {valueError:E3} > 1e-12·‖A‖");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Implementations))]
    public void SymmetricEigen_WithRepeatedEigenvalues_StillGivesOrthonormalBasis(string implementation)
    {
        ILapack lapack = LapackImplementations.Create(implementation);
        var random = new Random(23);
        int n = 60;
        // Three clusters of exactly equal eigenvalues: eigenvectors are not unique, but any returned basis
        // must still be orthonormal and satisfy A·V = V·Λ.
        var spectrum = new double[n];
        for (int k = 0; k < n; k++)
        {
            spectrum[k] = k % 3 + 1;
        }
        double[] a = WithSpectrum(spectrum, random);
        double[] v = (double[])a.Clone();
        var lambda = new double[n];

        lapack.SymmetricEigen(v, n, lambda);

        double residual = EigenResidual(a, v, lambda, n);
        Assert.True(residual <= 1e-12, $"max ‖A·v − λ·v‖/‖A‖ = {residual:E3} > 1e-12");
        double orthonormality = OrthonormalityError(v, n);
        Assert.True(orthonormality <= 1e-12, $"max |VᵀV − I| = {orthonormality:E3} > 1e-12");
    }
}
