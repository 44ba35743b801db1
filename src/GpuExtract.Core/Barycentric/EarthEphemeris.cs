namespace GpuExtract.Core.Barycentric;

/// <summary>
/// The Earth's heliocentric position and barycentric velocity from the simplified VSOP2000 solution
/// (<see cref="EarthEphemerisTerms"/>), the theory behind SOFA/ERFA's <c>epv00</c>, which is what astropy's
/// "builtin" solar-system ephemeris evaluates and so what desispec's barycentric correction uses. The
/// published accuracy against JPL DE405 over 1900–2100 is 5 mm/s in velocity and 13 km in position.
/// </summary>
public static class EarthEphemeris
{
    /// <summary>Astronomical unit [m] (IAU 2012).</summary>
    public const double AstronomicalUnit = 149_597_870_700.0;

    /// <summary>Julian Date of J2000.0 (TDB).</summary>
    public const double J2000 = 2451545.0;

    private const double DaysPerJulianYear = 365.25;

    // Rotation from the theory's ecliptic axes to the BCRS: obliquity −23°26′21.4091″ about x and a
    // 0.0475″ offset about z, fitted to DE405 by the theory's authors (part of the published model).
    private const double M12 = 0.000000211284, M13 = -0.000000091603, M21 = -0.000000230286,
        M22 = 0.917482137087, M23 = -0.397776982902, M32 = 0.397776982902, M33 = 0.917482137087;

    /// <summary>
    /// The Earth at TDB Julian Date <paramref name="jdTdb"/>: heliocentric position [au] and barycentric
    /// velocity [au/day], both on BCRS (ICRS) axes.
    /// </summary>
    public static (Cartesian HeliocentricPosition, Cartesian BarycentricVelocity) At(double jdTdb)
    {
        double t = (jdTdb - J2000) / DaysPerJulianYear;
        Span<double> helio = stackalloc double[3];
        Span<double> velocity = stackalloc double[3];
        for (int axis = 0; axis < 3; axis++)
        {
            var (sunToEarth, sunToEarthRate) = Series(t, SunToEarth(axis, 0), SunToEarth(axis, 1), SunToEarth(axis, 2));
            var (_, barycentreToSunRate) = Series(t, BarycentreToSun(axis, 0), BarycentreToSun(axis, 1), BarycentreToSun(axis, 2));
            helio[axis] = sunToEarth;
            velocity[axis] = (sunToEarthRate + barycentreToSunRate) / DaysPerJulianYear;
        }
        return (ToBcrs(helio), ToBcrs(velocity));
    }

    /// <summary>
    /// A coordinate Σₙ tⁿ Σₖ aₖ cos(bₖ + cₖ t) over the three powers n = 0, 1, 2 and its derivative
    /// with respect to t [per Julian year], differentiated term by term.
    /// </summary>
    private static (double Value, double Rate) Series(double t, ReadOnlySpan<double> power0, ReadOnlySpan<double> power1, ReadOnlySpan<double> power2)
    {
        double value = 0, rate = 0;
        double tn = 1, ntnMinus1 = 0; // tⁿ and its derivative n·tⁿ⁻¹
        for (int n = 0; n < 3; n++)
        {
            ReadOnlySpan<double> terms = n == 0 ? power0 : n == 1 ? power1 : power2;
            double sum = 0, derivative = 0;
            for (int k = 0; k < terms.Length; k += 3)
            {
                double amplitude = terms[k], phase = terms[k + 1] + terms[k + 2] * t;
                sum += amplitude * Math.Cos(phase);
                derivative -= amplitude * terms[k + 2] * Math.Sin(phase);
            }
            // d/dt [tⁿ S(t)] = n tⁿ⁻¹ S + tⁿ S′.
            value += tn * sum;
            rate += tn * derivative + ntnMinus1 * sum;
            ntnMinus1 = (n + 1) * tn;
            tn *= t;
        }
        return (value, rate);
    }

    private static Cartesian ToBcrs(ReadOnlySpan<double> e) =>
        new(e[0] + M12 * e[1] + M13 * e[2], M21 * e[0] + M22 * e[1] + M23 * e[2], M32 * e[1] + M33 * e[2]);

    private static ReadOnlySpan<double> SunToEarth(int axis, int power) => (axis, power) switch
    {
        (0, 0) => EarthEphemerisTerms.SunToEarthT0X,
        (1, 0) => EarthEphemerisTerms.SunToEarthT0Y,
        (2, 0) => EarthEphemerisTerms.SunToEarthT0Z,
        (0, 1) => EarthEphemerisTerms.SunToEarthT1X,
        (1, 1) => EarthEphemerisTerms.SunToEarthT1Y,
        (2, 1) => EarthEphemerisTerms.SunToEarthT1Z,
        (0, 2) => EarthEphemerisTerms.SunToEarthT2X,
        (1, 2) => EarthEphemerisTerms.SunToEarthT2Y,
        _ => EarthEphemerisTerms.SunToEarthT2Z,
    };

    private static ReadOnlySpan<double> BarycentreToSun(int axis, int power) => (axis, power) switch
    {
        (0, 0) => EarthEphemerisTerms.BarycentreToSunT0X,
        (1, 0) => EarthEphemerisTerms.BarycentreToSunT0Y,
        (2, 0) => EarthEphemerisTerms.BarycentreToSunT0Z,
        (0, 1) => EarthEphemerisTerms.BarycentreToSunT1X,
        (1, 1) => EarthEphemerisTerms.BarycentreToSunT1Y,
        (2, 1) => EarthEphemerisTerms.BarycentreToSunT1Z,
        (0, 2) => EarthEphemerisTerms.BarycentreToSunT2X,
        (1, 2) => EarthEphemerisTerms.BarycentreToSunT2Y,
        _ => EarthEphemerisTerms.BarycentreToSunT2Z,
    };
}
