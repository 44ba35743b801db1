namespace GpuExtract.Cuda.Device;

/// <summary>
/// A batched symmetric eigensolver that runs as our own kernels on an <see cref="IComputeDevice"/> (as opposed to
/// a cuSOLVER entry point): what <see cref="CudaDevice"/> uses for the per-fiber blocks when this cuSOLVER lacks
/// cusolverDnXsyevBatched, instead of one cusolverDnDsyevd call per block. The emulated device runs the same
/// implementation, since it only launches kernels and allocates device memory.
/// </summary>
/// <remarks>
/// Contract of <see cref="Decompose"/> (the same as <see cref="IComputeDevice.SymmetricEigenBatched"/>):
/// <paramref name="count"/> symmetric n × n matrices, column-major, stored one after the other; only the lower
/// triangle is read; the eigenvectors overwrite the matrices (column k = eigenvector k), the eigenvalues go to
/// n doubles per matrix in ascending order, and <c>info</c> gets one int per matrix (0 = converged).
/// </remarks>
public interface IBlockEigensolver
{
    /// <summary>The method in words, as a run reports it, e.g. "batched Jacobi kernel (cyclic, parallel order)".</summary>
    string Method { get; }

    /// <summary>Whether it decomposes n × n matrices on a device with <paramref name="sharedBytesPerBlock"/> of shared memory per block.</summary>
    bool Supports(int n, int sharedBytesPerBlock);

    /// <summary>Device memory it allocates for <paramref name="count"/> n × n matrices beyond its arguments [bytes] (for the batch memory budget).</summary>
    long WorkspaceBytes(int n, int count);

    /// <summary>Queues the decomposition on <paramref name="device"/>'s stream (see the remarks for the layout).</summary>
    void Decompose(IComputeDevice device, int n, DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count);
}
