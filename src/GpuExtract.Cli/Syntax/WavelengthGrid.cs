using System.Globalization;

namespace GpuExtract.Cli.Syntax;

/// <summary>A linear wavelength grid as the command line gives it: <c>WMIN,WMAX,DW</c> [Å].</summary>
public sealed record WavelengthGrid(double Min, double Max, double Step)
{
    /// <summary>Parses <c>WMIN,WMAX,DW</c>; null when the text is not three finite numbers.</summary>
    public static WavelengthGrid? TryParse(string text)
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
        return new WavelengthGrid(values[0], values[1], values[2]);
    }

    /// <summary>The grid's wavelengths [Å], shape [nwave], by numpy's arange convention.</summary>
    public double[] Wavelengths() => Core.Extraction.ExtractionOptions.LinearGrid(Min, Max, Step);

    /// <summary>The command-line form, so that --help shows defaults as they are typed.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Min},{Max},{Step}");
}
