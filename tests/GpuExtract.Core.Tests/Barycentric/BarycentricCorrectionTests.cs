using System.Globalization;
using System.Text;
using GpuExtract.Core.Barycentric;
using GpuExtract.Testing;
using Xunit.Abstractions;

namespace GpuExtract.Core.Tests.Barycentric;

public sealed class BarycentricCorrectionTests(ITestOutputHelper output)
{
    /// <summary>
    /// desispec's barycentric_velocity_multiplicative_corr, run by astropy in the environment desispec sets
    /// up with desiutil's freeze_iers(): no download, no maximum table age and degraded accuracy ignored, so
    /// dates past the IERS tables take the tables' edge values (UT1 − UTC, polar motion) instead of failing.
    /// Reads "ra dec mjd" lines and prints f per line with repr (exact doubles).
    /// </summary>
    private const string AstropyScript = """
        import sys, warnings
        from astropy.utils import iers
        iers.conf.auto_download = False
        iers.conf.auto_max_age = None
        iers.conf.iers_degraded_accuracy = 'ignore'
        warnings.simplefilter('ignore')
        import numpy as np
        import astropy.units as u
        import astropy.constants
        from astropy.time import Time
        from astropy.coordinates import SkyCoord, EarthLocation
        kpno = EarthLocation.from_geodetic(lat=31.96403 * u.deg, lon=-111.59989 * u.deg, height=2097 * u.m)
        rows = np.loadtxt(sys.argv[1], ndmin=2)
        sc = SkyCoord(ra=rows[:, 0] * u.deg, dec=rows[:, 1] * u.deg, frame='icrs')
        v = sc.radial_velocity_correction(obstime=Time(rows[:, 2], format='mjd'), location=kpno).to(u.km / u.s).value
        f = 1. + v / astropy.constants.c.to(u.km / u.s).value
        print('\n'.join(repr(float(x)) for x in f))
        """;

    /// <summary>
    /// f within 1e-8 (3 m/s, the requirement) of astropy at 240 random sky positions and times
    /// 2019–2035. Both sides evaluate the same planetary theory for the Earth, so the difference is our
    /// simplified Earth rotation (no nutation, UT1 = UTC) and the Moon/Jupiter approximations, each bounded
    /// far below the tolerance in the code's remarks.
    /// </summary>
    [SkippableFact]
    public void Factor_MatchesAstropyEverywhere2019To2035()
    {
        var random = new Random(20191214);
        const int count = 240;
        var points = new (double Ra, double Dec, double Mjd)[count];
        var text = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            double ra = 360 * random.NextDouble();
            double dec = Math.Asin(2 * random.NextDouble() - 1) * 180 / Math.PI;
            double mjd = 58484.0 + (64328.0 - 58484.0) * random.NextDouble(); // 2019-01-01 … 2035-01-01
            points[i] = (ra, dec, mjd);
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{ra:R} {dec:R} {mjd:R}"));
        }
        using var dir = new TempDirectory();
        string input = Path.Combine(dir.Path, "points.txt");
        File.WriteAllText(input, text.ToString());
        string[] lines = TestEnvironment.RunPython(AstropyScript, input).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(count, lines.Length);

        double worst = 0;
        int worstAt = 0;
        for (int i = 0; i < count; i++)
        {
            double expected = double.Parse(lines[i], CultureInfo.InvariantCulture);
            double actual = BarycentricCorrection.Factor(points[i].Ra, points[i].Dec, points[i].Mjd, ObservingSite.KittPeak);
            double difference = Math.Abs(actual - expected);
            if (difference > worst)
            {
                (worst, worstAt) = (difference, i);
            }
        }
        output.WriteLine($"max |Δf| over {count} points = {worst:E3} ({worst * BarycentricCorrection.SpeedOfLight:F4} m/s) at RA {points[worstAt].Ra:F3}, Dec {points[worstAt].Dec:F3}, MJD {points[worstAt].Mjd:F4}");
        Assert.True(worst <= 1e-8, $"max |Δf| = {worst:E3} > 1e-8 at point {worstAt}");
    }
}
