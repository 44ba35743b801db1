namespace GpuExtract.Core.Barycentric;

/// <summary>
/// The multiplicative barycentric wavelength correction f = 1 + v/c of desispec's
/// <c>heliocentric.barycentric_velocity_multiplicative_corr</c>, where v is what astropy's
/// <c>SkyCoord.radial_velocity_correction(kind="barycentric")</c> returns for an ICRS direction without
/// distance: c·(z_b − 1) with z_b = γ (1 + β·n̂) / (1 + Φ/c²) (Wright &amp; Eastman 2014, eq. 28, without
/// the Shapiro delay), β the observer's barycentric velocity over c and Φ/c the gravitational redshift
/// of the Sun, Jupiter, the Moon and the Earth at the site. So f = z_b.
/// </summary>
public static class BarycentricCorrection
{
    /// <summary>Speed of light [m/s].</summary>
    public const double SpeedOfLight = 299_792_458.0;

    // Gravitational parameters [m³/s²] as astropy's EarthLocation.gravitational_redshift takes them:
    // IAU 2015 nominal values for the Sun, Jupiter and the Earth, and G (CODATA 2018) × 7.34767309e22 kg for the Moon.
    private const double GmSun = 1.3271244e20, GmJupiter = 1.2668653e17, GmEarth = 3.986004e14;
    private const double GmMoon = 6.6743e-11 * 7.34767309e22;

    /// <summary>Mean Earth–Moon distance [m]; its ±6 % variation changes f by &lt; 10⁻¹⁴.</summary>
    private const double MoonDistance = 385_000_560.0;

    /// <summary>
    /// f for a target at ICRS (<paramref name="raDeg"/>, <paramref name="decDeg"/>) [degree] seen from
    /// <paramref name="site"/> at UTC MJD <paramref name="mjdUtc"/>.
    /// </summary>
    public static double Factor(double raDeg, double decDeg, double mjdUtc, ObservingSite site)
    {
        var (earthHelio, earthVelocity) = EarthEphemeris.At(TimeScales.JulianDateTdb(mjdUtc));
        var (sitePosition, siteVelocity) = EarthRotation.SiteGcrs(site, mjdUtc);
        const double auPerDayToMetresPerSecond = EarthEphemeris.AstronomicalUnit / 86400.0;
        Cartesian beta = (1 / SpeedOfLight) * (auPerDayToMetresPerSecond * earthVelocity + siteVelocity);
        double gamma = 1 / Math.Sqrt(1 - beta.Dot(beta));
        double redshift = GravitationalRedshift(earthHelio, sitePosition, TimeScales.JulianDateTT(mjdUtc));
        Cartesian direction = Cartesian.FromRaDec(raDeg, decDeg);
        return gamma * (1 + beta.Dot(direction)) / (1 + redshift / SpeedOfLight);
    }

    /// <summary>
    /// −Σ GM/(c·d) [m/s], as astropy's <c>gravitational_redshift</c>: d from the Earth's centre to the Sun,
    /// Jupiter and the Moon, and from the Earth's centre to the site for the Earth itself.
    /// </summary>
    private static double GravitationalRedshift(Cartesian earthHelioAu, Cartesian sitePosition, double jdTT)
    {
        double sun = earthHelioAu.Norm * EarthEphemeris.AstronomicalUnit;
        double jupiter = (JupiterHeliocentric(jdTT) - earthHelioAu).Norm * EarthEphemeris.AstronomicalUnit;
        return -(GmEarth / sitePosition.Norm + GmMoon / MoonDistance + GmJupiter / jupiter + GmSun / sun) / SpeedOfLight;
    }

    /// <summary>
    /// Jupiter's heliocentric position [au] on a circular orbit at its mean distance and mean longitude
    /// (J2000 ecliptic, rotated to equatorial axes). Jupiter's whole term is 5·10⁻⁴ m/s, so the
    /// eccentricity (5 %) moves f by &lt; 10⁻¹³.
    /// </summary>
    private static Cartesian JupiterHeliocentric(double jdTT)
    {
        const double radius = 5.2026, obliquity = 23.4392911 * Math.PI / 180;
        double longitude = (34.35148 + 0.08309126 * (jdTT - EarthEphemeris.J2000)) * Math.PI / 180;
        double x = radius * Math.Cos(longitude), y = radius * Math.Sin(longitude);
        return new Cartesian(x, y * Math.Cos(obliquity), y * Math.Sin(obliquity));
    }
}
