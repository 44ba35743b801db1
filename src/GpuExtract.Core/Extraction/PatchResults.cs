namespace GpuExtract.Core.Extraction;

/// <summary>
/// Per-kept-bin outputs of a <see cref="PatchBatch"/>, indexed by output row (see PatchBatch).
/// Units are per bin (electron, electron⁻²); the frame assembly converts to per Ångström.
/// </summary>
public sealed class PatchResults
{
    public PatchResults(int outputCount, int halfDiagonals, long modelCount)
    {
        DiagonalCount = 2 * halfDiagonals + 1;
        Flux = new double[outputCount];
        Ivar = new double[outputCount];
        Chi2Pix = new double[outputCount];
        PixmaskFraction = new double[outputCount];
        Resolution = new double[(long)outputCount * DiagonalCount];
        Model = new double[modelCount];
    }

    /// <summary>2·ndiag + 1.</summary>
    public int DiagonalCount { get; }

    /// <summary>Resolution-convolved flux [electron per bin]; shape [outputCount].</summary>
    public double[] Flux { get; }

    /// <summary>Inverse variance of <see cref="Flux"/> [electron⁻²]; shape [outputCount].</summary>
    public double[] Ivar { get; }

    /// <summary>PSF-weighted mean χ² of the bin's pixels; shape [outputCount].</summary>
    public double[] Chi2Pix { get; }

    /// <summary>Share of the bin's PSF light on zero-weight pixels; shape [outputCount].</summary>
    public double[] PixmaskFraction { get; }

    /// <summary>
    /// Resolution band: <c>Resolution[row·DiagonalCount + k] = R[j − ndiag + k, j]</c> for the bin's
    /// column j of its fiber block; shape [outputCount, DiagonalCount].
    /// </summary>
    public double[] Resolution { get; }

    /// <summary>Model pixels A·f of each patch's box, row-major, at PatchBatch.ModelOffset; empty unless requested.</summary>
    public double[] Model { get; }
}
