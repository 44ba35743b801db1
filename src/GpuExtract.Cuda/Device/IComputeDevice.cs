namespace GpuExtract.Cuda.Device;

/// <summary>
/// A GPU as the extraction pipeline uses it: device memory, kernel launches on one stream, and the batched
/// dense linear algebra of cuBLAS/cuSOLVER. Everything is ordered on that one stream; methods that return data
/// to the host (<see cref="Download{T}"/>) wait for the work before them. Matrices are column-major, batches are
/// given as device arrays of device pointers (one per matrix) or as contiguous runs of equal matrices, as the
/// cuBLAS/cuSOLVER calls take them. Errors throw <see cref="Native.CudaException"/>. Not thread-safe.
/// </summary>
/// <remarks>
/// <see cref="CudaDevice"/> is the real one; the tests run the same pipeline on a host emulation of this
/// interface (kernels compiled by the system C++ compiler, linear algebra in managed code).
/// </remarks>
public interface IComputeDevice : IDisposable
{
    /// <summary>What the user is told, e.g. "GPU 0: NVIDIA H100 80GB HBM3 (sm_90, 79.1 GiB)".</summary>
    string Description { get; }

    /// <summary>
    /// How batches of symmetric blocks have been eigen-decomposed so far (the methods used, in order of first use),
    /// or, before the first batch, how they will be, e.g. "cusolverDnXsyevBatched".
    /// </summary>
    string EigenMethod { get; }

    /// <summary>Shared memory one block may use, with the opt-in [bytes] (bounds the band inverse's and the eigensolver kernel's sizes).</summary>
    int SharedBytesPerBlock { get; }

    /// <summary>Device memory free now [bytes].</summary>
    long FreeMemory { get; }

    /// <summary>Device memory the linear-algebra libraries may allocate on their own during a batch [bytes].</summary>
    long LibraryReserveBytes { get; }

    /// <summary>
    /// Device memory <see cref="SymmetricEigenBatched"/> would allocate for <paramref name="count"/> n × n matrices
    /// beyond the workspace it already holds [bytes].
    /// </summary>
    long EigenWorkspaceBytes(int n, int count);

    /// <summary>Allocates <paramref name="bytes"/> of device memory (contents undefined).</summary>
    DevicePointer Allocate(long bytes);

    /// <summary>Frees what <see cref="Allocate"/> returned (null is ignored).</summary>
    void Free(DevicePointer pointer);

    /// <summary>
    /// Allocates <paramref name="bytes"/> of page-locked host memory (cuMemAllocHost): copies from the device into
    /// it go by DMA at full bus speed, where pageable memory is staged by the driver.
    /// </summary>
    IntPtr AllocateHost(long bytes);

    /// <summary>Frees what <see cref="AllocateHost"/> returned (zero is ignored).</summary>
    void FreeHost(IntPtr pointer);

    /// <summary>Copies host values to the device (the host span may be reused when this returns).</summary>
    void Upload<T>(ReadOnlySpan<T> source, DevicePointer destination) where T : unmanaged;

    /// <summary>Copies device values to the host after all work queued before.</summary>
    void Download<T>(DevicePointer source, Span<T> destination) where T : unmanaged;

    /// <summary>Device-to-device copy of <paramref name="bytes"/>.</summary>
    void Copy(DevicePointer source, DevicePointer destination, long bytes);

    /// <summary>Sets <paramref name="bytes"/> bytes to 0.</summary>
    void Clear(DevicePointer pointer, long bytes);

    /// <summary>Launches kernel <paramref name="kernel"/> (its extern "C" name in kernels/*.cu).</summary>
    void Launch(string kernel, Dim3 grid, Dim3 block, int sharedBytes, KernelArguments arguments);

    /// <summary>Waits for all queued work; <paramref name="label"/> names the stage in an error message.</summary>
    void Synchronize(string label);

    /// <summary>
    /// Cholesky A = L·Lᵀ (lower) of <paramref name="count"/> n × n matrices in place (cusolverDnDpotrfBatched);
    /// <paramref name="matrices"/> holds their addresses, <paramref name="info"/> receives one int each (0 = success).
    /// </summary>
    void CholeskyFactorBatched(int n, DevicePointer matrices, DevicePointer info, int count);

    /// <summary>Solves A·x = b in place for one right-hand side per matrix, given the factors (cusolverDnDpotrsBatched); <paramref name="scratch"/> holds <paramref name="count"/> ints.</summary>
    void CholeskySolveBatched(int n, DevicePointer factors, DevicePointer vectors, DevicePointer scratch, int count);

    /// <summary>B := L⁻¹·B for n × n matrices B, L lower triangular with a non-unit diagonal (cublasDtrsmBatched).</summary>
    void LowerTriangularSolveBatched(int n, DevicePointer factors, DevicePointer rightHandSides, int count);

    /// <summary>C := Aᵀ·A for k × m matrices A (leading dimension <paramref name="lda"/>) into m × m matrices C (cublasDgemmBatched).</summary>
    void GramBatched(int m, int k, int lda, DevicePointer matrices, DevicePointer products, int count);

    /// <summary>
    /// Eigen-decomposition of <paramref name="count"/> symmetric n × n matrices stored one after the other: the
    /// lower triangle is read, eigenvectors overwrite the matrices (column k = eigenvector k), eigenvalues go to
    /// <paramref name="eigenvalues"/> (n per matrix, ascending), <paramref name="info"/> gets one int per matrix.
    /// </summary>
    void SymmetricEigenBatched(int n, DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count);
}
