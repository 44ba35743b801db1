using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Cpu.Tests.LinearAlgebra;
using Xunit.Abstractions;

namespace GpuExtract.EighStudy.Tests;

/// <summary>
/// The point validation: closed-form figures on diagonal matrices, acceptance of correct decompositions and
/// rejection of deliberately wrong eigenvector sets.
/// </summary>
public sealed class EighValidationTests(ITestOutputHelper output)
{
    private const double Tolerance64 = 1e-10;

    [Fact]
    public void Check_OfDiagonalMatrix_GivesClosedFormFigures()
    {
        // A = diag(1..5), V = I, λ = d: exact, both figures 0.
        const int N = 5;
        double[] a = Diagonal([1, 2, 3, 4, 5]);
        double[] v = Diagonal([1, 1, 1, 1, 1]);
        double[] lambda = [1, 2, 3, 4, 5];
        EighCheck exact = EighValidation.Check(a, v, lambda, N);
        Assert.Equal(0.0, exact.Residual);
        Assert.Equal(0.0, exact.Orthogonality);
        Assert.Equal(N, exact.ColumnsChecked);

        // Columns 0 and 4 swapped: ‖A e₄ − 1·e₄‖ = |5 − 1| = 4, relative to ‖A‖_F = √55; still orthonormal.
        double[] swapped = Diagonal([0, 1, 1, 1, 0]);
        swapped[0 * N + 4] = 1;
        swapped[4 * N + 0] = 1;
        EighCheck swap = EighValidation.Check(a, swapped, lambda, N);
        Assert.Equal(4 / Math.Sqrt(55), swap.Residual, 15);
        Assert.Equal(0.0, swap.Orthogonality);

        // Eigenvector 2 scaled by 1.001: still an eigenvector (residual 0) but |v·v − 1| = 0.002001.
        double[] scaled = Diagonal([1, 1, 1.001, 1, 1]);
        EighCheck scale = EighValidation.Check(a, scaled, lambda, N);
        Assert.Equal(0.0, scale.Residual);
        Assert.Equal(0.002001, scale.Orthogonality, 15);
    }

    [Theory]
    [MemberData(nameof(LapackImplementations.EigenNames), MemberType = typeof(LapackImplementations))]
    public void Check_AcceptsCorrectDecomposition_AndCatchesWrongEigenvectorSets(string implementation)
    {
        const int N = 60;
        ILapack lapack = LapackImplementations.Create(implementation);
        double[] a = RandomSpdMatrix.Create(N, 1e8, seed: 3);
        double[] v = (double[])a.Clone();
        var lambda = new double[N];
        lapack.SymmetricEigen(v, N, lambda);

        EighCheck correct = EighValidation.Check(a, v, lambda, N);
        output.WriteLine($"{implementation}: residual {correct.Residual:E2}, orthogonality {correct.Orthogonality:E2}");
        Assert.True(correct.Passes(Tolerance64), $"correct decomposition rejected: residual {correct.Residual:E3}, orthogonality {correct.Orthogonality:E3}");

        // 1. Two eigenvectors with well-separated eigenvalues (λ ≈ 1 and ≈ 1e-8) exchanged: orthonormal, wrong pairs.
        double[] swapped = (double[])v.Clone();
        SwapColumns(swapped, N, 0, N - 1);
        AssertRejected(a, swapped, lambda, N, "largest and smallest eigenvectors swapped");

        // 2. One eigenvector replaced by a copy of another: a residual of order |λ_i − λ_j| and a repeated vector.
        double[] duplicated = (double[])v.Clone();
        for (int i = 0; i < N; i++)
        {
            duplicated[i * N + 10] = duplicated[i * N + 11];
        }
        EighCheck duplicate = AssertRejected(a, duplicated, lambda, N, "eigenvector 10 replaced by eigenvector 11");
        Assert.True(duplicate.Orthogonality > 0.5, $"a repeated eigenvector should show |v₁₀·v₁₁| ≈ 1, got {duplicate.Orthogonality:E3}");

        // 3. The eigenvectors of a different matrix with the same spectrum.
        double[] other = RandomSpdMatrix.Create(N, 1e8, seed: 4);
        var otherLambda = new double[N];
        lapack.SymmetricEigen(other, N, otherLambda);
        AssertRejected(a, other, lambda, N, "eigenvectors of another matrix");

        // 4. One entry off by 1e-6: small, but 10⁴ times the tolerance.
        double[] nudged = (double[])v.Clone();
        nudged[7 * N + 7] += 1e-6;
        AssertRejected(a, nudged, lambda, N, "one entry + 1e-6");

        // 5. A NaN anywhere can never pass.
        double[] poisoned = (double[])v.Clone();
        poisoned[3] = double.NaN;
        EighCheck nan = AssertRejected(a, poisoned, lambda, N, "one NaN entry");
        Assert.True(double.IsNaN(nan.Residual) || double.IsNaN(nan.Orthogonality), "NaN should propagate into the figures");
    }

    [SkippableFact]
    public void Check_OfFloat32Decomposition_PassesFloatToleranceButNotDoubleTolerance()
    {
        const int N = 100;
        NativeLapack native = LapackImplementations.RequireNative();
        double[] a = RandomSpdMatrix.Create(N, 1e8, seed: 5);
        float[] a32 = Array.ConvertAll(a, x => (float)x);
        float[] v32 = (float[])a32.Clone();
        var lambda32 = new float[N];
        Assert.True(SinglePrecisionEigen.TryCreate(native, out SinglePrecisionEigen? ssyevd, out string reason), reason);
        ssyevd!.SymmetricEigen(v32, N, lambda32);
        EighCheck check = EighValidation.Check(a32, v32, lambda32, N);
        output.WriteLine($"ssyevd n = {N}: residual {check.Residual:E2}, orthogonality {check.Orthogonality:E2}");
        // float32 carries ~6e-8 relative error per entry: the figures sit between the two tolerances.
        Assert.True(check.Passes(EighPrecision.Single.Tolerance()), $"ssyevd result rejected at 1e-4: residual {check.Residual:E3}, orthogonality {check.Orthogonality:E3}");
        Assert.False(check.Passes(EighPrecision.Double.Tolerance()), $"float32 result accepted at float64 tolerance: residual {check.Residual:E3}, orthogonality {check.Orthogonality:E3}");
    }

    [Fact]
    public void Check_AboveFullCheckSize_SamplesColumnsIncludingFirstAndLast()
    {
        int n = EighValidation.FullCheckMaxN + 88;
        var d = new double[n];
        for (int i = 0; i < n; i++)
        {
            d[i] = i + 1;
        }
        double[] a = Diagonal(d);
        double[] v = Diagonal(Enumerable.Repeat(1.0, n).ToArray());
        // The last eigenvector wrong: the sample must include it.
        v[(n - 1) * n + (n - 1)] = 0.5;
        EighCheck check = EighValidation.Check(a, v, d, n);
        Assert.Equal(EighValidation.SampledColumns, check.ColumnsChecked);
        Assert.Equal(0.75, check.Orthogonality, 15); // |0.5² − 1|
    }

    private EighCheck AssertRejected(double[] a, double[] v, double[] lambda, int n, string what)
    {
        EighCheck check = EighValidation.Check(a, v, lambda, n);
        output.WriteLine($"{what}: residual {check.Residual:E2}, orthogonality {check.Orthogonality:E2}");
        Assert.False(check.Passes(Tolerance64), $"{what} passed validation: residual {check.Residual:E3}, orthogonality {check.Orthogonality:E3}");
        return check;
    }

    private static double[] Diagonal(double[] d)
    {
        int n = d.Length;
        var m = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            m[i * n + i] = d[i];
        }
        return m;
    }

    private static void SwapColumns(double[] m, int n, int a, int b)
    {
        for (int i = 0; i < n; i++)
        {
            (m[i * n + a], m[i * n + b]) = (m[i * n + b], m[i * n + a]);
        }
    }
}
