namespace GpuExtract.Cpu.LinearAlgebra;

/// <summary>
/// Eigen-decomposition of many equal-size symmetric blocks stored back to back, e.g. the per-fiber
/// diagonal blocks C_bb of one patch's covariance (≈ 7 blocks of n ≈ 74). On the CPU this is a loop
/// over <see cref="ILapack.SymmetricEigen"/>; it mirrors the batched eigh of the GPU backend so that both
/// backends are driven the same way.
/// </summary>
public static class SymmetricEigenBatch
{
    /// <summary>
    /// Decomposes <paramref name="count"/> row-major n × n blocks: block b occupies
    /// <paramref name="blocks"/>[b·n·n, (b+1)·n·n) and is overwritten by its eigenvectors (eigenvector k in
    /// column k), and its ascending eigenvalues go to <paramref name="eigenvalues"/>[b·n, (b+1)·n).
    /// </summary>
    public static void Decompose(ILapack lapack, Span<double> blocks, int n, int count, Span<double> eigenvalues)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int blockSize = n * n;
        if (blocks.Length < (long)count * blockSize || eigenvalues.Length < (long)count * n)
        {
            throw new ArgumentException($"{count} blocks of n = {n} need {(long)count * blockSize} matrix and {(long)count * n} eigenvalue elements; got {blocks.Length} and {eigenvalues.Length}");
        }
        for (int b = 0; b < count; b++)
        {
            lapack.SymmetricEigen(blocks.Slice(b * blockSize, blockSize), n, eigenvalues.Slice(b * n, n));
        }
    }
}
