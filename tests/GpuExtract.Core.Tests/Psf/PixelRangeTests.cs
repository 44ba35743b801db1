using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;
using GpuExtract.Testing;

namespace GpuExtract.Core.Tests.Psf;

public class PixelRangeTests
{
    private static GaussHermitePsf RealPsf()
    {
        string? path = TestEnvironment.SharedFile("data/psf-r0-00051060.fits", out string why);
        Skip.If(path is null, why);
        return ReferencePsf.Load(path!);
    }

    [SkippableTheory]
    // Reference README §2.2: the simulated region is psf.xyrange(simulated fibres, simulation grid)
    // widened by 8 columns and 16 rows; the grid is the extraction grid ± 20 Å.
    [InlineData(0, 5, 6180.0, 6420.0, 105, 167, 1103, 1590)]
    [InlineData(0, 25, 5740.0, 7640.0, 95, 313, 298, 3954)]
    public void PixelRange_MatchesTheReferenceSimulationRegions(int fiberStart, int fiberEnd, double wmin, double wmax,
        int simXMin, int simXMax, int simYMin, int simYMax)
    {
        PixelBox box = RealPsf().PixelRange(fiberStart, fiberEnd, wmin, wmax);
        var expected = new PixelBox(simXMin + 8, simXMax - 8, simYMin + 16, simYMax - 16);
        Assert.True(box == expected, $"PixelRange = {box}, reference region implies {expected}");
    }

    [SkippableTheory]
    [InlineData(0, 7, 6000.0, 6040.0)]
    [InlineData(230, 238, 7000.0, 7040.8)]
    [InlineData(493, 500, 5800.0, 5840.0)]
    public void PixelRange_CoversEverySpotOfItsFibersAndWavelengths(int fiberStart, int fiberEnd, double wmin, double wmax)
    {
        GaussHermitePsf psf = RealPsf();
        PixelBox box = psf.PixelRange(fiberStart, fiberEnd, wmin, wmax);
        double[] waves = Enumerable.Range(0, 51).Select(k => wmin + (wmax - wmin) * k / 50).ToArray();
        SpotTable spots = psf.EvaluateSpots(fiberStart, fiberEnd - fiberStart, waves);
        for (int i = 0; i < spots.Count; i++)
        {
            Assert.True(spots.XMin[i] >= box.XMin && spots.XMin[i] + spots.Cols[i] <= box.XMax
                && spots.YMin[i] >= box.YMin && spots.YMin[i] + spots.Rows[i] <= box.YMax,
                $"spot {i} ({spots.XMin[i]}+{spots.Cols[i]}, {spots.YMin[i]}+{spots.Rows[i]}) outside {box}");
        }
        // Tight: the box edges are spot edges.
        Assert.Contains(box.YMin, spots.YMin);
        Assert.Contains(box.XMin, spots.XMin);
    }

    [SkippableFact]
    public void PixelRange_ClampsWavelengthsToTheCcd()
    {
        GaussHermitePsf psf = RealPsf();
        PixelBox box = psf.PixelRange(100, 110, 3000, 9000);
        Assert.True(box.YMin == 0 && box.YMax == psf.NPixY, $"rows {box.YMin}…{box.YMax} should span the CCD 0…{psf.NPixY}");
        Assert.True(psf.CcdWaveMin < 5560 && psf.CcdWaveMax > 7700, $"CCD wavelengths {psf.CcdWaveMin}…{psf.CcdWaveMax}");
    }
}
