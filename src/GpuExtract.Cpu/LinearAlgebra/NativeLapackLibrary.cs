using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace GpuExtract.Cpu.LinearAlgebra;

/// <summary>
/// A system LAPACK loaded at run time by soname, with its Fortran entry points resolved into
/// unmanaged function pointers. Nothing is needed at build time; a missing library or symbol is
/// reported as a reason string, never as an exception. Loaded once per process and shared by all
/// <see cref="NativeLapack"/> instances (the handle is never freed).
/// </summary>
/// <remarks>
/// Fortran calling convention (gfortran, LP64 as Debian ships it): every argument by pointer,
/// 32-bit integers, and one hidden <c>size_t</c> length per CHARACTER argument appended after the
/// visible arguments. The lengths are passed (always 1): omitting them is undefined behaviour with
/// gfortran ≥ 7 and has crashed other C callers of dsyevd.
/// </remarks>
internal sealed unsafe class NativeLapackLibrary
{
    /// <summary>Sonames tried in order: OpenBLAS (LAPACK inside), the reference or alternative LAPACK, LAPACKE (which pulls LAPACK in).</summary>
    public static readonly IReadOnlyList<string> DefaultCandidates =
    [
        "libopenblas.so.0",
        "liblapack.so.3",
        "liblapacke.so.3",
        "libopenblas.so",
        "liblapack.so",
        "libopenblas.dylib",
        "libopenblas.dll",
    ];

    /// <summary>Environment variable naming the one LAPACK library (soname or path) to load instead of <see cref="DefaultCandidates"/>.</summary>
    public const string LibraryVariable = "GPUEXTRACT_LAPACK";

    private static readonly Lazy<(NativeLapackLibrary? Library, string Reason)> Default =
        new(() => (TryLoad(ConfiguredCandidates(), out var library, out string reason) ? library : null, reason));

    private NativeLapackLibrary(string soname, string description)
    {
        Soname = soname;
        Description = description;
    }

    /// <summary>The soname that was loaded.</summary>
    public string Soname { get; }

    /// <summary>What the library says it is (openblas_get_config when exported), with the soname.</summary>
    public string Description { get; }

    /// <summary>dpotrf_(uplo, n, a, lda, info, len(uplo)).</summary>
    public delegate* unmanaged[Cdecl]<byte*, int*, double*, int*, int*, nuint, void> Dpotrf;

    /// <summary>dpotrs_(uplo, n, nrhs, a, lda, b, ldb, info, len(uplo)).</summary>
    public delegate* unmanaged[Cdecl]<byte*, int*, int*, double*, int*, double*, int*, int*, nuint, void> Dpotrs;

    /// <summary>dpotri_(uplo, n, a, lda, info, len(uplo)).</summary>
    public delegate* unmanaged[Cdecl]<byte*, int*, double*, int*, int*, nuint, void> Dpotri;

    /// <summary>dpbtrf_(uplo, n, kd, ab, ldab, info, len(uplo)).</summary>
    public delegate* unmanaged[Cdecl]<byte*, int*, int*, double*, int*, int*, nuint, void> Dpbtrf;

    /// <summary>dpbtrs_(uplo, n, kd, nrhs, ab, ldab, b, ldb, info, len(uplo)).</summary>
    public delegate* unmanaged[Cdecl]<byte*, int*, int*, int*, double*, int*, double*, int*, int*, nuint, void> Dpbtrs;

    /// <summary>dsyevd_(jobz, uplo, n, a, lda, w, work, lwork, iwork, liwork, info, len(jobz), len(uplo)).</summary>
    public delegate* unmanaged[Cdecl]<byte*, byte*, int*, double*, int*, double*, double*, int*, int*, int*, int*, nuint, nuint, void> Dsyevd;

    /// <summary>
    /// dsyevr_(jobz, range, uplo, n, a, lda, vl, vu, il, iu, abstol, m, w, z, ldz, isuppz, work, lwork,
    /// iwork, liwork, info, len(jobz), len(range), len(uplo)).
    /// </summary>
    public delegate* unmanaged[Cdecl]<byte*, byte*, byte*, int*, double*, int*, double*, double*, int*, int*, double*, int*, double*, double*, int*, int*, double*, int*, int*, int*, int*, nuint, nuint, nuint, void> Dsyevr;

    /// <summary>[$GPUEXTRACT_LAPACK] when set (e.g. an MKL or a specific OpenBLAS build), else <see cref="DefaultCandidates"/>.</summary>
    public static IReadOnlyList<string> ConfiguredCandidates()
    {
        string? configured = Environment.GetEnvironmentVariable(LibraryVariable);
        return string.IsNullOrWhiteSpace(configured) ? DefaultCandidates : [configured.Trim()];
    }

    /// <summary>The shared library from <see cref="ConfiguredCandidates"/> (loaded once), or null with the reason it could not be loaded.</summary>
    public static NativeLapackLibrary? LoadDefault(out string reason)
    {
        var (library, why) = Default.Value;
        reason = why;
        return library;
    }

    /// <summary>
    /// Loads the first of <paramref name="candidates"/> (sonames or paths) that exports every entry point
    /// needed. On failure <paramref name="reason"/> says, per candidate, what was missing.
    /// </summary>
    public static bool TryLoad(IReadOnlyList<string> candidates, out NativeLapackLibrary? library, out string reason)
    {
        PrepareOpenBlasEnvironment();
        var failures = new List<string>();
        foreach (string candidate in candidates)
        {
            if (!NativeLibrary.TryLoad(candidate, out IntPtr handle))
            {
                failures.Add($"{candidate}: not found");
                continue;
            }
            string[] required = ["dpotrf_", "dpotrs_", "dpotri_", "dpbtrf_", "dpbtrs_", "dsyevd_", "dsyevr_"];
            var missing = new List<string>();
            var exports = new Dictionary<string, IntPtr>();
            foreach (string symbol in required)
            {
                if (NativeLibrary.TryGetExport(handle, symbol, out IntPtr address))
                {
                    exports[symbol] = address;
                }
                else
                {
                    missing.Add(symbol);
                }
            }
            if (missing.Count > 0)
            {
                failures.Add($"{candidate}: lacks {string.Join(", ", missing)}");
                NativeLibrary.Free(handle);
                continue;
            }

            // OpenBLAS: one thread per call, whatever the environment says, since callers parallelise over patches.
            if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out IntPtr setThreads))
            {
                ((delegate* unmanaged[Cdecl]<int, void>)setThreads)(1);
            }
            string description = $"LAPACK (native, {candidate})";
            if (NativeLibrary.TryGetExport(handle, "openblas_get_config", out IntPtr getConfig))
            {
                string? config = Marshal.PtrToStringAnsi((IntPtr)((delegate* unmanaged[Cdecl]<byte*>)getConfig)());
                if (!string.IsNullOrWhiteSpace(config))
                {
                    description = $"{config.Trim()} (native, {candidate})";
                }
            }
            library = new NativeLapackLibrary(candidate, description)
            {
                Dpotrf = (delegate* unmanaged[Cdecl]<byte*, int*, double*, int*, int*, nuint, void>)exports["dpotrf_"],
                Dpotrs = (delegate* unmanaged[Cdecl]<byte*, int*, int*, double*, int*, double*, int*, int*, nuint, void>)exports["dpotrs_"],
                Dpotri = (delegate* unmanaged[Cdecl]<byte*, int*, double*, int*, int*, nuint, void>)exports["dpotri_"],
                Dpbtrf = (delegate* unmanaged[Cdecl]<byte*, int*, int*, double*, int*, int*, nuint, void>)exports["dpbtrf_"],
                Dpbtrs = (delegate* unmanaged[Cdecl]<byte*, int*, int*, int*, double*, int*, double*, int*, int*, nuint, void>)exports["dpbtrs_"],
                Dsyevd = (delegate* unmanaged[Cdecl]<byte*, byte*, int*, double*, int*, double*, double*, int*, int*, int*, int*, nuint, nuint, void>)exports["dsyevd_"],
                Dsyevr = (delegate* unmanaged[Cdecl]<byte*, byte*, byte*, int*, double*, int*, double*, double*, int*, int*, double*, int*, double*, double*, int*, int*, double*, int*, int*, int*, int*, nuint, nuint, nuint, void>)exports["dsyevr_"],
            };
            reason = "";
            return true;
        }
        library = null;
        reason = $"no usable LAPACK library ({string.Join("; ", failures)}); on Debian/Ubuntu: apt-get install libopenblas0";
        return false;
    }

    /// <summary>
    /// Environment OpenBLAS reads when it is loaded (a value the user set always wins):
    /// <list type="bullet">
    /// <item>OPENBLAS_NUM_THREADS=1, so that it does not start a thread pool it will never use
    /// (openblas_set_num_threads(1) after loading is what guarantees single-threaded calls);</item>
    /// <item>OPENBLAS_CORETYPE from the instruction set: a DYNAMIC_ARCH OpenBLAS that does not know the
    /// CPU model falls back to its SSE3 "Prescott" kernels. Measured on a Sapphire Rapids VM with
    /// OpenBLAS 0.3.21: dsyevd n = 500 takes 56 ms with Prescott and 21 ms with SkylakeX kernels.
    /// The SkylakeX/Haswell kernels only need AVX-512 (F, CD, BW, DQ, VL) / AVX2 + FMA, so they are
    /// correct on any CPU that has those; on a model OpenBLAS does know it would pick the same or an
    /// equivalent kernel set.</item>
    /// </list>
    /// The variables go through libc's setenv: on Unix,
    /// <see cref="Environment.SetEnvironmentVariable(string, string)"/> only changes .NET's own copy,
    /// which native getenv never sees.
    /// </summary>
    private static void PrepareOpenBlasEnvironment()
    {
        SetNativeEnvironmentDefault("OPENBLAS_NUM_THREADS", "1");
        string? coreType = null;
        if (Avx512F.IsSupported && Avx512F.VL.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512CD.IsSupported)
        {
            coreType = "SkylakeX";
        }
        else if (Avx2.IsSupported && Fma.IsSupported)
        {
            coreType = "Haswell";
        }
        if (coreType is not null)
        {
            SetNativeEnvironmentDefault("OPENBLAS_CORETYPE", coreType);
        }
    }

    /// <summary>Sets an environment variable for .NET and for native code, unless it is already set.</summary>
    private static void SetNativeEnvironmentDefault(string name, string value)
    {
        if (Environment.GetEnvironmentVariable(name) is not null)
        {
            return;
        }
        Environment.SetEnvironmentVariable(name, value);
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out IntPtr libc)
            || !NativeLibrary.TryGetExport(libc, "setenv", out IntPtr setenv))
        {
            return;
        }
        IntPtr nativeName = Marshal.StringToCoTaskMemUTF8(name);
        IntPtr nativeValue = Marshal.StringToCoTaskMemUTF8(value);
        try
        {
            // overwrite = 0: never replaces a value already in the native environment.
            ((delegate* unmanaged[Cdecl]<byte*, byte*, int, int>)setenv)((byte*)nativeName, (byte*)nativeValue, 0);
        }
        finally
        {
            Marshal.FreeCoTaskMem(nativeName);
            Marshal.FreeCoTaskMem(nativeValue);
        }
    }
}
