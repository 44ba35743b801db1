using GpuExtract.Core.Formats;
using Xunit.Abstractions;

namespace GpuExtract.Cpu.Tests.Reference;

/// <summary>The small and bundle0 cases of ../shared/reference, extracted and compared with specter's frames.</summary>
public class ReferenceFrameTests(ITestOutputHelper output)
{
    private static readonly Lazy<PreprocImage> SmallImage = new(() => PreprocImage.Read(ReferenceCase.Path("small-preproc.fits.gz")));
    private static readonly Lazy<PreprocImage> Bundle0Image = new(() => PreprocImage.Read(ReferenceCase.Path("bundle0-preproc.fits.gz")));

    [SkippableFact]
    public void Small_MatchesSpecter()
    {
        var psf = ReferenceCase.LoadPsf();
        var (_, agreement) = ReferenceCase.ExtractAndCompare(SmallImage.Value, psf, "small-frame-specter.fits", 5, false, output);
        ReferenceCase.AssertMeetsReferenceTargets(agreement);
    }

    [SkippableFact]
    public void SmallDecorrelated_MatchesSpecter()
    {
        var psf = ReferenceCase.LoadPsf();
        var (_, agreement) = ReferenceCase.ExtractAndCompare(SmallImage.Value, psf, "small-decorr-frame-specter.fits", 5, true, output);
        ReferenceCase.AssertMeetsReferenceTargets(agreement);
    }

    [SkippableFact]
    public void Bundle0_MatchesSpecter()
    {
        var psf = ReferenceCase.LoadPsf();
        var (_, agreement) = ReferenceCase.ExtractAndCompare(Bundle0Image.Value, psf, "bundle0-frame-specter.fits", 5, false, output);
        ReferenceCase.AssertMeetsReferenceTargets(agreement);
    }

    [SkippableFact]
    public void Bundle0Nsub6_MatchesSpecter()
    {
        var psf = ReferenceCase.LoadPsf();
        var (_, agreement) = ReferenceCase.ExtractAndCompare(Bundle0Image.Value, psf, "bundle0-nsub6-frame-specter.fits", 6, false, output);
        ReferenceCase.AssertMeetsReferenceTargets(agreement);
    }
}
