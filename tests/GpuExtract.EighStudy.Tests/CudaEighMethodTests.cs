using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Cuda.Device;
using GpuExtract.Cuda.Tests.Device;
using GpuExtract.Cuda.Tests.Emulation;
using GpuExtract.EighStudy.Cuda;
using GpuExtract.Testing;
using Xunit.Abstractions;

namespace GpuExtract.EighStudy.Tests;

/// <summary>
/// eigh-bench's GPU methods on the emulated device: the three cuSOLVER routines (emulated with LAPACK) and our
/// batched Jacobi kernel (kernels/jacobi_eigen.cu run by the host emulator), in float64 and float32, through the
/// study runner with its validation (‖Av − λv‖/‖A‖_F and |VᵀV − I| ≤ 1e-10 in f64, 1e-4 in f32), on random SPD
/// matrices and on the committed fixture's per-fiber blocks (n = 74) of a real patch.
/// </summary>
[Collection("emulated device")]
public sealed class CudaEighMethodTests(ITestOutputHelper output)
{
    private static readonly MachineInfo Machine = MachineInfo.Describe("tests");

    [SkippableFact]
    public void GpuMethods_OnTheEmulatedDevice_MeasureAndValidate_InBothPrecisions()
    {
        KernelEmulator.SkipIfUnavailable();
        IReadOnlyList<ExtractionMatrix> fixture = ExtractionMatrices.Read(Path.Combine(TestEnvironment.RepositoryRoot, ExtractionMatrices.FixturePath));
        // Two of the fixture's C_bb blocks (the patch iCov, n ≈ 518, is beyond the kernel and too slow to emulate).
        ExtractionMatrix[] blocks = [.. fixture.Where(m => m.Kind == ExtractionMatrices.BlockKind).Take(2)];
        var options = new EighBenchmarkOptions
        {
            Sizes = [9, 40],
            Batches = [2],
            Precisions = [EighPrecision.Double, EighPrecision.Single],
            Extraction = blocks,
            Repeats = 1,
            Warmups = 0,
            ValidatedMatrices = 2,
            // Emulated times say nothing about a GPU (the kernel runs thread by thread on the host): no budget skips.
            PointBudgetSeconds = double.MaxValue,
        };
        using var device = new EmulatedDevice();
        var cusolver = new EmulatedCusolverEigh(device);
        List<CudaEighMethod> methods = [.. CudaEighMethod.Methods.Select(m => new CudaEighMethod(m.Name, device, cusolver, device.SharedBytesPerBlock))];
        var log = new StringWriter();
        EighResults results = new EighBenchmark(options, [.. methods], log).Run(Machine);
        output.WriteLine(log.ToString());
        foreach (CudaEighMethod method in methods)
        {
            method.Dispose();
        }

        // 3 inputs (n = 9, 40, 74) × 2 precisions × 4 methods; syevjBatched is skipped beyond n = 32.
        Assert.Equal(3 * 2 * 4, results.Points.Count);
        foreach (EighPoint p in results.Points)
        {
            Assert.Equal("cuda", p.Backend);
            if (p.Method == "cusolver-syevj-batched" && p.N > 32)
            {
                Assert.Equal(EighPointStatus.Skipped, p.Status);
                Assert.Contains("n <= 32", p.Note);
                continue;
            }
            Assert.True(p.Status == EighPointStatus.Ok, EighBenchmark.Describe(p));
            Assert.True(p.Residual <= p.Tolerance && p.Orthogonality <= p.Tolerance, EighBenchmark.Describe(p));
            Assert.Equal(p.N, p.ColumnsChecked);
        }
        // Our kernel in float64 on the real patch's blocks meets the float64 tolerance.
        EighPoint kernelBlocks = results.Points.Single(p => p.Method == CudaEighMethod.JacobiKernel && p.Input != EighInput.RandomName && p.Precision == EighPrecision.Double);
        output.WriteLine($"kernel on the fixture's blocks (n = {kernelBlocks.N}): residual {kernelBlocks.Residual:e2}, orthogonality {kernelBlocks.Orthogonality:e2}");
        Assert.True(kernelBlocks.Residual <= 1e-10 && kernelBlocks.Orthogonality <= 1e-10);
        // syevd is a loop: one library call per matrix (2 matrices × 5 measured points).
        Assert.Equal(2 * 3 * 2, cusolver.Calls[CusolverEighRoutine.SyevdLoop]);
        Assert.Equal(0, device.Used);
    }

    [SkippableFact]
    public void JacobiKernel_OnTheFixturesBlocks_MatchesLapacksEigenvalues()
    {
        KernelEmulator.SkipIfUnavailable();
        IReadOnlyList<ExtractionMatrix> fixture = ExtractionMatrices.Read(Path.Combine(TestEnvironment.RepositoryRoot, ExtractionMatrices.FixturePath));
        ExtractionMatrix[] blocks = [.. fixture.Where(m => m.Kind == ExtractionMatrices.BlockKind).Take(3)];
        int n = blocks[0].N;
        Assert.All(blocks, b => Assert.Equal(n, b.N));
        var batch = new EighBatch(n, blocks.Length, EighPrecision.Double);
        for (int b = 0; b < blocks.Length; b++)
        {
            blocks[b].Matrix.CopyTo(batch.Matrices64.AsSpan(b * n * n));
        }
        using var device = new EmulatedDevice();
        using (var kernel = new CudaEighMethod(CudaEighMethod.JacobiKernel, device, null, device.SharedBytesPerBlock))
        {
            kernel.Decompose(batch);
        }
        ILapack lapack = LapackProvider.CreateFactory(LapackChoice.Auto, out _)();
        for (int b = 0; b < blocks.Length; b++)
        {
            EighCheck check = EighValidation.Check(blocks[b].Matrix, batch.Matrices64.AsSpan(b * n * n, n * n), batch.Eigenvalues64.AsSpan(b * n, n), n);
            var a = (double[])blocks[b].Matrix.Clone();
            var expected = new double[n];
            lapack.SymmetricEigen(a, n, expected);
            double scale = expected.Max(Math.Abs), worst = 0, worstRelative = 0;
            for (int k = 0; k < n; k++)
            {
                double difference = Math.Abs(batch.Eigenvalues64[b * n + k] - expected[k]);
                worst = Math.Max(worst, difference / scale);
                worstRelative = Math.Max(worstRelative, difference / Math.Abs(expected[k]));
            }
            output.WriteLine($"{blocks[b].Label}: residual {check.Residual:e2}, orthogonality {check.Orthogonality:e2}, eigenvalues vs LAPACK {worst:e2} of max |λ| ({worstRelative:e2} relative, worst eigenvalue)");
            Assert.True(check.Passes(1e-10), $"residual {check.Residual:e3}, orthogonality {check.Orthogonality:e3}");
            // Both are backward stable: eigenvalues agree to a few ε·‖A‖ (Weyl); 1e-13 of max |λ| leaves room for n = 74.
            Assert.True(worst <= 1e-13, $"eigenvalues differ from LAPACK's by {worst:e3} of max |λ|");
        }
    }

    [Fact]
    public void CusolverMethods_WithoutBindings_SayWhyTheyDoNotRun()
    {
        using var device = new EmulatedDevice();
        using var syevd = new CudaEighMethod("cusolver-syevd", device, null, device.SharedBytesPerBlock);
        using var kernel = new CudaEighMethod(CudaEighMethod.JacobiKernel, device, null, device.SharedBytesPerBlock);
        Assert.Contains("not bound", syevd.Unsupported(EighPrecision.Double));
        Assert.Null(kernel.Unsupported(EighPrecision.Single));
        // The kernel's limit from the shared memory per block (227 KiB): n ≤ 118 in f64, 168 in f32.
        Assert.Equal(118, kernel.MaxN(EighPrecision.Double));
        Assert.Equal(168, kernel.MaxN(EighPrecision.Single));
        Assert.Null(kernel.UnsupportedSize(118, EighPrecision.Double));
        Assert.NotNull(kernel.UnsupportedSize(119, EighPrecision.Double));
        Assert.Throws<ArgumentException>(() => new CudaEighMethod("cusolver-gesvd", device, null, 0));
    }

    [SkippableTheory]
    [InlineData("cusolver-syevd", "cusolverDnDsyevd_bufferSize", "cusolverDnSsyevd_bufferSize")]
    [InlineData("cusolver-syevj-batched", "cusolverDnCreateSyevjInfo", "cusolverDnCreateSyevjInfo")]
    [InlineData("cusolver-xsyev-batched", "cusolverDnCreateParams", "cusolverDnCreateParams")]
    public void CusolverMethods_OnALibraryLackingTheirSymbols_ReportUnsupported_WithoutThrowing(string name, string missing64, string missing32)
    {
        // A stand-in cuSOLVER exporting none of the eigensolvers, as an older CUDA lacks XsyevBatched.
        using CusolverStandIn library = CusolverStandIn.Empty();
        using var device = new EmulatedDevice();
        using var cusolver = new CusolverEigh(device, new CusolverEigenRoutines(
            new GpuExtract.Cuda.Native.CusolverEigenEntryPoints(library.Library), IntPtr.Zero, device, () => { }, "stand-in"));
        using var method = new CudaEighMethod(name, device, cusolver, device.SharedBytesPerBlock);
        Assert.StartsWith($"unsupported: {missing64} missing", method.Unsupported(EighPrecision.Double));
        Assert.StartsWith($"unsupported: {missing32} missing", method.Unsupported(EighPrecision.Single));
        // The batch alone: no workspace query reaches the absent routine.
        Assert.Equal(4L * (25 + 5) * sizeof(double) + 4 * sizeof(int), method.MemoryBytes(5, 4, EighPrecision.Double));
        Assert.Contains("stand-in", method.Description);
    }

    [SkippableFact]
    public void SyevdLoop_OnALibraryWithOnlyDsyevd_RunsInFloat64Only()
    {
        using CusolverStandIn library = CusolverStandIn.DoubleSyevdOnly();
        using var device = new EmulatedDevice();
        using var cusolver = new CusolverEigh(device, new CusolverEigenRoutines(
            new GpuExtract.Cuda.Native.CusolverEigenEntryPoints(library.Library), IntPtr.Zero, device, () => { }, "stand-in"));
        using var method = new CudaEighMethod("cusolver-syevd", device, cusolver, device.SharedBytesPerBlock);
        Assert.Null(method.Unsupported(EighPrecision.Double));
        Assert.StartsWith("unsupported: cusolverDnSsyevd_bufferSize missing", method.Unsupported(EighPrecision.Single));
        // Workspace: the stand-in's lwork (1000 + n) doubles, beside the batch.
        Assert.Equal(4L * (25 + 5) * sizeof(double) + 4 * sizeof(int) + (1000 + 5) * sizeof(double), method.MemoryBytes(5, 4, EighPrecision.Double));
    }
}
