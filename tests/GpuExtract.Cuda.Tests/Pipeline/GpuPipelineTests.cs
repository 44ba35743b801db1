using GpuExtract.Core.Formats;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Validation;
using GpuExtract.Testing;

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
    [InlineData("small", "small-preproc.fits.gz", "small-frame-specter.fits", 0, 5, 6200.0, 6400.0, 5, false)]
    [InlineData("small-decorr", "small-preproc.fits.gz", "small-decorr-frame-specter.fits", 0, 5, 6200.0, 6400.0, 5, true)]
    [InlineData("bundle0", "bundle0-preproc.fits.gz", "bundle0-frame-specter.fits", 0, 25, 5760.0, 7620.0, 5, false)]
    [InlineData("bundle0-nsub6", "bundle0-preproc.fits.gz", "bundle0-nsub6-frame-specter.fits", 0, 25, 5760.0, 7620.0, 6, false)]
    public void ReferenceCase_MatchesTheCpuBackendAndSpecter(string name, string preproc, string reference, int specMin, int nspec,
        double wmin, double wmax, int nsubbundles, bool decorrelate)
    {
        SkipWithoutGpu();
        string? imagePath = TestEnvironment.SharedFile($"reference/{preproc}", out string why);
        Skip.If(imagePath is null, why);
        string? referencePath = TestEnvironment.SharedFile($"reference/{reference}", out why);
        Skip.If(referencePath is null, why);
        string? psfPath = TestEnvironment.SharedFile("data/psf-r0-00051060.fits", out why);
        Skip.If(psfPath is null, why);
        PreprocImage image = PreprocImage.Read(imagePath!);
        GaussHermitePsf psf = GaussHermitePsf.Load(psfPath!);
        var options = new ExtractionOptions
        {
            Wavelengths = ExtractionOptions.LinearGrid(wmin, wmax, 0.8),
            SpecMin = specMin,
            NSpec = nspec,
            NSubBundles = nsubbundles,
            DecorrelateFibers = decorrelate,
        };
        using var cpu = CpuReference.Backend(Environment.ProcessorCount);
        Frame expected = FrameExtraction.Run(image, psf, options, cpu).Frame;
        using CudaBackend gpu = OpenGpu();
        Frame actual = FrameExtraction.Run(image, psf, options, gpu).Frame;
        var agreement = BackendAgreement.Measure(actual, expected);
        output.WriteLine($"{name}: GPU vs CPU {agreement}; {gpu.CpuPatches} patches on the CPU");
        Assert.True(agreement.WithinTolerances, $"{name}: {agreement}");

        // As the CPU engine is held to specter: pull < 0.01 for 99.9 % of bins and < 0.02 for all, ivar within 1e-3
        // relative and resolution within 1e-4 absolute where ivar_ref > 0.
        Frame specter = FrameFile.Read(referencePath!);
        FrameAgreement vsSpecter = FrameAgreement.Measure(actual, specter);
        double below = vsSpecter.FractionPullBelow001;
        output.WriteLine($"{name}: GPU vs specter: {below:P3} of pulls < 0.01, max pull {vsSpecter.MaxPull:e2}, ivar rel {vsSpecter.MaxIvarRelative:e2}, resolution {vsSpecter.MaxResolution:e2}");
        Assert.True(vsSpecter.Bins > 0 && below >= 0.999 && vsSpecter.MaxPull < 0.02 && vsSpecter.MaxIvarRelative < 1e-3 && vsSpecter.MaxResolution < 1e-4,
            $"{name} vs specter: {below:P3} < 0.01, max pull {vsSpecter.MaxPull:e2}, ivar {vsSpecter.MaxIvarRelative:e2}, resolution {vsSpecter.MaxResolution:e2}");
    }
}
