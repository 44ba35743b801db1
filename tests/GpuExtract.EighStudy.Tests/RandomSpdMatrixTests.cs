using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.EighStudy.Tests;

/// <summary>The random SPD inputs have the spectrum (and so the condition number) they promise.</summary>
public sealed class RandomSpdMatrixTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(74)]
    [InlineData(200)]
    public void Create_HasGeometricSpectrum_WithCondition1e8(int n)
    {
        double[] a = RandomSpdMatrix.Create(n, 1e8, seed: 11);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                Assert.True(a[i * n + j] == a[j * n + i], $"A[{i},{j}] = {a[i * n + j]} but A[{j},{i}] = {a[j * n + i]}");
            }
        }
        // Eigenvalues by the managed solver (independent of the generator), ascending: λ_k = 1e-8^((n−1−k)/(n−1)).
        var lambda = new double[n];
        new ManagedLapack().SymmetricEigen((double[])a.Clone(), n, lambda);
        double worst = 0;
        for (int k = 0; k < n; k++)
        {
            double expected = RandomSpdMatrix.Eigenvalue(n - 1 - k, n, 1e8);
            // Absolute error of a backward-stable eigensolver and of forming Q·Λ·Qᵀ: a few n·ε·‖A‖ (‖A‖ = 1).
            worst = Math.Max(worst, Math.Abs(lambda[k] - expected));
        }
        Assert.True(worst <= 1e-13, $"n = {n}: max |λ − λ_built| = {worst:E3} > 1e-13");
        if (n > 1)
        {
            double condition = lambda[n - 1] / lambda[0];
            Assert.True(Math.Abs(condition / 1e8 - 1) < 1e-3, $"n = {n}: condition {condition:E4}, expected 1e8");
        }
    }

    [Fact]
    public void Create_IsReproducibleFromSeed_AndDiffersBetweenSeeds()
    {
        Assert.Equal(RandomSpdMatrix.Create(30, 1e8, 5), RandomSpdMatrix.Create(30, 1e8, 5));
        Assert.NotEqual(RandomSpdMatrix.Create(30, 1e8, 5), RandomSpdMatrix.Create(30, 1e8, 6));
    }
}
