namespace GpuExtract.Fits.Compression;

/// <summary>
/// The pseudo-random offsets of the quantized floating-point tile convention (FITS Standard 4.0
/// §10.2.2, SUBTRACTIVE_DITHER_1/2): 10,000 values from the Park–Miller generator
/// (a = 16807, m = 2^31 − 1, seed 1) kept as float; tile i starts at index (i + ZDITHER0 − 1) mod 10000.
/// </summary>
internal static class SubtractiveDither
{
    public const int Count = 10000;

    /// <summary>The random values r ∈ (0, 1).</summary>
    public static readonly float[] Values = Generate();

    /// <summary>Stored value of a pixel that was exactly zero under SUBTRACTIVE_DITHER_2.</summary>
    public const int ZeroValue = -2147483646;

    private static float[] Generate()
    {
        var values = new float[Count];
        const double a = 16807.0;
        const double m = 2147483647.0;
        double seed = 1;
        for (int i = 0; i < Count; i++)
        {
            double product = a * seed;
            seed = product - m * (int)(product / m);
            values[i] = (float)(seed / m);
        }
        return values;
    }
}
