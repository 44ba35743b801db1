using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Testing;

namespace GpuExtract.Cpu.Tests.LinearAlgebra;

/// <summary>The <see cref="ILapack"/> implementations every contract test runs against.</summary>
internal static class LapackImplementations
{
    /// <summary>Theory data: one row per implementation name.</summary>
    public static TheoryData<string> Names => new() { "managed", "native" };

    /// <summary>Theory data for eigen-decomposition: also native with the dsyevr (MRRR) driver.</summary>
    public static TheoryData<string> EigenNames => new() { "managed", "native", "native-dsyevr" };

    /// <summary>
    /// A fresh instance of the named implementation. Native LAPACK that cannot be loaded skips the
    /// test with the loader's reason, or fails it under GPUEXTRACT_REQUIRE_INTEROP=1.
    /// </summary>
    public static ILapack Create(string name)
    {
        if (name == "managed")
        {
            return new ManagedLapack();
        }
        NativeLapack native = RequireNative();
        if (name == "native-dsyevr")
        {
            native.EigenDriver = SymmetricEigenDriver.RelativelyRobustRepresentations;
        }
        return native;
    }

    /// <summary>A native instance, or skip (fail under GPUEXTRACT_REQUIRE_INTEROP=1) with the reason.</summary>
    public static NativeLapack RequireNative()
    {
        bool loaded = NativeLapack.TryCreate(out NativeLapack? lapack, out string reason);
        TestEnvironment.SkipUnless(loaded, $"native LAPACK is not loadable: {reason}", isInteropTool: true);
        return lapack!;
    }
}
