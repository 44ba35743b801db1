namespace GpuExtract.Core.Barycentric;

/// <summary>A Cartesian 3-vector (position, velocity or direction; the unit is the caller's).</summary>
public readonly record struct Cartesian(double X, double Y, double Z)
{
    public static Cartesian operator +(Cartesian a, Cartesian b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    public static Cartesian operator -(Cartesian a, Cartesian b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    public static Cartesian operator *(double s, Cartesian a) => new(s * a.X, s * a.Y, s * a.Z);

    public double Dot(Cartesian b) => X * b.X + Y * b.Y + Z * b.Z;

    public Cartesian Cross(Cartesian b) => new(Y * b.Z - Z * b.Y, Z * b.X - X * b.Z, X * b.Y - Y * b.X);

    public double Norm => Math.Sqrt(Dot(this));

    /// <summary>The unit vector towards right ascension <paramref name="raDeg"/>, declination <paramref name="decDeg"/> [degree].</summary>
    public static Cartesian FromRaDec(double raDeg, double decDeg)
    {
        double ra = raDeg * Math.PI / 180, dec = decDeg * Math.PI / 180;
        return new Cartesian(Math.Cos(dec) * Math.Cos(ra), Math.Cos(dec) * Math.Sin(ra), Math.Sin(dec));
    }
}
