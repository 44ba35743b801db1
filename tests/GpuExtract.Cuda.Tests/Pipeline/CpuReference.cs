namespace GpuExtract.Cuda.Tests.Pipeline;

/// <summary>The CPU backend the device pipeline is compared with (and falls back to), on the best LAPACK found.</summary>
internal static class CpuReference
{
    /// <summary>The LAPACK factory every CPU backend here uses (<see cref="LapackChoice.Auto"/>).</summary>
    public static readonly Func<ILapack> Lapack = LapackProvider.CreateFactory(LapackChoice.Auto, out _);

    /// <summary>A CPU backend with <paramref name="threads"/> workers on <see cref="Lapack"/>.</summary>
    public static CpuBackend Backend(int threads) => new(threads, Lapack);

    /// <summary><see cref="SmallFrame"/> extracted with <paramref name="options"/> by a two-worker CPU backend.</summary>
    public static FrameExtraction.Result ExtractSmallFrame(ExtractionOptions options)
    {
        using var cpu = Backend(2);
        return FrameExtraction.Run(SmallFrame.Instance.Image, SmallFrame.Instance.Psf, options, cpu);
    }
}
