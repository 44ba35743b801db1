using GpuExtract.Core.Formats;
using GpuExtract.Core.Psf;
using GpuExtract.Testing;

namespace GpuExtract.Cuda.Tests.Pipeline;

/// <summary>
/// A case of ../shared/reference (see its README): the preproc image, the frame specter's ex2d made of it, and the
/// fibers, wavelength grid and subbundles of that extraction (fibers from 0, 0.8 Å steps, DESI's real r0 PSF).
/// </summary>
internal sealed record ReferenceCase(string Name, string Preproc, string SpecterFrame, int NSpec, double WMin, double WMax, int NSubBundles, bool DecorrelateFibers)
{
    public static readonly ReferenceCase[] All =
    [
        new("small", "small-preproc.fits.gz", "small-frame-specter.fits", 5, 6200.0, 6400.0, 5, false),
        new("small-decorr", "small-preproc.fits.gz", "small-decorr-frame-specter.fits", 5, 6200.0, 6400.0, 5, true),
        new("bundle0", "bundle0-preproc.fits.gz", "bundle0-frame-specter.fits", 25, 5760.0, 7620.0, 5, false),
        new("bundle0-nsub6", "bundle0-preproc.fits.gz", "bundle0-nsub6-frame-specter.fits", 25, 5760.0, 7620.0, 6, false),
    ];

    public static ReferenceCase Named(string name) => All.Single(c => c.Name == name);

    /// <summary>The extraction options of the case, with <paramref name="decorrelateFibers"/> in place of its own mode.</summary>
    public ExtractionOptions Options(bool decorrelateFibers, bool computeModel = true) => new()
    {
        Wavelengths = ExtractionOptions.LinearGrid(WMin, WMax, 0.8),
        SpecMin = 0,
        NSpec = NSpec,
        NSubBundles = NSubBundles,
        DecorrelateFibers = decorrelateFibers,
        ComputeModel = computeModel,
    };

    /// <summary>The preproc image and the PSF, or a skip naming what of ../shared is missing.</summary>
    public (PreprocImage Image, GaussHermitePsf Psf) Load()
    {
        string? imagePath = TestEnvironment.SharedFile($"reference/{Preproc}", out string why);
        Skip.If(imagePath is null, why);
        string? psfPath = TestEnvironment.SharedFile("data/psf-r0-00051060.fits", out why);
        Skip.If(psfPath is null, why);
        return (PreprocImage.Read(imagePath!), GaussHermitePsf.Load(psfPath!));
    }

    /// <summary>Specter's frame of the case, or a skip.</summary>
    public Frame LoadSpecterFrame()
    {
        string? path = TestEnvironment.SharedFile($"reference/{SpecterFrame}", out string why);
        Skip.If(path is null, why);
        return FrameFile.Read(path!);
    }
}
