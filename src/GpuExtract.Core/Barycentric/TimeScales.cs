using GpuExtract.Core.Extraction;

namespace GpuExtract.Core.Barycentric;

/// <summary>
/// UTC → TT → TDB, as astropy converts a <c>Time(mjd, format="mjd")</c> (scale UTC) before evaluating the
/// ephemeris. TT − UTC = 32.184 s + (TAI − UTC), the leap seconds announced by the IERS (Bulletin C); the
/// last one was at the start of 2017, and no further leap second is known, so 37 s holds for later dates,
/// as it does in astropy's bundled leap-second table.
/// </summary>
public static class TimeScales
{
    /// <summary>MJD (UTC) from which the integer-second UTC definition applies (1972 January 1).</summary>
    public const double FirstMjd = 41317.0;

    /// <summary>MJD of each leap-second date and TAI − UTC [s] from that date on.</summary>
    private static readonly (double Mjd, double Seconds)[] LeapSeconds =
    [
        (41317, 10), (41499, 11), (41683, 12), (42048, 13), (42413, 14), (42778, 15), (43144, 16),
        (43509, 17), (43874, 18), (44239, 19), (44786, 20), (45151, 21), (45516, 22), (46247, 23),
        (47161, 24), (47892, 25), (48257, 26), (48804, 27), (49169, 28), (49534, 29), (50083, 30),
        (50630, 31), (51179, 32), (53736, 33), (54832, 34), (56109, 35), (57204, 36), (57754, 37),
    ];

    /// <summary>TAI − UTC [s] at UTC MJD <paramref name="mjdUtc"/>.</summary>
    /// <exception cref="ExtractionInputException">the date is before 1972.</exception>
    public static double TaiMinusUtc(double mjdUtc)
    {
        if (!(mjdUtc >= FirstMjd))
        {
            throw new ExtractionInputException($"MJD {mjdUtc} is before 1972 (MJD {FirstMjd}), where UTC had no integer leap seconds");
        }
        double seconds = LeapSeconds[0].Seconds;
        foreach (var (mjd, value) in LeapSeconds)
        {
            if (mjdUtc >= mjd)
            {
                seconds = value;
            }
        }
        return seconds;
    }

    /// <summary>Terrestrial Time as a Julian Date for UTC MJD <paramref name="mjdUtc"/>.</summary>
    public static double JulianDateTT(double mjdUtc) => 2400000.5 + mjdUtc + (32.184 + TaiMinusUtc(mjdUtc)) / 86400.0;

    /// <summary>
    /// Barycentric Dynamical Time as a Julian Date: TT plus the annual term of TDB − TT (1.657 ms
    /// amplitude, Fairhead &amp; Bretagnon 1990); the rest, ≤ 30 µs, moves the Earth by under a micrometre
    /// per second of velocity and is left out.
    /// </summary>
    public static double JulianDateTdb(double mjdUtc)
    {
        double tt = JulianDateTT(mjdUtc);
        double meanAnomaly = 6.239996 + 0.01720197 * (tt - EarthEphemeris.J2000);
        return tt + 0.001657 * Math.Sin(meanAnomaly + 0.01671 * Math.Sin(meanAnomaly)) / 86400.0;
    }
}
