using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.Cpu.Tests.LinearAlgebra;

/// <summary>Choosing the LAPACK implementation.</summary>
public sealed class LapackProviderTests
{
    private static readonly string[] MissingLibrary = ["libgpuextract-no-such-lapack.so.9"];

    [Fact]
    public void Managed_AlwaysGivesManagedInstances()
    {
        Func<ILapack> factory = LapackProvider.CreateFactory(LapackChoice.Managed, MissingLibrary, out string description);

        ILapack first = factory();
        ILapack second = factory();
        Assert.IsType<ManagedLapack>(first);
        Assert.NotSame(first, second); // one instance per worker
        Assert.Contains("managed", description);
    }

    [Fact]
    public void Native_WhenMissing_ThrowsWithOneLineReason()
    {
        var error = Assert.Throws<LapackUnavailableException>(() => LapackProvider.CreateFactory(LapackChoice.Native, MissingLibrary, out _));

        Assert.Contains("libgpuextract-no-such-lapack.so.9", error.Message);
        Assert.Contains("not found", error.Reason);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Auto_WhenNativeMissing_FallsBackToManagedAndSaysWhy()
    {
        Func<ILapack> factory = LapackProvider.CreateFactory(LapackChoice.Auto, MissingLibrary, out string description);

        Assert.IsType<ManagedLapack>(factory());
        Assert.Contains("managed", description);
        Assert.Contains("libgpuextract-no-such-lapack.so.9", description);
    }

    [SkippableFact]
    public void AutoAndNative_WhenPresent_GiveSeparateNativeInstances()
    {
        LapackImplementations.RequireNative();

        Func<ILapack> auto = LapackProvider.CreateFactory(LapackChoice.Auto, out string autoDescription);
        Func<ILapack> native = LapackProvider.CreateFactory(LapackChoice.Native, out string nativeDescription);

        ILapack first = auto();
        Assert.IsType<NativeLapack>(first);
        Assert.NotSame(first, auto());
        Assert.IsType<NativeLapack>(native());
        Assert.Contains("native", autoDescription);
        Assert.Contains("auto", autoDescription);
        Assert.Contains("native", nativeDescription);
    }
}
