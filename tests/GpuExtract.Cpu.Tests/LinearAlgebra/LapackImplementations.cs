using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.Cpu.Tests.LinearAlgebra;

/// <summary>The <see cref="ILapack"/> implementations every contract test runs against.</summary>
internal static class LapackImplementations
{
    /// <summary>Theory data: one row per implementation name.</summary>
    public static TheoryData<string> Names => new() { "managed" };

    /// <summary>A fresh instance of the named implementation.</summary>
    public static ILapack Create(string name) => name == "managed" ? new ManagedLapack() : throw new ArgumentException(name);
}
