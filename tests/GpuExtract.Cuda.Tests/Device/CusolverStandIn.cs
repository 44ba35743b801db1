using System.Runtime.InteropServices;
using GpuExtract.Cuda.Native;
using GpuExtract.Testing;

namespace GpuExtract.Cuda.Tests.Device;

/// <summary>
/// A stand-in cuSOLVER for tests without a GPU: a shared object built with the system C compiler whose functions
/// are declared with the C prototypes of NVIDIA's cuSOLVER documentation (cusolverDn.h) and record the
/// arguments they receive (each as a 64-bit integer; a double as its bits), so that a test can check that the
/// binding passes each argument in the documented position. The size queries answer fixed sizes
/// (<see cref="SyevdLwork"/> + n, …). <see cref="Empty"/> exports none of cuSOLVER's symbols.
/// </summary>
internal sealed class CusolverStandIn : IDisposable
{
    /// <summary>lwork the syevd size queries answer, plus n.</summary>
    public const int SyevdLwork = 1000;

    /// <summary>lwork the syevjBatched size queries answer, plus n.</summary>
    public const int SyevjLwork = 2000;

    /// <summary>Device and host bytes the XsyevBatched size query answers.</summary>
    public const int XsyevDeviceBytes = 3000, XsyevHostBytes = 48;

    /// <summary>The handles the create functions hand out.</summary>
    public const long SyevjInfoHandle = 0x5e7, ParamsHandle = 0x9a7;

    private const string Recorder = """
        #include <stdint.h>
        #include <stddef.h>
        #include <string.h>
        typedef struct { const char* name; int count; long long args[20]; } call_t;
        static call_t calls[32];
        static int ncalls;
        static call_t* slot(const char* name) {
            for (int i = 0; i < ncalls; i++) if (strcmp(calls[i].name, name) == 0) return &calls[i];
            calls[ncalls].name = name;
            return &calls[ncalls++];
        }
        #define P(x) ((long long)(intptr_t)(x))
        #define REC(...) do { long long a[] = { __VA_ARGS__ }; call_t* c = slot(__func__); \
            c->count = (int)(sizeof(a) / sizeof(a[0])); memcpy(c->args, a, sizeof(a)); } while (0)
        int gx_args(const char* name, long long* out) {
            for (int i = 0; i < ncalls; i++) if (strcmp(calls[i].name, name) == 0) {
                memcpy(out, calls[i].args, sizeof(calls[i].args)); return calls[i].count; }
            return -1;
        }
        """;

    private const string Functions = """
        int cusolverDnSsyevd_bufferSize(void* h, int jobz, int uplo, int n, const float* A, int lda, const float* W, int* lwork)
        { REC(P(h), jobz, uplo, n, P(A), lda, P(W)); *lwork = 1000 + n; return 0; }
        int cusolverDnSsyevd(void* h, int jobz, int uplo, int n, float* A, int lda, float* W, float* work, int lwork, int* info)
        { REC(P(h), jobz, uplo, n, P(A), lda, P(W), P(work), lwork, P(info)); return 0; }
        int cusolverDnDsyevd_bufferSize(void* h, int jobz, int uplo, int n, const double* A, int lda, const double* W, int* lwork)
        { REC(P(h), jobz, uplo, n, P(A), lda, P(W)); *lwork = 1000 + n; return 0; }
        int cusolverDnDsyevd(void* h, int jobz, int uplo, int n, double* A, int lda, double* W, double* work, int lwork, int* info)
        { REC(P(h), jobz, uplo, n, P(A), lda, P(W), P(work), lwork, P(info)); return 0; }
        int cusolverDnCreateSyevjInfo(void** info) { *info = (void*)0x5e7; REC(0); return 0; }
        int cusolverDnDestroySyevjInfo(void* info) { REC(P(info)); return 0; }
        int cusolverDnXsyevjSetTolerance(void* info, double tolerance)
        { long long bits; memcpy(&bits, &tolerance, sizeof bits); REC(P(info), bits); return 0; }
        int cusolverDnXsyevjSetMaxSweeps(void* info, int maxSweeps) { REC(P(info), maxSweeps); return 0; }
        int cusolverDnSsyevjBatched_bufferSize(void* h, int jobz, int uplo, int n, const float* A, int lda, const float* W, int* lwork, void* params, int batchSize)
        { REC(P(h), jobz, uplo, n, P(A), lda, P(W), P(params), batchSize); *lwork = 2000 + n; return 0; }
        int cusolverDnSsyevjBatched(void* h, int jobz, int uplo, int n, float* A, int lda, float* W, float* work, int lwork, int* info, void* params, int batchSize)
        { REC(P(h), jobz, uplo, n, P(A), lda, P(W), P(work), lwork, P(info), P(params), batchSize); return 0; }
        int cusolverDnDsyevjBatched_bufferSize(void* h, int jobz, int uplo, int n, const double* A, int lda, const double* W, int* lwork, void* params, int batchSize)
        { REC(P(h), jobz, uplo, n, P(A), lda, P(W), P(params), batchSize); *lwork = 2000 + n; return 0; }
        int cusolverDnDsyevjBatched(void* h, int jobz, int uplo, int n, double* A, int lda, double* W, double* work, int lwork, int* info, void* params, int batchSize)
        { REC(P(h), jobz, uplo, n, P(A), lda, P(W), P(work), lwork, P(info), P(params), batchSize); return 0; }
        int cusolverDnCreateParams(void** params) { *params = (void*)0x9a7; REC(0); return 0; }
        int cusolverDnDestroyParams(void* params) { REC(P(params)); return 0; }
        int cusolverDnXsyevBatched_bufferSize(void* h, void* params, int jobz, int uplo, int64_t n, int typeA, const void* A, int64_t lda,
            int typeW, const void* W, int computeType, size_t* deviceBytes, size_t* hostBytes, int64_t batchSize)
        { REC(P(h), P(params), jobz, uplo, n, typeA, P(A), lda, typeW, P(W), computeType, batchSize); *deviceBytes = 3000; *hostBytes = 48; return 0; }
        int cusolverDnXsyevBatched(void* h, void* params, int jobz, int uplo, int64_t n, int typeA, void* A, int64_t lda, int typeW, void* W,
            int computeType, void* deviceBuffer, size_t deviceBytes, void* hostBuffer, size_t hostBytes, int* info, int64_t batchSize)
        { REC(P(h), P(params), jobz, uplo, n, typeA, P(A), lda, typeW, P(W), computeType, P(deviceBuffer), (long long)deviceBytes,
              P(hostBuffer), (long long)hostBytes, P(info), batchSize); return 0; }
        """;

    private readonly string _directory;
    private readonly IntPtr _handle;

    private CusolverStandIn(string directory, IntPtr handle, string path)
    {
        _directory = directory;
        _handle = handle;
        Library = new LoadedLibrary(handle, Path.GetFileName(path), path);
    }

    /// <summary>The stand-in, as the binding sees it.</summary>
    public LoadedLibrary Library { get; }

    /// <summary>Every eigensolver entry point, recording its arguments.</summary>
    public static CusolverStandIn Full() => Build(Recorder + Functions, "libcusolver-standin.so");

    /// <summary>Only the float64 syevd pair: what a library without the rest looks like to the binding.</summary>
    public static CusolverStandIn DoubleSyevdOnly() => Build(
        Recorder + string.Join('\n', Functions.Split('\n').SkipWhile(l => !l.StartsWith("int cusolverDnDsyevd_bufferSize", StringComparison.Ordinal)).Take(4)),
        "libcusolver-dsyevd.so");

    /// <summary>None of cuSOLVER's symbols.</summary>
    public static CusolverStandIn Empty() => Build("int gx_stand_in;\n", "libcusolver-empty.so");

    private static CusolverStandIn Build(string source, string name)
    {
        string? compiler = new[] { "cc", "gcc" }.FirstOrDefault(c => TestEnvironment.Run("sh", ["-c", $"command -v {c}"]).ExitCode == 0);
        Skip.If(compiler is null, "no C compiler to build a stand-in cuSOLVER");
        string directory = Path.Combine(Path.GetTempPath(), $"gpuextract-cusolver-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        string file = Path.Combine(directory, "standin.c"), library = Path.Combine(directory, name);
        File.WriteAllText(file, source);
        var (code, _, stderr) = TestEnvironment.Run(compiler!, ["-shared", "-fPIC", "-O0", "-o", library, file]);
        Assert.True(code == 0, $"{compiler} failed: {stderr}");
        return new CusolverStandIn(directory, NativeLibrary.Load(library), library);
    }

    /// <summary>The arguments of the last call of <paramref name="function"/> (the test fails when it was not called).</summary>
    public unsafe long[] Arguments(string function)
    {
        var gxArgs = (delegate* unmanaged[Cdecl]<byte*, long*, int>)NativeLibrary.GetExport(_handle, "gx_args");
        long* values = stackalloc long[20];
        byte[] name = [.. System.Text.Encoding.ASCII.GetBytes(function), 0];
        int count;
        fixed (byte* text = name)
        {
            count = gxArgs(text, values);
        }
        Assert.True(count >= 0, $"{function} was not called");
        return new Span<long>(values, count).ToArray();
    }

    public void Dispose()
    {
        // The shared object stays mapped (the binding's pointers into it may outlive the test); its file can go.
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
