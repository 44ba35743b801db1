using GpuExtract.Cuda.Device;

namespace GpuExtract.EighStudy.Cuda;

/// <summary>The cuSOLVER eigensolvers the eigh study times on a GPU (see <see cref="CudaEighMethod"/>).</summary>
public enum CusolverEighRoutine
{
    /// <summary>cusolverDnDsyevd / cusolverDnSsyevd, one call per matrix (a loop).</summary>
    SyevdLoop,

    /// <summary>cusolverDnDsyevjBatched / cusolverDnSsyevjBatched (cuSOLVER accepts n ≤ 32).</summary>
    SyevjBatched,

    /// <summary>cusolverDnXsyevBatched with CUDA_R_64F / CUDA_R_32F (CUDA ≥ 12.6 Update 2).</summary>
    XsyevBatched,
}

/// <summary>
/// cuSOLVER's eigensolvers on one device, in float64 and float32, for the eigh study: each call decomposes
/// <c>count</c> n × n matrices stored one after the other (column-major, lower triangle read), eigenvectors
/// overwriting them, ascending eigenvalues (n per matrix, of the precision), one info int per matrix, queued on
/// <see cref="Device"/>'s stream. The real one binds cuSOLVER; the tests emulate it with LAPACK.
/// </summary>
public interface ICusolverEigh
{
    /// <summary>The device whose memory the pointers are in.</summary>
    IComputeDevice Device { get; }

    /// <summary>Library and routine in words, e.g. "cusolverDnXsyevBatched (cuSOLVER 12.6)".</summary>
    string Describe(CusolverEighRoutine routine);

    /// <summary>Null when <paramref name="routine"/> exists in this cuSOLVER for <paramref name="precision"/>; otherwise why not (one line).</summary>
    string? Unsupported(CusolverEighRoutine routine, EighPrecision precision);

    /// <summary>Largest n the routine accepts (32 for syevjBatched).</summary>
    int MaxN(CusolverEighRoutine routine);

    /// <summary>Device workspace for <paramref name="count"/> n × n matrices [bytes].</summary>
    long WorkspaceBytes(CusolverEighRoutine routine, EighPrecision precision, int n, int count);

    /// <summary>Queues the decomposition (see the type's summary for the layout).</summary>
    void Decompose(CusolverEighRoutine routine, EighPrecision precision, int n, DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count);
}
