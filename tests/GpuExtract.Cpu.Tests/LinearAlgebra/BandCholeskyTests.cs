using GpuExtract.Cpu.LinearAlgebra;
using Xunit.Abstractions;
using static GpuExtract.Cpu.Tests.LinearAlgebra.TestMatrices;

namespace GpuExtract.Cpu.Tests.LinearAlgebra;

/// <summary>
/// Band Cholesky factor, solve and selected inverse blocks of each <see cref="ILapack"/>, against closed
/// forms, the reconstruction L·Lᵀ and the dense inverse of both implementations.
/// </summary>
public sealed class BandCholeskyTests(ITestOutputHelper output)
{
    public static TheoryData<string> Implementations => LapackImplementations.Names;

    [SkippableTheory]
    [MemberData(nameof(Implementations))]
    public void BandCholeskyFactor_OfIntegerMatrix_GivesItsExactFactor(string implementation)
    {
        ILapack lapack = LapackImplementations.Create(implementation);
        // A = L·Lᵀ with the bidiagonal L = [[2, 0, 0, 0], [1, 3, 0, 0], [0, −2, 1, 0], [0, 0, 4, 2]]: kd = 1, exact.
        // Band rows hold (A[i, i−1], A[i, i]); the first entry of row 0 is not referenced (NaN here to prove it).
        double[] band = [double.NaN, 4, 2, 10, -6, 5, 4, 20];
        double[] expected = [2, 1, 3, -2, 1, 4, 2];

        Assert.True(lapack.BandCholeskyFactor(band, 4, 1));

        double[] factor = band[1..];
        Assert.True(MaxAbsDifference(factor, expected) == 0, $"L band = [{string.Join(", ", factor)}], expected [{string.Join(", ", expected)}]");
    }

    [SkippableTheory]
    [MemberData(nameof(Implementations))]
    public void BandCholeskyFactor_ReproducesTheMatrix(string implementation)
    {
        ILapack lapack = LapackImplementations.Create(implementation);
        foreach ((int n, int kd) in new[] { (1, 0), (7, 3), (50, 0), (60, 59), (60, 80), (300, 17) })
        {
            double[] a = RandomBandSpd(n, kd, seed: n + kd);
            int stored = Math.Min(kd, Math.Max(n - 1, 0));
            double[] band = PatchLikeNormalMatrix.ToBand(a, n, kd);

            Assert.True(lapack.BandCholeskyFactor(band, n, kd), $"n = {n}, kd = {kd}: reported not positive definite");

            // L·Lᵀ from the band, in plain loops: the backward error of Cholesky is about (kd+1)·u·|L|·|Lᵀ|, 9e-15·max|A| at
            // kd = 80 for these diagonally dominant matrices.
            double worst = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = Math.Max(0, i - stored); j <= i; j++)
                {
                    double sum = 0;
                    for (int k = Math.Max(0, i - stored); k <= j; k++)
                    {
                        sum += band[i * (kd + 1) + kd - (i - k)] * band[j * (kd + 1) + kd - (j - k)];
                    }
                    worst = Math.Max(worst, Math.Abs(sum - a[i * n + j]));
                }
            }
            double relative = worst / MaxAbs(a);
            Assert.True(relative <= 1e-13, $"n = {n}, kd = {kd}: max |L·Lᵀ − A|/max|A| = {relative:E3} > 1e-13");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Implementations))]
    public void BandCholeskyFactor_ReturnsFalseWhenNotPositiveDefinite(string implementation)
    {
        ILapack lapack = LapackImplementations.Create(implementation);
        // tridiag(1, 1, 1) of order 4 has the eigenvalue 1 + 2·cos(3π/5) < 0.
        double[] band = [0, 1, 1, 1, 1, 1, 1, 1];
        Assert.False(lapack.BandCholeskyFactor(band, 4, 1));
        double[] withNaN = [0, 4, 1, double.NaN, 1, 4, 1, 4];
        Assert.False(lapack.BandCholeskyFactor(withNaN, 4, 1));
    }

    [SkippableTheory]
    [MemberData(nameof(Implementations))]
    public void BandCholeskySolve_ReproducesKnownSolution(string implementation)
    {
        ILapack lapack = LapackImplementations.Create(implementation);
        const int N = 400;
        const int Kd = 25;
        double[] a = RandomBandSpd(N, Kd, seed: 5);
        var x = new double[N];
        for (int i = 0; i < N; i++)
        {
            x[i] = Math.Cos(0.37 * i) + 0.5;
        }
        var b = new double[N];
        for (int i = 0; i < N; i++)
        {
            for (int j = 0; j < N; j++)
            {
                b[i] += a[i * N + j] * x[j];
            }
        }
        double[] band = PatchLikeNormalMatrix.ToBand(a, N, Kd);

        Assert.True(lapack.BandCholeskyFactor(band, N, Kd));
        lapack.BandCholeskySolve(band, N, Kd, b);

        // κ(A) ≲ 3 by construction (diagonally dominant): the solution is good to a few n·u.
        double error = MaxAbsDifference(b, x) / MaxAbs(x);
        Assert.True(error <= 1e-13, $"max |x − x_true|/max|x_true| = {error:E3} > 1e-13");
    }

    [SkippableTheory]
    [MemberData(nameof(Implementations))]
    public void BandCholeskyInverseBlocks_OfPatchLikeMatrix_MatchDenseInverse(string implementation)
    {
        // A synthetic patch's normal matrix in wavelength-major order (7 fibers × 74 bins, n = 518, 6 pad bins
        // off the box at each end), and the fiber blocks the signal decorrelation needs (the 5 kept fibers
        // 1..5): S_f = {w·7 + f}. Compared with the dense inverse (dpotrf + dpotri, and the managed pair)
        // entrywise at 1e-12·√(C_rr·C_ss), the scale of a covariance entry (a blockwise max|ΔC|/max|C| would
        // only see the 1/minweight² pad entries), and at 1e-12 of each block's largest entry. Both inverses
        // are backward stable with a scaled condition number ≈ 3e2: measured ≈ 2e-14 here, ≤ 7e-14 on the
        // 30 real bundle0 normal matrices.
        ILapack lapack = LapackImplementations.Create(implementation);
        const int Fibers = 7;
        const int Bins = 74;
        const int Kept = 5;
        (double[] icov, int kd) = PatchLikeNormalMatrix.Build(Fibers, Bins, padBins: 6, seed: 3);
        int n = Fibers * Bins;
        var indices = new int[Kept * Bins];
        for (int b = 0; b < Kept; b++)
        {
            for (int w = 0; w < Bins; w++)
            {
                indices[b * Bins + w] = w * Fibers + 1 + b;
            }
        }
        double[] band = PatchLikeNormalMatrix.ToBand(icov, n, kd);
        var blocks = new double[Kept * Bins * Bins];

        Assert.True(lapack.BandCholeskyFactor(band, n, kd));
        lapack.BandCholeskyInverseBlocks(band, n, kd, indices, Bins, Kept, blocks);

        var references = new List<(string Name, double[] Inverse)>();
        foreach (string name in LapackImplementations.Names)
        {
            if (name == "native" && !NativeLapack.TryCreate(out _, out _))
            {
                continue;
            }
            ILapack dense = LapackImplementations.Create(name);
            double[] inverse = (double[])icov.Clone();
            Assert.True(dense.CholeskyFactor(inverse, n));
            dense.CholeskyInverse(inverse, n);
            references.Add(($"dense {name}", inverse));
        }
        double diagonalMin = double.MaxValue;
        double diagonalMax = 0;
        for (int i = 0; i < n; i++)
        {
            diagonalMin = Math.Min(diagonalMin, icov[i * n + i]);
            diagonalMax = Math.Max(diagonalMax, icov[i * n + i]);
        }
        output.WriteLine($"n = {n}, kd = {kd}, iCov diagonal {diagonalMin:E2} … {diagonalMax:E2}");
        foreach ((string name, double[] inverse) in references)
        {
            double worstBlockwise = 0;
            double worstScaled = 0;
            for (int b = 0; b < Kept; b++)
            {
                double largest = 0;
                double difference = 0;
                for (int r = 0; r < Bins; r++)
                {
                    for (int s = 0; s < Bins; s++)
                    {
                        int i = indices[b * Bins + r];
                        int j = indices[b * Bins + s];
                        double expected = inverse[i * n + j];
                        double delta = Math.Abs(blocks[(b * Bins + r) * Bins + s] - expected);
                        largest = Math.Max(largest, Math.Abs(expected));
                        difference = Math.Max(difference, delta);
                        worstScaled = Math.Max(worstScaled, delta / Math.Sqrt(inverse[i * n + i] * inverse[j * n + j]));
                    }
                }
                worstBlockwise = Math.Max(worstBlockwise, difference / largest);
            }
            string figures = $"{implementation} band vs {name}: max |ΔC_bb|/max|C_bb| = {worstBlockwise:E3}, max |ΔC|/√(C_rr·C_ss) = {worstScaled:E3}";
            output.WriteLine(figures);
            Assert.True(worstBlockwise <= 1e-12 && worstScaled <= 1e-12, figures);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Implementations))]
    public void BandCholeskyInverseBlocks_OfTridiagonalToeplitz_MatchClosedForm(string implementation)
    {
        ILapack lapack = LapackImplementations.Create(implementation);
        // tridiag(−1, 2, −1) of order n: (A⁻¹)[i, j] = (min(i, j) + 1)·(n − max(i, j)) / (n + 1), 0-based.
        const int N = 40;
        var band = new double[N * 2];
        for (int i = 0; i < N; i++)
        {
            band[i * 2] = -1;
            band[i * 2 + 1] = 2;
        }
        int[] indices = [0, 5, 6, 39, 3, 4, 20, 38];
        var blocks = new double[2 * 4 * 4];

        Assert.True(lapack.BandCholeskyFactor(band, N, 1));
        indices.AsSpan(4, 4).Sort(); // each set strictly increasing: {3, 4, 20, 38}
        lapack.BandCholeskyInverseBlocks(band, N, 1, indices, 4, 2, blocks);

        double worst = 0;
        for (int c = 0; c < 2; c++)
        {
            for (int r = 0; r < 4; r++)
            {
                for (int s = 0; s < 4; s++)
                {
                    int i = indices[c * 4 + r];
                    int j = indices[c * 4 + s];
                    double expected = (Math.Min(i, j) + 1.0) * (N - Math.Max(i, j)) / (N + 1);
                    worst = Math.Max(worst, Math.Abs(blocks[(c * 4 + r) * 4 + s] - expected) / expected);
                }
            }
        }
        // κ(A) ≈ 4(n+1)²/π² ≈ 680: entries good to ≈ κ·u.
        Assert.True(worst <= 1e-12, $"max relative error of the inverse blocks = {worst:E3} > 1e-12");
    }

    [SkippableTheory]
    [MemberData(nameof(Implementations))]
    public void BandCholeskyInverseBlocks_RejectsBadIndexSets(string implementation)
    {
        ILapack lapack = LapackImplementations.Create(implementation);
        double[] band = [0, 2, -1, 2, -1, 2];
        Assert.True(lapack.BandCholeskyFactor(band, 3, 1));
        var blocks = new double[4];

        var notIncreasing = Assert.Throws<ArgumentException>(() => lapack.BandCholeskyInverseBlocks(band, 3, 1, [1, 1], 2, 1, blocks));
        Assert.Contains("strictly increasing", notIncreasing.Message);
        Assert.Throws<ArgumentException>(() => lapack.BandCholeskyInverseBlocks(band, 3, 1, [0, 3], 2, 1, blocks));
        Assert.Throws<ArgumentException>(() => lapack.BandCholeskyInverseBlocks(band, 3, 1, [0, 1], 2, 1, new double[3]));
        Assert.Throws<ArgumentException>(() => lapack.BandCholeskyFactor(new double[5], 3, 1));
    }

    [Fact]
    public void BandMembers_OfAnotherImplementation_DefaultToTheManagedKernels()
    {
        // An ILapack that implements only the dense members (a wrapper or test double) still gets working band
        // members from the interface's defaults, with the managed results.
        ILapack minimal = new DenseOnlyLapack();
        var managed = new ManagedLapack();
        (double[] icov, int kd) = PatchLikeNormalMatrix.Build(3, 20, padBins: 2, seed: 8);
        int n = 60;
        double[] bandDefault = PatchLikeNormalMatrix.ToBand(icov, n, kd);
        double[] bandManaged = (double[])bandDefault.Clone();
        int[] indices = [.. Enumerable.Range(0, 20).Select(w => 3 * w + 1)];
        var blocksDefault = new double[400];
        var blocksManaged = new double[400];
        var b = new double[n];
        b.AsSpan().Fill(1);
        double[] c = (double[])b.Clone();

        Assert.True(minimal.BandCholeskyFactor(bandDefault, n, kd));
        Assert.True(managed.BandCholeskyFactor(bandManaged, n, kd));
        minimal.BandCholeskySolve(bandDefault, n, kd, b);
        managed.BandCholeskySolve(bandManaged, n, kd, c);
        minimal.BandCholeskyInverseBlocks(bandDefault, n, kd, indices, 20, 1, blocksDefault);
        managed.BandCholeskyInverseBlocks(bandManaged, n, kd, indices, 20, 1, blocksManaged);

        Assert.Equal(bandManaged, bandDefault);
        Assert.Equal(c, b);
        Assert.Equal(blocksManaged, blocksDefault);
    }

    /// <summary>
    /// Symmetric band matrix with half-bandwidth kd, off-diagonals uniform in ±1 and a diagonal of twice the
    /// row's absolute off-diagonal sum plus 1: strictly diagonally dominant, so SPD with κ ≲ 3.
    /// </summary>
    private static double[] RandomBandSpd(int n, int kd, int seed)
    {
        var random = new Random(seed);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = Math.Max(0, i - kd); j < i; j++)
            {
                double value = 2 * random.NextDouble() - 1;
                a[i * n + j] = value;
                a[j * n + i] = value;
            }
        }
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                sum += j == i ? 0 : Math.Abs(a[i * n + j]);
            }
            a[i * n + i] = 2 * sum + 1;
        }
        return a;
    }

    /// <summary>Only the members without a default: the band members come from <see cref="ILapack"/>.</summary>
    private sealed class DenseOnlyLapack : ILapack
    {
        private readonly ManagedLapack _inner = new();

        public string Name => "dense only";

        public bool CholeskyFactor(Span<double> a, int n) => _inner.CholeskyFactor(a, n);

        public void CholeskySolve(ReadOnlySpan<double> factor, int n, Span<double> b) => _inner.CholeskySolve(factor, n, b);

        public void CholeskyInverse(Span<double> a, int n) => _inner.CholeskyInverse(a, n);

        public void SymmetricEigen(Span<double> a, int n, Span<double> eigenvalues) => _inner.SymmetricEigen(a, n, eigenvalues);
    }
}
