using System.Globalization;

namespace GpuExtract.Core.Extraction;

/// <summary>An output wavelength grid as DESI states it: WMIN, WMAX, DW [Å] (the grid is <c>WMIN + k·DW</c> while ≤ WMAX + DW/2).</summary>
public readonly record struct WavelengthRange(double Min, double Max, double Step)
{
    /// <summary>The grid's wavelengths [Å]; shape [<see cref="Count"/>].</summary>
    public double[] Grid() => ExtractionOptions.LinearGrid(Min, Max, Step);

    /// <summary>Number of output bins, as <see cref="Grid"/> has them.</summary>
    public int Count => (int)Math.Ceiling((Max + Step / 2 - Min) / Step);

    /// <summary>The <c>WMIN,WMAX,DW</c> form of <c>--wavelength</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Min},{Max},{Step}");
}
