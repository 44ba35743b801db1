using System.Runtime.InteropServices;

namespace GpuExtract.Cuda.Native;

/// <summary>
/// The few cuBLAS entry points the pipeline uses (<c>libcublas.so.13/.12</c>), as unmanaged function pointers:
/// handle management and the batched triangular solve and matrix product over arrays of device pointers.
/// Matrices are column-major, as in every cuBLAS call.
/// </summary>
internal sealed unsafe class Cublas
{
    /// <summary>cublasFillMode_t CUBLAS_FILL_MODE_LOWER.</summary>
    public const int FillLower = 0;

    /// <summary>cublasOperation_t CUBLAS_OP_N / CUBLAS_OP_T.</summary>
    public const int OpNone = 0, OpTranspose = 1;

    /// <summary>cublasSideMode_t CUBLAS_SIDE_LEFT.</summary>
    public const int SideLeft = 0;

    /// <summary>cublasDiagType_t CUBLAS_DIAG_NON_UNIT.</summary>
    public const int DiagNonUnit = 0;

    private Cublas(LoadedLibrary library)
    {
        Library = library;
    }

    public LoadedLibrary Library { get; }

    public delegate* unmanaged[Cdecl]<IntPtr*, int> cublasCreate_v2;
    public delegate* unmanaged[Cdecl]<IntPtr, int> cublasDestroy_v2;
    public delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int> cublasSetStream_v2;
    public delegate* unmanaged[Cdecl]<int, int*, int> cublasGetProperty;

    /// <summary>cublasDtrsmBatched(handle, side, uplo, trans, diag, m, n, alpha*, A[], lda, B[], ldb, batchCount).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int, int, int, int, int, int, double*, ulong, int, ulong, int, int, int> cublasDtrsmBatched;

    /// <summary>cublasDgemmBatched(handle, transa, transb, m, n, k, alpha*, A[], lda, B[], ldb, beta*, C[], ldc, batchCount).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int, int, int, int, int, double*, ulong, int, ulong, int, double*, ulong, int, int, int> cublasDgemmBatched;

    /// <summary>cublasGetStatusName (CUDA ≥ 11.4); null when absent.</summary>
    public delegate* unmanaged[Cdecl]<int, IntPtr> cublasGetStatusName;

    /// <summary>Loads cuBLAS, or returns null with the reason.</summary>
    public static Cublas? TryLoad(out string reason, int? driverCudaMajor = null)
    {
        if (!CudaLibrarySearch.TryLoad(CudaLibrarySearch.Cublas, driver: false, out LoadedLibrary? library, out reason, driverCudaMajor: driverCudaMajor))
        {
            reason = $"no cuBLAS: {reason}";
            return null;
        }
        var entry = new EntryPoints(library!);
        var cublas = new Cublas(library!)
        {
            cublasCreate_v2 = (delegate* unmanaged[Cdecl]<IntPtr*, int>)entry.Need("cublasCreate_v2"),
            cublasDestroy_v2 = (delegate* unmanaged[Cdecl]<IntPtr, int>)entry.Need("cublasDestroy_v2"),
            cublasSetStream_v2 = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int>)entry.Need("cublasSetStream_v2"),
            cublasGetProperty = (delegate* unmanaged[Cdecl]<int, int*, int>)entry.Need("cublasGetProperty"),
            cublasDtrsmBatched = (delegate* unmanaged[Cdecl]<IntPtr, int, int, int, int, int, int, double*, ulong, int, ulong, int, int, int>)entry.Need("cublasDtrsmBatched"),
            cublasDgemmBatched = (delegate* unmanaged[Cdecl]<IntPtr, int, int, int, int, int, double*, ulong, int, ulong, int, double*, ulong, int, int, int>)entry.Need("cublasDgemmBatched"),
            cublasGetStatusName = (delegate* unmanaged[Cdecl]<int, IntPtr>)library!.Find("cublasGetStatusName"),
        };
        if (!entry.AllFound(out reason))
        {
            return null;
        }
        return cublas;
    }

    /// <summary>The library version "major.minor.patch" (cublasGetProperty).</summary>
    public string Version
    {
        get
        {
            int major, minor, patch;
            Check(cublasGetProperty(0, &major), "cublasGetProperty");
            Check(cublasGetProperty(1, &minor), "cublasGetProperty");
            Check(cublasGetProperty(2, &patch), "cublasGetProperty");
            return $"{major}.{minor}.{patch}";
        }
    }

    /// <summary>Throws <see cref="CudaException"/> naming the call unless <paramref name="status"/> is CUBLAS_STATUS_SUCCESS.</summary>
    public void Check(int status, string call)
    {
        if (status != 0)
        {
            string name = CudaStatusNames.Cublas(status);
            if (cublasGetStatusName != null && cublasGetStatusName(status) is var text && text != IntPtr.Zero)
            {
                name = Marshal.PtrToStringAnsi(text) ?? name;
            }
            throw new CudaException("cublas", call, status, name);
        }
    }
}
