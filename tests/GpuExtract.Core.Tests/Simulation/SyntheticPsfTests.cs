using GpuExtract.Core.Psf;
using GpuExtract.Core.Simulation;

namespace GpuExtract.Core.Tests.Simulation;

public class SyntheticPsfTests
{
    private static readonly GaussHermitePsf Psf = SyntheticPsf.Default;

    [Fact]
    public void SyntheticTraces_IncreaseInYOverTheWholeDomainAtRealDispersion()
    {
        for (int fiber = 0; fiber < 500; fiber += 7)
        {
            double previous = double.NegativeInfinity;
            for (double wavelength = 5543; wavelength <= 7826; wavelength += 1)
            {
                double y = Psf.Y(fiber, wavelength);
                double step = y - previous;
                Assert.True(wavelength == 5543 || step is > 1.6 and < 2.2,
                    $"fiber {fiber}: dy/dλ = {step} px/Å at {wavelength} Å (real PSF: 1.73–2.06)");
                previous = y;
            }
        }
        // The r extraction range plus the 20 Å simulation pad is on the CCD for every fiber.
        for (int fiber = 0; fiber < 500; fiber++)
        {
            Assert.InRange(Psf.Y(fiber, 5740), 10, 4117);
            Assert.InRange(Psf.Y(fiber, 7640), 10, 4117);
        }
    }

    [Fact]
    public void SyntheticFibers_HaveTheRealPitchAndBundleGaps()
    {
        // Real r0 PSF, XTRACE at 6700 Å: pitch 7.21–7.31 px inside bundles, 16.6–19.8 px across gaps.
        for (int fiber = 0; fiber < 499; fiber++)
        {
            double step = Psf.X(fiber + 1, 6700) - Psf.X(fiber, 6700);
            bool gap = fiber % 25 == 24;
            Assert.True(gap ? step is > 16.5 and < 19.9 : step is > 7.15 and < 7.40, $"fibers {fiber}/{fiber + 1}: {step} px apart");
        }
        Assert.InRange(Psf.X(0, 6700), 100, 140);
        Assert.InRange(Psf.X(499, 6700), 3925, 3965);
    }

    [Fact]
    public void SyntheticTail_WhenAskedFor_WidensTheSpot()
    {
        GaussHermitePsf withTail = SyntheticPsf.Create(new SyntheticPsfOptions { TailAmplitude = 0.01 });
        Assert.Equal(0.0, Psf.Parameter("TAILAMP", 100, 6500));
        Assert.Equal(0.01, withTail.Parameter("TAILAMP", 100, 6500), 15);
        var plain = new double[Psf.StampRows * Psf.StampCols];
        var tailed = new double[plain.Length];
        Psf.Spot(100, 6500, plain, out _, out _, out _, out _);
        withTail.Spot(100, 6500, tailed, out _, out _, out _, out _);
        // A stamp corner is ~8 px and ~5 px from the centre: the Gaussian core is ~1e-13 there, the tail
        // 0.01·r²/(1 + r²)² ≈ 1e-4 before normalisation.
        double plainCorner = plain[0], tailedCorner = tailed[0];
        Assert.True(tailedCorner > 1e-6 && tailedCorner > 100 * plainCorner, $"corner pixel {tailedCorner} with tail, {plainCorner} without");
    }
}
