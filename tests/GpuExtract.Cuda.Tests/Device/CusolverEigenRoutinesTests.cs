using GpuExtract.Cuda.Device;
using GpuExtract.Cuda.Native;
using GpuExtract.Cuda.Tests.Emulation;

namespace GpuExtract.Cuda.Tests.Device;

/// <summary>
/// The eigensolver binding of <see cref="CusolverEigenRoutines"/> against stand-in cuSOLVER libraries (no GPU):
/// each routine must pass its arguments in the positions of NVIDIA's documented C prototypes (the stand-in is
/// compiled from those prototypes and records what it receives), and a library lacking a routine must make it
/// report "unsupported: &lt;symbol&gt; missing" without calling anything. Expected values are the documented enum
/// values (CUSOLVER_EIG_MODE_VECTOR = 1, CUBLAS_FILL_MODE_LOWER = 0, CUDA_R_64F = 1, CUDA_R_32F = 0) and the
/// addresses handed in, not values produced by the binding.
/// </summary>
public sealed class CusolverEigenRoutinesTests
{
    private const long Handle = 0x1234;
    private const int N = 5, Count = 3;

    private static CusolverEigenRoutines Routines(CusolverStandIn library, EmulatedDevice device) =>
        new(new CusolverEigenEntryPoints(library.Library), (IntPtr)Handle, device, () => { }, "stand-in");

    /// <summary>Runs <paramref name="method"/> on a batch on the emulated device; returns the batch's addresses.</summary>
    private static (long Matrices, long Eigenvalues, long Info) Run(CusolverStandIn library, BlockEigenMethod method, bool single)
    {
        using var device = new EmulatedDevice();
        int element = single ? sizeof(float) : sizeof(double);
        DevicePointer matrices = device.Allocate((long)Count * N * N * element), eigenvalues = device.Allocate((long)Count * N * element),
            info = device.Allocate(Count * sizeof(int));
        using (CusolverEigenRoutines routines = Routines(library, device))
        {
            Assert.Null(routines.Unsupported(method, single));
            routines.Decompose(method, single, N, matrices, eigenvalues, info, Count);
        }
        var addresses = ((long)matrices.Address, (long)eigenvalues.Address, (long)info.Address);
        device.Free(matrices);
        device.Free(eigenvalues);
        device.Free(info);
        return addresses;
    }

    [SkippableTheory]
    [InlineData(false, "cusolverDnDsyevd")]
    [InlineData(true, "cusolverDnSsyevd")]
    public void Syevd_PassesTheDocumentedArguments_OnceForEachMatrix(bool single, string routine)
    {
        using CusolverStandIn library = CusolverStandIn.Full();
        (long a, long w, long info) = Run(library, BlockEigenMethod.SyevdLoop, single);
        int element = single ? sizeof(float) : sizeof(double);
        // (handle, jobz, uplo, n, A, lda, W): the size query sees the first matrix.
        Assert.Equal([Handle, 1, 0, N, a, N, w], library.Arguments(routine + "_bufferSize"));
        long[] call = library.Arguments(routine);
        Assert.Equal(10, call.Length);
        // (handle, jobz, uplo, n, A, lda, W, work, lwork, devInfo): the last call is the last matrix.
        Assert.Equal([Handle, 1, 0, N, a + (Count - 1) * N * N * element, N, w + (Count - 1) * N * element], call[..7]);
        Assert.NotEqual(0, call[7]);
        Assert.Equal(CusolverStandIn.SyevdLwork + N, call[8]);
        Assert.Equal(info + (Count - 1) * sizeof(int), call[9]);
    }

    [SkippableTheory]
    [InlineData(false, "cusolverDnDsyevjBatched")]
    [InlineData(true, "cusolverDnSsyevjBatched")]
    public void SyevjBatched_PassesTheDocumentedArguments_AndSetsToleranceAndSweeps(bool single, string routine)
    {
        using CusolverStandIn library = CusolverStandIn.Full();
        (long a, long w, long info) = Run(library, BlockEigenMethod.SyevjBatched, single);
        long parameters = CusolverStandIn.SyevjInfoHandle;
        // (handle, jobz, uplo, n, A, lda, W, params, batchSize); lwork is the out-argument.
        Assert.Equal([Handle, 1, 0, N, a, N, w, parameters, Count], library.Arguments(routine + "_bufferSize"));
        long[] call = library.Arguments(routine);
        // (handle, jobz, uplo, n, A, lda, W, work, lwork, info, params, batchSize)
        Assert.Equal(12, call.Length);
        Assert.Equal([Handle, 1, 0, N, a, N, w], call[..7]);
        Assert.NotEqual(0, call[7]);
        Assert.Equal([CusolverStandIn.SyevjLwork + N, info, parameters, Count], call[8..]);
        // The unit roundoff of the precision, 2^-24 or 2^-53, as its IEEE bits.
        double tolerance = single ? 5.9604644775390625e-08 : 1.1102230246251565e-16;
        Assert.Equal([parameters, BitConverter.DoubleToInt64Bits(tolerance)], library.Arguments("cusolverDnXsyevjSetTolerance"));
        Assert.Equal([parameters, 100], library.Arguments("cusolverDnXsyevjSetMaxSweeps"));
        Assert.Equal([parameters], library.Arguments("cusolverDnDestroySyevjInfo"));
    }

    [SkippableTheory]
    [InlineData(false, 1)]
    [InlineData(true, 0)]
    public void XsyevBatched_PassesTheDocumentedArguments_WithTheDataTypeOfThePrecision(bool single, int cudaDataType)
    {
        using CusolverStandIn library = CusolverStandIn.Full();
        (long a, long w, long info) = Run(library, BlockEigenMethod.XsyevBatched, single);
        long parameters = CusolverStandIn.ParamsHandle;
        // (handle, params, jobz, uplo, n, typeA, A, lda, typeW, W, computeType, batchSize); the two sizes are out-arguments.
        Assert.Equal([Handle, parameters, 1, 0, N, cudaDataType, a, N, cudaDataType, w, cudaDataType, Count],
            library.Arguments("cusolverDnXsyevBatched_bufferSize"));
        long[] call = library.Arguments("cusolverDnXsyevBatched");
        // (handle, params, jobz, uplo, n, typeA, A, lda, typeW, W, computeType, devBuf, devBytes, hostBuf, hostBytes, info, batchSize)
        Assert.Equal(17, call.Length);
        Assert.Equal([Handle, parameters, 1, 0, N, cudaDataType, a, N, cudaDataType, w, cudaDataType], call[..11]);
        Assert.NotEqual(0, call[11]);
        Assert.Equal(CusolverStandIn.XsyevDeviceBytes, call[12]);
        Assert.NotEqual(0, call[13]);
        Assert.Equal([CusolverStandIn.XsyevHostBytes, info, Count], call[14..]);
        Assert.Equal([parameters], library.Arguments("cusolverDnDestroyParams"));
    }

    [SkippableTheory]
    [InlineData(BlockEigenMethod.SyevdLoop, false, "cusolverDnDsyevd_bufferSize")]
    [InlineData(BlockEigenMethod.SyevdLoop, true, "cusolverDnSsyevd_bufferSize")]
    [InlineData(BlockEigenMethod.SyevjBatched, false, "cusolverDnCreateSyevjInfo")]
    [InlineData(BlockEigenMethod.SyevjBatched, true, "cusolverDnCreateSyevjInfo")]
    [InlineData(BlockEigenMethod.XsyevBatched, false, "cusolverDnCreateParams")]
    [InlineData(BlockEigenMethod.XsyevBatched, true, "cusolverDnCreateParams")]
    public void ALibraryWithoutTheSymbols_ReportsUnsupported_AndDoesNotCall(BlockEigenMethod method, bool single, string firstMissing)
    {
        using CusolverStandIn library = CusolverStandIn.Empty();
        using var device = new EmulatedDevice();
        using CusolverEigenRoutines routines = Routines(library, device);
        string? why = routines.Unsupported(method, single);
        Assert.NotNull(why);
        Assert.StartsWith($"unsupported: {firstMissing} missing", why);
        Assert.Equal(0, routines.WorkspaceBytes(method, single, N, Count));
        var e = Assert.Throws<NotSupportedException>(() => routines.Decompose(method, single, N, DevicePointer.Null, DevicePointer.Null, DevicePointer.Null, Count));
        Assert.Contains(firstMissing, e.Message);
    }

    [SkippableFact]
    public void ALibraryWithOnlyDsyevd_SupportsSyevdInFloat64Only()
    {
        using CusolverStandIn library = CusolverStandIn.DoubleSyevdOnly();
        using var device = new EmulatedDevice();
        using CusolverEigenRoutines routines = Routines(library, device);
        Assert.Null(routines.Unsupported(BlockEigenMethod.SyevdLoop, single: false));
        Assert.StartsWith("unsupported: cusolverDnSsyevd_bufferSize missing", routines.Unsupported(BlockEigenMethod.SyevdLoop, single: true));
        Assert.StartsWith("unsupported: cusolverDnCreateSyevjInfo missing", routines.Unsupported(BlockEigenMethod.SyevjBatched, single: false));
        Assert.StartsWith("unsupported: cusolverDnCreateParams missing", routines.Unsupported(BlockEigenMethod.XsyevBatched, single: false));
    }

    [Fact]
    public void SyevjBatched_TakesAtMost32()
    {
        Assert.Equal(32, CusolverEigenRoutines.MaxN(BlockEigenMethod.SyevjBatched));
        Assert.Equal(int.MaxValue, CusolverEigenRoutines.MaxN(BlockEigenMethod.XsyevBatched));
    }
}
