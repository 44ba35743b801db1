using System.Globalization;

namespace GpuExtract.Core.Extraction;

/// <summary>An output wavelength grid as DESI states it: WMIN, WMAX, DW [Å] (the grid is <c>WMIN + k·DW</c> while ≤ WMAX + DW/2).</summary>
public readonly record struct WavelengthRange(double Min, double Max, double Step)
{
    /// <summary>Parses the <c>WMIN,WMAX,DW</c> form; null when the text is not three finite numbers.</summary>
    public static WavelengthRange? TryParse(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 3)
        {
            return null;
        }
        var values = new double[3];
        for (int i = 0; i < 3; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
            {
                return null;
            }
        }
        return new WavelengthRange(values[0], values[1], values[2]);
    }

    /// <summary>The grid's wavelengths [Å]; shape [<see cref="Count"/>].</summary>
    public double[] Grid() => ExtractionOptions.LinearGrid(Min, Max, Step);

    /// <summary>Number of output bins, as <see cref="Grid"/> has them.</summary>
    public int Count => (int)Math.Ceiling((Max + Step / 2 - Min) / Step);

    /// <summary>The <c>WMIN,WMAX,DW</c> form of <c>--wavelength</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Min},{Max},{Step}");
}
