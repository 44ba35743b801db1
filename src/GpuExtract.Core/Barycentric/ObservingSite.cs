namespace GpuExtract.Core.Barycentric;

/// <summary>
/// An observatory on the WGS84 ellipsoid, as astropy's <c>EarthLocation.from_geodetic</c> places it.
/// </summary>
public sealed record ObservingSite(double LatitudeDeg, double LongitudeDeg, double HeightM)
{
    /// <summary>Kitt Peak (Mayall telescope), the coordinates desispec's <c>heliocentric</c> module uses.</summary>
    public static ObservingSite KittPeak { get; } = new(31.96403, -111.59989, 2097.0);

    private const double EquatorialRadius = 6378137.0;
    private const double Flattening = 1 / 298.257223563;

    /// <summary>Earth-fixed (ITRS) position [m].</summary>
    public Cartesian Itrs
    {
        get
        {
            double lat = LatitudeDeg * Math.PI / 180, lon = LongitudeDeg * Math.PI / 180;
            double e2 = Flattening * (2 - Flattening);
            double primeVertical = EquatorialRadius / Math.Sqrt(1 - e2 * Math.Sin(lat) * Math.Sin(lat));
            double r = (primeVertical + HeightM) * Math.Cos(lat);
            return new Cartesian(r * Math.Cos(lon), r * Math.Sin(lon), (primeVertical * (1 - e2) + HeightM) * Math.Sin(lat));
        }
    }
}
