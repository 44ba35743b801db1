namespace GpuExtract.Cuda.Device;

/// <summary>How one batch of symmetric blocks is eigen-decomposed on the device.</summary>
public enum BlockEigenMethod
{
    /// <summary>cusolverDnXsyevBatched (CUDA ≥ 12.6 Update 2): one call for the whole batch, any n.</summary>
    XsyevBatched,

    /// <summary>Our own batched kernel (<see cref="IBlockEigensolver"/>): one thread block per matrix.</summary>
    Kernel,

    /// <summary>cusolverDnDsyevjBatched: batched Jacobi, n ≤ 32 only.</summary>
    SyevjBatched,

    /// <summary>One cusolverDnDsyevd call per matrix: the last resort, ≈0.5–1 ms per 74 × 74 block.</summary>
    SyevdLoop,

    /// <summary>Nothing usable at this size.</summary>
    None,
}

/// <summary>
/// Chooses the eigensolver for a batch of n × n blocks from what this cuSOLVER offers and whether our batched
/// kernel is available: cusolverDnXsyevBatched first, then the kernel, then syevjBatched for n ≤ 32, and one
/// syevd per matrix only when nothing batched can do it (≈23,500 blocks a frame make that 10–25 s).
/// </summary>
public static class BlockEigensolvers
{
    /// <summary>Largest n cusolverDnDsyevjBatched accepts.</summary>
    public const int SyevjBatchedMaxN = 32;

    /// <summary>
    /// The batched kernel eigensolver of this build (<see cref="JacobiBlockEigensolver"/>). This is the one place
    /// where the kernel implementation is plugged in.
    /// </summary>
    public static IBlockEigensolver? Kernel { get; } = new JacobiBlockEigensolver();

    /// <summary>The method for n × n blocks given <paramref name="capabilities"/> and <paramref name="kernel"/> (null: no kernel).</summary>
    public static BlockEigenMethod Choose(Native.CudaCapabilities capabilities, int n, IBlockEigensolver? kernel, int sharedBytesPerBlock)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        if (capabilities.XsyevBatched)
        {
            return BlockEigenMethod.XsyevBatched;
        }
        if (kernel is not null && kernel.Supports(n, sharedBytesPerBlock))
        {
            return BlockEigenMethod.Kernel;
        }
        if (capabilities.SyevjBatched && n <= SyevjBatchedMaxN)
        {
            return BlockEigenMethod.SyevjBatched;
        }
        return capabilities.Syevd ? BlockEigenMethod.SyevdLoop : BlockEigenMethod.None;
    }

    /// <summary>The method in words, as runs report it.</summary>
    public static string Describe(BlockEigenMethod method, IBlockEigensolver? kernel) => method switch
    {
        BlockEigenMethod.XsyevBatched => "cusolverDnXsyevBatched",
        BlockEigenMethod.Kernel => kernel?.Method ?? "batched kernel",
        BlockEigenMethod.SyevjBatched => "cusolverDnDsyevjBatched",
        BlockEigenMethod.SyevdLoop => "cusolverDnDsyevd per matrix (slow: no batched eigensolver for this size)",
        _ => "none",
    };
}
