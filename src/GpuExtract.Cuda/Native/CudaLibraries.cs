namespace GpuExtract.Cuda.Native;

/// <summary>
/// The four CUDA libraries, each loaded once per process on first use (the handles are never freed).
/// A library that is missing is null with the reason; nothing here throws for a missing library. NVRTC, cuBLAS and
/// cuSOLVER are looked for only under sonames whose CUDA major version the driver supports (when there is a driver).
/// </summary>
internal static class CudaLibraries
{
    private static readonly Lazy<(CudaDriver? Library, string Reason)> DriverLoad = new(() => (CudaDriver.TryLoad(out string r), r));
    private static readonly Lazy<int?> DriverMajor = new(ReadDriverMajor);
    private static readonly Lazy<(Native.Nvrtc? Library, string Reason)> NvrtcLoad = new(() => (Native.Nvrtc.TryLoad(out string r, DriverMajor.Value), r));
    private static readonly Lazy<(Native.Cublas? Library, string Reason)> CublasLoad = new(() => (Native.Cublas.TryLoad(out string r, DriverMajor.Value), r));
    private static readonly Lazy<(Native.Cusolver? Library, string Reason)> CusolverLoad = new(() => (Native.Cusolver.TryLoad(out string r, DriverMajor.Value), r));
    private static readonly object InitLock = new();
    private static int _initResult = -1;

    /// <summary>The CUDA major version the driver supports (cuDriverGetVersion / 1000), or null without a driver.</summary>
    public static int? DriverCudaMajor => DriverMajor.Value;

    private static unsafe int? ReadDriverMajor()
    {
        CudaDriver? driver = Driver(out _);
        int version;
        return driver is not null && driver.cuDriverGetVersion(&version) == CudaDriver.Success ? version / 1000 : null;
    }

    public static CudaDriver? Driver(out string reason)
    {
        (CudaDriver? library, reason) = DriverLoad.Value;
        return library;
    }

    public static Native.Nvrtc? Nvrtc(out string reason)
    {
        (Native.Nvrtc? library, reason) = NvrtcLoad.Value;
        return library;
    }

    public static Native.Cublas? Cublas(out string reason)
    {
        (Native.Cublas? library, reason) = CublasLoad.Value;
        return library;
    }

    public static Native.Cusolver? Cusolver(out string reason)
    {
        (Native.Cusolver? library, reason) = CusolverLoad.Value;
        return library;
    }

    /// <summary>cuInit(0), once per process; returns its CUresult (0 = success).</summary>
    public static unsafe int Initialize(CudaDriver driver)
    {
        lock (InitLock)
        {
            if (_initResult < 0)
            {
                _initResult = driver.cuInit(0);
            }
            return _initResult;
        }
    }
}
