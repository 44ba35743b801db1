using GpuExtract.Cuda.Kernels;

namespace GpuExtract.Cuda.Native;

/// <summary>
/// What the probe does before it calls a GPU usable, beyond finding the libraries: on the first capable GPU it
/// creates a cuBLAS handle and a cuSOLVER handle and loads one module compiled by NVRTC. Libraries that load but
/// do not fit the driver (e.g. CUDA 13 libraries on a CUDA 12 driver) fail here, so <c>--backend auto</c> says why
/// instead of failing later and falling back silently.
/// </summary>
internal static unsafe class GpuSmokeTest
{
    /// <summary>The smallest kernel that proves a compiled module loads.</summary>
    private static readonly KernelSource Probe = new("probe.cu",
        "extern \"C\" __global__ void gx_probe(int* flag) { if (flag) *flag = 1; }\n", new Dictionary<string, string>());

    /// <summary>Null when all three steps work on GPU <paramref name="gpu"/>, else what failed, in one line.</summary>
    public static string? Run(CudaDriver driver, Cublas cublas, Cusolver cusolver, GpuInfo gpu)
    {
        int device;
        IntPtr context = IntPtr.Zero;
        try
        {
            driver.Check(driver.cuDeviceGet(&device, gpu.Ordinal), "cuDeviceGet");
            driver.Check(driver.cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
            try
            {
                driver.Check(driver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
                IntPtr blas;
                cublas.Check(cublas.cublasCreate_v2(&blas), "cublasCreate_v2");
                cublas.cublasDestroy_v2(blas);
                IntPtr solver;
                cusolver.Check(cusolver.cusolverDnCreate(&solver), "cusolverDnCreate");
                cusolver.cusolverDnDestroy(solver);
                NvrtcCompiler compiler = NvrtcCompiler.TryCreate(out string reason) ?? throw new InvalidOperationException(reason);
                CompiledKernel kernel = compiler.Compile(Probe, gpu.ComputeCapability);
                IntPtr module;
                fixed (byte* image = kernel.Image)
                {
                    driver.Check(driver.cuModuleLoadData(&module, image), $"cuModuleLoadData (NVRTC {compiler.Version}, {kernel.Kind} for sm_{gpu.ComputeCapability})");
                }
                driver.cuModuleUnload(module);
                return null;
            }
            finally
            {
                driver.cuDevicePrimaryCtxRelease_v2(device);
            }
        }
        catch (Exception error) when (error is CudaException or InvalidOperationException)
        {
            return $"GPU {gpu.Ordinal} failed the smoke test: {error.Message}";
        }
    }
}
