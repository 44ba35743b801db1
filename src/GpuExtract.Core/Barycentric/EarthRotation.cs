namespace GpuExtract.Core.Barycentric;

/// <summary>
/// Geocentric (GCRS) position and velocity of a site, as astropy's <c>EarthLocation.get_gcrs_posvel</c>
/// gives them: the Earth-fixed position turned by the Earth's rotation and by precession, and the
/// velocity ω × r about the rotation axis.
/// </summary>
/// <remarks>
/// Simplifications, each bounded for the radial velocity (the diurnal speed at Kitt Peak is 0.39 km/s):
/// UT1 is taken as UTC (|UT1 − UTC| &lt; 0.9 s turns the site by &lt; 7·10⁻⁵ rad: &lt; 0.03 m/s);
/// polar motion (&lt; 0.5″: &lt; 1 mm/s) and nutation (&lt; 20″ in the pole and the equinox: &lt; 0.05 m/s)
/// are left out; precession uses the IAU 1976 angles (Lieske et al. 1977), within 0.1″ of IAU 2006 over
/// these decades.
/// </remarks>
public static class EarthRotation
{
    /// <summary>The Earth's rotation rate [rad/s] (IERS conventions; astropy's OMEGA_EARTH).</summary>
    public const double AngularVelocity = 7.292115855306589e-5;

    private const double ArcsecToRad = Math.PI / (180 * 3600);

    /// <summary>
    /// The site's GCRS position [m] and velocity [m/s] at UTC MJD <paramref name="mjdUtc"/>.
    /// </summary>
    public static (Cartesian Position, Cartesian Velocity) SiteGcrs(ObservingSite site, double mjdUtc)
    {
        double jdUt1 = 2400000.5 + mjdUtc;
        double t = (TimeScales.JulianDateTT(mjdUtc) - EarthEphemeris.J2000) / 36525.0;

        // Greenwich mean sidereal time = Earth rotation angle + accumulated precession in right ascension (IAU 2006).
        double era = 2 * Math.PI * Fraction(0.7790572732640 + 0.00273781191135448 * (jdUt1 - EarthEphemeris.J2000) + (jdUt1 % 1.0));
        double gmst = era + (0.014506 + t * (4612.156534 + t * (1.3915817 + t * (-0.00000044 + t * (-0.000029956))))) * ArcsecToRad;

        // Position on mean-of-date axes: turn the Earth-fixed position by GMST about the pole.
        Cartesian itrs = site.Itrs;
        double c = Math.Cos(gmst), s = Math.Sin(gmst);
        var ofDate = new Cartesian(c * itrs.X - s * itrs.Y, s * itrs.X + c * itrs.Y, itrs.Z);
        var velocityOfDate = new Cartesian(-AngularVelocity * ofDate.Y, AngularVelocity * ofDate.X, 0);

        return (FromMeanOfDate(ofDate, t), FromMeanOfDate(velocityOfDate, t));
    }

    /// <summary>
    /// Rotates a vector from mean-equator-and-equinox-of-date axes to J2000 (GCRS) axes: the transpose of the
    /// IAU 1976 precession matrix R3(−z)·R2(θ)·R3(−ζ), <paramref name="t"/> in Julian centuries of TT from J2000.
    /// </summary>
    private static Cartesian FromMeanOfDate(Cartesian v, double t)
    {
        double zeta = t * (2306.2181 + t * (0.30188 + t * 0.017998)) * ArcsecToRad;
        double z = t * (2306.2181 + t * (1.09468 + t * 0.018203)) * ArcsecToRad;
        double theta = t * (2004.3109 + t * (-0.42665 - t * 0.041833)) * ArcsecToRad;
        // Pᵀ = R3(ζ)·R2(−θ)·R3(z); a frame rotation by φ turns the vector by −φ.
        Cartesian a = RotateZ(v, -z);
        Cartesian b = RotateY(a, theta);
        return RotateZ(b, -zeta);
    }

    /// <summary>The vector turned by +<paramref name="angle"/> about z, R3(−angle)·v in frame-rotation terms.</summary>
    private static Cartesian RotateZ(Cartesian v, double angle)
    {
        double c = Math.Cos(angle), s = Math.Sin(angle);
        return new Cartesian(c * v.X - s * v.Y, s * v.X + c * v.Y, v.Z);
    }

    /// <summary>R2(−angle)·v, R2 being the frame rotation about y.</summary>
    private static Cartesian RotateY(Cartesian v, double angle)
    {
        double c = Math.Cos(angle), s = Math.Sin(angle);
        return new Cartesian(c * v.X + s * v.Z, v.Y, -s * v.X + c * v.Z);
    }

    private static double Fraction(double x) => x - Math.Floor(x);
}
