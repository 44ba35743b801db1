namespace GpuExtract.Cuda.Native;

/// <summary>
/// A CUDA call failed: names the call, the library (driver, NVRTC, cuBLAS, cuSOLVER), the status code
/// and its CUDA name (e.g. <c>cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory</c>).
/// </summary>
public sealed class CudaException : Exception
{
    /// <summary>CUresult of an out-of-memory driver call.</summary>
    public const int DriverOutOfMemory = 2;

    public CudaException(string library, string call, int status, string statusName, string? detail = null)
        : base($"{call} failed: {statusName} ({status}){(string.IsNullOrWhiteSpace(detail) ? "" : ": " + detail.Trim())}")
    {
        Library = library;
        Call = call;
        Status = status;
        StatusName = statusName;
    }

    /// <summary>"driver", "nvrtc", "cublas" or "cusolver".</summary>
    public string Library { get; }

    /// <summary>The function that failed, e.g. <c>cuMemAlloc_v2</c>.</summary>
    public string Call { get; }

    /// <summary>The status code the call returned.</summary>
    public int Status { get; }

    /// <summary>The status's CUDA name, e.g. <c>CUDA_ERROR_OUT_OF_MEMORY</c>.</summary>
    public string StatusName { get; }

    /// <summary>
    /// Whether the failure is a lack of device memory (driver out of memory, or a cuBLAS/cuSOLVER allocation
    /// failure), which a smaller batch may avoid.
    /// </summary>
    public bool IsOutOfMemory => StatusName is "CUDA_ERROR_OUT_OF_MEMORY" or "CUBLAS_STATUS_ALLOC_FAILED" or "CUSOLVER_STATUS_ALLOC_FAILED";
}
