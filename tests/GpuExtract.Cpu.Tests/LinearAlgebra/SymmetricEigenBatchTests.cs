using GpuExtract.Cpu.LinearAlgebra;
using static GpuExtract.Cpu.Tests.LinearAlgebra.TestMatrices;

namespace GpuExtract.Cpu.Tests.LinearAlgebra;

/// <summary>Batched eigen-decomposition of equal-size blocks.</summary>
public sealed class SymmetricEigenBatchTests
{
    [Fact]
    public void Decompose_TreatsEachBlockIndependently()
    {
        const int N = 74;
        const int Count = 7;
        var random = new Random(7);
        var originals = new double[Count][];
        var spectra = new double[Count][];
        var blocks = new double[Count * N * N];
        for (int b = 0; b < Count; b++)
        {
            // Each block has its own spectrum (b + 1)·[1, 10]: mixing blocks up would show in the eigenvalues.
            spectra[b] = EvenSpectrum(N, 10);
            for (int k = 0; k < N; k++)
            {
                spectra[b][k] *= b + 1;
            }
            originals[b] = WithSpectrum(spectra[b], random);
            originals[b].CopyTo(blocks, b * N * N);
        }
        var eigenvalues = new double[Count * N];

        SymmetricEigenBatch.Decompose(new ManagedLapack(), blocks, N, Count, eigenvalues);

        for (int b = 0; b < Count; b++)
        {
            ReadOnlySpan<double> lambda = eigenvalues.AsSpan(b * N, N);
            ReadOnlySpan<double> v = blocks.AsSpan(b * N * N, N * N);
            // Built spectrum is recovered to the rounding of forming the block (n·ε·‖A‖ ≈ 6e-13 for ‖A‖ = 70).
            double valueError = MaxAbsDifference(lambda, spectra[b]);
            Assert.True(valueError <= 1e-11, $"block {b}: max |λ − λ_built| = {valueError:E3} > 1e-11");
            double residual = EigenResidual(originals[b], v, lambda, N);
            Assert.True(residual <= 1e-12, $"block {b}: residual {residual:E3} > 1e-12");
        }
    }

    [Fact]
    public void Decompose_RejectsTooShortBuffers()
    {
        var error = Assert.Throws<ArgumentException>(() => SymmetricEigenBatch.Decompose(new ManagedLapack(), new double[2 * 9], 3, 3, new double[9]));
        Assert.Contains("3 blocks of n = 3", error.Message);
    }
}
