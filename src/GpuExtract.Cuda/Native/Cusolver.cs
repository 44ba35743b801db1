namespace GpuExtract.Cuda.Native;

/// <summary>
/// The cuSOLVER dense entry points the pipeline uses (<c>libcusolver.so.12/.11</c>), as unmanaged function
/// pointers. The batched Cholesky factorisation and solve are required; the eigensolvers are optional and
/// become <see cref="CudaCapabilities"/> flags: cusolverDnXsyevBatched (CUDA ≥ 12.6 update 2), syevjBatched
/// (matrices up to 32 × 32 only), syevd (one matrix per call).
/// </summary>
internal sealed unsafe class Cusolver
{
    /// <summary>cusolverEigMode_t CUSOLVER_EIG_MODE_VECTOR.</summary>
    public const int EigenModeVector = 1;

    /// <summary>cudaDataType CUDA_R_64F.</summary>
    public const int DataTypeDouble = 1;

    private Cusolver(LoadedLibrary library)
    {
        Library = library;
    }

    public LoadedLibrary Library { get; }

    public delegate* unmanaged[Cdecl]<IntPtr*, int> cusolverDnCreate;
    public delegate* unmanaged[Cdecl]<IntPtr, int> cusolverDnDestroy;
    public delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int> cusolverDnSetStream;
    public delegate* unmanaged[Cdecl]<int, int*, int> cusolverGetProperty;

    /// <summary>cusolverDnDpotrfBatched(handle, uplo, n, A[], lda, info[], batchSize).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int, int, ulong, int, ulong, int, int> cusolverDnDpotrfBatched;

    /// <summary>cusolverDnDpotrsBatched(handle, uplo, n, nrhs, A[], lda, B[], ldb, info, batchSize); nrhs must be 1.</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, int, ulong, int, int> cusolverDnDpotrsBatched;

    public delegate* unmanaged[Cdecl]<IntPtr*, int> cusolverDnCreateParams;
    public delegate* unmanaged[Cdecl]<IntPtr, int> cusolverDnDestroyParams;

    /// <summary>cusolverDnXsyevBatched_bufferSize(handle, params, jobz, uplo, n, typeA, A, lda, typeW, W, computeType, devBytes*, hostBytes*, batchSize).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int, int, long, int, ulong, long, int, ulong, int, nuint*, nuint*, long, int> cusolverDnXsyevBatched_bufferSize;

    /// <summary>cusolverDnXsyevBatched(handle, params, jobz, uplo, n, typeA, A, lda, typeW, W, computeType, devBuf, devBytes, hostBuf, hostBytes, info, batchSize).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int, int, long, int, ulong, long, int, ulong, int, ulong, nuint, void*, nuint, ulong, long, int> cusolverDnXsyevBatched;

    public delegate* unmanaged[Cdecl]<IntPtr*, int> cusolverDnCreateSyevjInfo;
    public delegate* unmanaged[Cdecl]<IntPtr, int> cusolverDnDestroySyevjInfo;

    /// <summary>cusolverDnDsyevjBatched_bufferSize(handle, jobz, uplo, n, A, lda, W, lwork*, params, batchSize).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, int*, IntPtr, int, int> cusolverDnDsyevjBatched_bufferSize;

    /// <summary>cusolverDnDsyevjBatched(handle, jobz, uplo, n, A, lda, W, work, lwork, info, params, batchSize).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, ulong, int, ulong, IntPtr, int, int> cusolverDnDsyevjBatched;

    /// <summary>cusolverDnDsyevd_bufferSize(handle, jobz, uplo, n, A, lda, W, lwork*).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, int*, int> cusolverDnDsyevd_bufferSize;

    /// <summary>cusolverDnDsyevd(handle, jobz, uplo, n, A, lda, W, work, lwork, info).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, ulong, int, ulong, int> cusolverDnDsyevd;

    /// <summary>Loads cuSOLVER, or returns null with the reason (also when a required entry point is missing).</summary>
    public static Cusolver? TryLoad(out string reason, int? driverCudaMajor = null)
    {
        if (!CudaLibrarySearch.TryLoad(CudaLibrarySearch.Cusolver, driver: false, out LoadedLibrary? library, out reason, driverCudaMajor: driverCudaMajor))
        {
            reason = $"no cuSOLVER: {reason}";
            return null;
        }
        var entry = new EntryPoints(library!);
        var cusolver = new Cusolver(library!)
        {
            cusolverDnCreate = (delegate* unmanaged[Cdecl]<IntPtr*, int>)entry.Need("cusolverDnCreate"),
            cusolverDnDestroy = (delegate* unmanaged[Cdecl]<IntPtr, int>)entry.Need("cusolverDnDestroy"),
            cusolverDnSetStream = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int>)entry.Need("cusolverDnSetStream"),
            cusolverGetProperty = (delegate* unmanaged[Cdecl]<int, int*, int>)entry.Need("cusolverGetProperty"),
            cusolverDnDpotrfBatched = (delegate* unmanaged[Cdecl]<IntPtr, int, int, ulong, int, ulong, int, int>)entry.Need("cusolverDnDpotrfBatched"),
            cusolverDnDpotrsBatched = (delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, int, ulong, int, int>)entry.Need("cusolverDnDpotrsBatched"),
            cusolverDnCreateParams = (delegate* unmanaged[Cdecl]<IntPtr*, int>)library!.Find("cusolverDnCreateParams"),
            cusolverDnDestroyParams = (delegate* unmanaged[Cdecl]<IntPtr, int>)library.Find("cusolverDnDestroyParams"),
            cusolverDnXsyevBatched_bufferSize = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int, int, long, int, ulong, long, int, ulong, int, nuint*, nuint*, long, int>)library.Find("cusolverDnXsyevBatched_bufferSize"),
            cusolverDnXsyevBatched = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int, int, long, int, ulong, long, int, ulong, int, ulong, nuint, void*, nuint, ulong, long, int>)library.Find("cusolverDnXsyevBatched"),
            cusolverDnCreateSyevjInfo = (delegate* unmanaged[Cdecl]<IntPtr*, int>)library.Find("cusolverDnCreateSyevjInfo"),
            cusolverDnDestroySyevjInfo = (delegate* unmanaged[Cdecl]<IntPtr, int>)library.Find("cusolverDnDestroySyevjInfo"),
            cusolverDnDsyevjBatched_bufferSize = (delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, int*, IntPtr, int, int>)library.Find("cusolverDnDsyevjBatched_bufferSize"),
            cusolverDnDsyevjBatched = (delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, ulong, int, ulong, IntPtr, int, int>)library.Find("cusolverDnDsyevjBatched"),
            cusolverDnDsyevd_bufferSize = (delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, int*, int>)library.Find("cusolverDnDsyevd_bufferSize"),
            cusolverDnDsyevd = (delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, ulong, int, ulong, int>)library.Find("cusolverDnDsyevd"),
        };
        if (!entry.AllFound(out reason))
        {
            return null;
        }
        return cusolver;
    }

    /// <summary>What this cuSOLVER offers beyond the required entry points.</summary>
    public CudaCapabilities Capabilities => new(
        XsyevBatched: cusolverDnXsyevBatched != null && cusolverDnXsyevBatched_bufferSize != null
            && cusolverDnCreateParams != null && cusolverDnDestroyParams != null,
        SyevjBatched: cusolverDnDsyevjBatched != null && cusolverDnDsyevjBatched_bufferSize != null
            && cusolverDnCreateSyevjInfo != null && cusolverDnDestroySyevjInfo != null,
        Syevd: cusolverDnDsyevd != null && cusolverDnDsyevd_bufferSize != null,
        PotrfBatched: cusolverDnDpotrfBatched != null);

    /// <summary>The library version "major.minor.patch" (cusolverGetProperty).</summary>
    public string Version
    {
        get
        {
            int major, minor, patch;
            Check(cusolverGetProperty(0, &major), "cusolverGetProperty");
            Check(cusolverGetProperty(1, &minor), "cusolverGetProperty");
            Check(cusolverGetProperty(2, &patch), "cusolverGetProperty");
            return $"{major}.{minor}.{patch}";
        }
    }

    /// <summary>Throws <see cref="CudaException"/> naming the call unless <paramref name="status"/> is CUSOLVER_STATUS_SUCCESS.</summary>
    public void Check(int status, string call)
    {
        if (status != 0)
        {
            throw new CudaException("cusolver", call, status, CudaStatusNames.Cusolver(status));
        }
    }
}

/// <summary>Optional cuSOLVER features the pipeline can use.</summary>
/// <param name="XsyevBatched">cusolverDnXsyevBatched: batched eigh of any size (CUDA ≥ 12.6 update 2).</param>
/// <param name="SyevjBatched">cusolverDnDsyevjBatched: batched Jacobi eigh, matrices ≤ 32 × 32.</param>
/// <param name="Syevd">cusolverDnDsyevd: one eigh per call (the last resort for larger blocks).</param>
/// <param name="PotrfBatched">cusolverDnDpotrfBatched (required by the pipeline).</param>
public sealed record CudaCapabilities(bool XsyevBatched, bool SyevjBatched, bool Syevd, bool PotrfBatched)
{
    /// <summary>
    /// How per-fiber blocks larger than 32 × 32 are decomposed with these capabilities and this build's batched
    /// kernel (<see cref="Device.BlockEigensolvers"/>), in words.
    /// </summary>
    public string EigenMethod
    {
        get
        {
            Device.IBlockEigensolver? kernel = Device.BlockEigensolvers.Kernel;
            return Device.BlockEigensolvers.Describe(
                Device.BlockEigensolvers.Choose(this, Device.BlockEigensolvers.SyevjBatchedMaxN + 1, kernel, int.MaxValue), kernel);
        }
    }
}
