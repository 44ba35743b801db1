namespace GpuExtract.Cuda.Native;

/// <summary>
/// cuSOLVER's dense eigensolvers in float64 and float32, as the eigh study calls them: syevd (one matrix per call),
/// syevjBatched (Jacobi, n ≤ 32) with its syevjInfo_t settings, and the 64-bit XsyevBatched (CUDA ≥ 12.6 Update 2)
/// with its cusolverDnParams_t. Every entry point is optional: one that the installed library lacks stays null, and
/// <see cref="Missing"/> names it so that the routine reports itself unsupported instead of failing at the call.
/// Signatures follow cuSOLVER's cusolverDn.h as documented by NVIDIA (int n/lda/lwork for the legacy routines,
/// int64_t and size_t for the 64-bit API); device arrays are passed as addresses (<c>ulong</c>).
/// </summary>
internal sealed unsafe class CusolverEigenEntryPoints
{
    /// <summary>cudaDataType CUDA_R_32F.</summary>
    public const int DataTypeSingle = 0;

    /// <summary>cusolverDnSsyevd_bufferSize(handle, jobz, uplo, n, A, lda, W, lwork*).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, int*, int> cusolverDnSsyevd_bufferSize;

    /// <summary>cusolverDnSsyevd(handle, jobz, uplo, n, A, lda, W, work, lwork, devInfo).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, ulong, int, ulong, int> cusolverDnSsyevd;

    /// <summary>cusolverDnDsyevd_bufferSize(handle, jobz, uplo, n, A, lda, W, lwork*).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, int*, int> cusolverDnDsyevd_bufferSize;

    /// <summary>cusolverDnDsyevd(handle, jobz, uplo, n, A, lda, W, work, lwork, devInfo).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, ulong, int, ulong, int> cusolverDnDsyevd;

    /// <summary>cusolverDnCreateSyevjInfo(syevjInfo_t*).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr*, int> cusolverDnCreateSyevjInfo;

    /// <summary>cusolverDnDestroySyevjInfo(syevjInfo_t).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int> cusolverDnDestroySyevjInfo;

    /// <summary>cusolverDnXsyevjSetTolerance(syevjInfo_t, double tolerance).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, double, int> cusolverDnXsyevjSetTolerance;

    /// <summary>cusolverDnXsyevjSetMaxSweeps(syevjInfo_t, int max_sweeps).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int, int> cusolverDnXsyevjSetMaxSweeps;

    /// <summary>cusolverDnSsyevjBatched_bufferSize(handle, jobz, uplo, n, A, lda, W, lwork*, params, batchSize).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, int*, IntPtr, int, int> cusolverDnSsyevjBatched_bufferSize;

    /// <summary>cusolverDnSsyevjBatched(handle, jobz, uplo, n, A, lda, W, work, lwork, info, params, batchSize).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, ulong, int, ulong, IntPtr, int, int> cusolverDnSsyevjBatched;

    /// <summary>cusolverDnDsyevjBatched_bufferSize(handle, jobz, uplo, n, A, lda, W, lwork*, params, batchSize).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, int*, IntPtr, int, int> cusolverDnDsyevjBatched_bufferSize;

    /// <summary>cusolverDnDsyevjBatched(handle, jobz, uplo, n, A, lda, W, work, lwork, info, params, batchSize).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, ulong, int, ulong, IntPtr, int, int> cusolverDnDsyevjBatched;

    /// <summary>cusolverDnCreateParams(cusolverDnParams_t*).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr*, int> cusolverDnCreateParams;

    /// <summary>cusolverDnDestroyParams(cusolverDnParams_t).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, int> cusolverDnDestroyParams;

    /// <summary>cusolverDnXsyevBatched_bufferSize(handle, params, jobz, uplo, n, typeA, A, lda, typeW, W, computeType, devBytes*, hostBytes*, batchSize).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int, int, long, int, ulong, long, int, ulong, int, nuint*, nuint*, long, int> cusolverDnXsyevBatched_bufferSize;

    /// <summary>cusolverDnXsyevBatched(handle, params, jobz, uplo, n, typeA, A, lda, typeW, W, computeType, devBuf, devBytes, hostBuf, hostBytes, info, batchSize).</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int, int, long, int, ulong, long, int, ulong, int, ulong, nuint, void*, nuint, ulong, long, int> cusolverDnXsyevBatched;

    private readonly HashSet<string> _missing = new(StringComparer.Ordinal);

    /// <summary>Resolves every eigensolver entry point of <paramref name="library"/>; the absent ones stay null.</summary>
    public CusolverEigenEntryPoints(LoadedLibrary library)
    {
        ArgumentNullException.ThrowIfNull(library);
        Library = library;
        IntPtr Find(string name)
        {
            IntPtr address = library.Find(name);
            if (address == IntPtr.Zero)
            {
                _missing.Add(name);
            }
            return address;
        }
        cusolverDnSsyevd_bufferSize = (delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, int*, int>)Find("cusolverDnSsyevd_bufferSize");
        cusolverDnSsyevd = (delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, ulong, int, ulong, int>)Find("cusolverDnSsyevd");
        cusolverDnDsyevd_bufferSize = (delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, int*, int>)Find("cusolverDnDsyevd_bufferSize");
        cusolverDnDsyevd = (delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, ulong, int, ulong, int>)Find("cusolverDnDsyevd");
        cusolverDnCreateSyevjInfo = (delegate* unmanaged[Cdecl]<IntPtr*, int>)Find("cusolverDnCreateSyevjInfo");
        cusolverDnDestroySyevjInfo = (delegate* unmanaged[Cdecl]<IntPtr, int>)Find("cusolverDnDestroySyevjInfo");
        cusolverDnXsyevjSetTolerance = (delegate* unmanaged[Cdecl]<IntPtr, double, int>)Find("cusolverDnXsyevjSetTolerance");
        cusolverDnXsyevjSetMaxSweeps = (delegate* unmanaged[Cdecl]<IntPtr, int, int>)Find("cusolverDnXsyevjSetMaxSweeps");
        cusolverDnSsyevjBatched_bufferSize = (delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, int*, IntPtr, int, int>)Find("cusolverDnSsyevjBatched_bufferSize");
        cusolverDnSsyevjBatched = (delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, ulong, int, ulong, IntPtr, int, int>)Find("cusolverDnSsyevjBatched");
        cusolverDnDsyevjBatched_bufferSize = (delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, int*, IntPtr, int, int>)Find("cusolverDnDsyevjBatched_bufferSize");
        cusolverDnDsyevjBatched = (delegate* unmanaged[Cdecl]<IntPtr, int, int, int, ulong, int, ulong, ulong, int, ulong, IntPtr, int, int>)Find("cusolverDnDsyevjBatched");
        cusolverDnCreateParams = (delegate* unmanaged[Cdecl]<IntPtr*, int>)Find("cusolverDnCreateParams");
        cusolverDnDestroyParams = (delegate* unmanaged[Cdecl]<IntPtr, int>)Find("cusolverDnDestroyParams");
        cusolverDnXsyevBatched_bufferSize = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int, int, long, int, ulong, long, int, ulong, int, nuint*, nuint*, long, int>)Find("cusolverDnXsyevBatched_bufferSize");
        cusolverDnXsyevBatched = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int, int, long, int, ulong, long, int, ulong, int, ulong, nuint, void*, nuint, ulong, long, int>)Find("cusolverDnXsyevBatched");
    }

    /// <summary>The library the entry points come from.</summary>
    public LoadedLibrary Library { get; }

    /// <summary>The entry points <paramref name="method"/> calls in float32 (<paramref name="single"/>) or float64.</summary>
    public static IReadOnlyList<string> Symbols(Device.BlockEigenMethod method, bool single) => method switch
    {
        Device.BlockEigenMethod.SyevdLoop => single
            ? ["cusolverDnSsyevd_bufferSize", "cusolverDnSsyevd"]
            : ["cusolverDnDsyevd_bufferSize", "cusolverDnDsyevd"],
        Device.BlockEigenMethod.SyevjBatched =>
        [
            "cusolverDnCreateSyevjInfo", "cusolverDnDestroySyevjInfo", "cusolverDnXsyevjSetTolerance", "cusolverDnXsyevjSetMaxSweeps",
            .. single
                ? (string[])["cusolverDnSsyevjBatched_bufferSize", "cusolverDnSsyevjBatched"]
                : ["cusolverDnDsyevjBatched_bufferSize", "cusolverDnDsyevjBatched"],
        ],
        Device.BlockEigenMethod.XsyevBatched =>
            ["cusolverDnCreateParams", "cusolverDnDestroyParams", "cusolverDnXsyevBatched_bufferSize", "cusolverDnXsyevBatched"],
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "not a cuSOLVER eigensolver"),
    };

    /// <summary>Null when the library exports everything <paramref name="method"/> needs; else "unsupported: &lt;symbol&gt; missing" for the first absent one.</summary>
    public string? Missing(Device.BlockEigenMethod method, bool single) =>
        Symbols(method, single).FirstOrDefault(_missing.Contains) is string symbol ? $"unsupported: {symbol} missing from {Library.Path}" : null;
}
