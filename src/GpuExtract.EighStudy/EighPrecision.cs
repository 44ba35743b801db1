namespace GpuExtract.EighStudy;

/// <summary>Floating-point precision of an eigh benchmark point (CLI: f64, f32).</summary>
public enum EighPrecision
{
    /// <summary>float64: dsyevd, what extraction uses.</summary>
    Double,

    /// <summary>float32: ssyevd, for precision studies.</summary>
    Single,
}

/// <summary>Names, element sizes and validation tolerances of <see cref="EighPrecision"/>.</summary>
public static class EighPrecisions
{
    /// <summary>"f64" or "f32", as the command line and the result files spell them.</summary>
    public static string Label(this EighPrecision precision) => precision == EighPrecision.Double ? "f64" : "f32";

    /// <summary>Bytes per matrix element.</summary>
    public static int ElementBytes(this EighPrecision precision) => precision == EighPrecision.Double ? sizeof(double) : sizeof(float);

    /// <summary>
    /// Largest accepted ‖Av − λv‖₂/‖A‖_F and |VᵀV − I| entry (the study's acceptance limits): 1e-10 in float64 and 1e-4 in float32,
    /// about 10⁶ and 10³ times the unit roundoff, so a correct backward-stable solver passes at every n up to
    /// 4096 while a wrong eigenpair (errors of order ‖A‖) or a lost digit pattern fails.
    /// </summary>
    public static double Tolerance(this EighPrecision precision) => precision == EighPrecision.Double ? 1e-10 : 1e-4;

    /// <summary>Parses "f64"/"f32" (also "double"/"single", "float64"/"float32"); false for anything else.</summary>
    public static bool TryParse(string text, out EighPrecision precision)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "f64" or "float64" or "double" or "d":
                precision = EighPrecision.Double;
                return true;
            case "f32" or "float32" or "single" or "s":
                precision = EighPrecision.Single;
                return true;
            default:
                precision = default;
                return false;
        }
    }
}
