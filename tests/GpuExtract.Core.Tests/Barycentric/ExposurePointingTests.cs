using GpuExtract.Core.Barycentric;
using GpuExtract.Core.Extraction;
using GpuExtract.Fits;

namespace GpuExtract.Core.Tests.Barycentric;

/// <summary>Keyword choice of desispec's <c>barycentric_correction_multiplicative_factor</c> and its caller.</summary>
public sealed class ExposurePointingTests
{
    [Fact]
    public void Pointing_PrefersTargtThenSkyThenTel_AndAddsHalfTheExposure()
    {
        var h = new FitsHeader();
        h.Set("RA", 1.0);
        h.Set("TELRA", 2.0);
        h.Set("SKYRA", 3.0);
        h.Set("DEC", -1.0);
        h.Set("TELDEC", -2.0);
        h.Set("MJD-OBS", 59000.25);
        h.Set("MJD", 1.0);
        h.Set("EXPTIME", 864.0);
        ExposurePointing p = ExposurePointing.FromHeaders(h, null, "img.fits");
        Assert.Equal((3.0, -2.0), (p.RaDeg, p.DecDeg));
        Assert.Equal(59000.25 + 0.005, p.MidExposureMjd, 12);
        h.Set("TARGTRA", 4.0);
        Assert.Equal(4.0, ExposurePointing.FromHeaders(h, null, "img.fits").RaDeg);
    }

    [Fact]
    public void Pointing_FallsBackToFibermapHeader_OnlyWhenHdu0LacksRaAndTargtra()
    {
        var hdu0 = new FitsHeader();
        hdu0.Set("SKYRA", 10.0); // desispec looks for RA or TARGTRA in HDU 0 before choosing it
        var fibermap = new FitsHeader();
        fibermap.Set("TARGTRA", 20.0);
        fibermap.Set("TARGTDEC", 30.0);
        fibermap.Set("MJD", 59500.0);
        ExposurePointing p = ExposurePointing.FromHeaders(hdu0, fibermap, "img.fits");
        Assert.Equal((20.0, 30.0, 59500.0, "FIBERMAP header"), (p.RaDeg, p.DecDeg, p.MidExposureMjd, p.Source));
    }

    [Fact]
    public void Pointing_MissingKeywords_NamedInOneMessage()
    {
        var h = new FitsHeader();
        h.Set("RA", 10.0);
        var error = Assert.Throws<ExtractionInputException>(() => ExposurePointing.FromHeaders(h, null, "preproc.fits"));
        Assert.Contains("preproc.fits", error.Message);
        Assert.Contains("TARGTDEC/SKYDEC/TELDEC/DEC", error.Message);
        Assert.Contains("MJD-OBS/MJD", error.Message);
        var none = Assert.Throws<ExtractionInputException>(() => ExposurePointing.FromHeaders(new FitsHeader(), null, "preproc.fits"));
        Assert.Contains("TARGTRA or RA", none.Message);
    }
}
