using GpuExtract.Core.Formats;
using GpuExtract.Core.Validation;

namespace GpuExtract.Cuda.Tests.Pipeline;

/// <summary>
/// The CUDA backend on a real GPU against the CPU backend (DESIGN §4's GPU-vs-CPU tolerances: pull &lt; 1e-4,
/// resolution &lt; 1e-6 absolute, ivar &lt; 1e-6 relative) and against DESI's reference extractions in ../shared (the
/// CPU engine's reference tolerances). They skip, with the probe's reason, where no usable GPU is present.
/// </summary>
[Collection("emulated device")]
public sealed class GpuPipelineTests(ITestOutputHelper output)
{
    private static void SkipWithoutGpu()
    {
        CudaProbeResult probe = CudaProbe.Result;
        Skip.IfNot(probe.Usable, $"no usable GPU: {probe.Reason}");
    }

    private static CudaBackend OpenGpu(TextWriter? log = null) =>
        CudaBackend.Create(0, new CudaBackendOptions { FallbackBackend = () => CpuReference.Backend(Environment.ProcessorCount), FallbackToCpu = false, Log = log });

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void SmallFrame_MatchesTheCpuBackend(bool decorrelateFibers)
    {
        SkipWithoutGpu();
        SmallFrame small = SmallFrame.Instance;
        ExtractionOptions options = small.Options(decorrelateFibers);
        using var cpu = CpuReference.Backend(Environment.ProcessorCount);
        FrameExtraction.Result expected = FrameExtraction.Run(small.Image, small.Psf, options, cpu);
        using CudaBackend gpu = OpenGpu();
        FrameExtraction.Result actual = FrameExtraction.Run(small.Image, small.Psf, options, gpu);
        var agreement = BackendAgreement.Measure(actual.Frame, expected.Frame, actual.ModelImage, expected.ModelImage);
        output.WriteLine($"{gpu.Description}: {agreement}; {gpu.CpuPatches} patches on the CPU");
        Assert.True(agreement.WithinTolerances, agreement.ToString());
    }

    [SkippableTheory]
    [InlineData("small")]
    [InlineData("small-decorr")]
    [InlineData("bundle0")]
    [InlineData("bundle0-nsub6")]
    public void ReferenceCase_MatchesTheCpuBackendAndSpecter(string name)
    {
        SkipWithoutGpu();
        ReferenceCase reference = ReferenceCase.Named(name);
        var (image, psf) = reference.Load();
        ExtractionOptions options = reference.Options(reference.DecorrelateFibers);
        using var cpu = CpuReference.Backend(Environment.ProcessorCount);
        Frame expected = FrameExtraction.Run(image, psf, options, cpu).Frame;
        using CudaBackend gpu = OpenGpu();
        Frame actual = FrameExtraction.Run(image, psf, options, gpu).Frame;
        var agreement = BackendAgreement.Measure(actual, expected);
        output.WriteLine($"{name}: GPU vs CPU {agreement}; {gpu.CpuPatches} patches on the CPU");
        Assert.True(agreement.WithinTolerances, $"{name}: {agreement}");

        // As the CPU engine is held to specter: pull < 0.01 for 99.9 % of bins and < 0.02 for all, ivar within 1e-3
        // relative and resolution within 1e-4 absolute where ivar_ref > 0.
        Frame specter = reference.LoadSpecterFrame();
        FrameAgreement vsSpecter = FrameAgreement.Measure(actual, specter);
        double below = vsSpecter.FractionPullBelow001;
        output.WriteLine($"{name}: GPU vs specter: {below:P3} of pulls < 0.01, max pull {vsSpecter.MaxPull:e2}, ivar rel {vsSpecter.MaxIvarRelative:e2}, resolution {vsSpecter.MaxResolution:e2}");
        Assert.True(vsSpecter.Bins > 0 && below >= 0.999 && vsSpecter.MaxPull < 0.02 && vsSpecter.MaxIvarRelative < 1e-3 && vsSpecter.MaxResolution < 1e-4,
            $"{name} vs specter: {below:P3} < 0.01, max pull {vsSpecter.MaxPull:e2}, ivar {vsSpecter.MaxIvarRelative:e2}, resolution {vsSpecter.MaxResolution:e2}");
    }
}
