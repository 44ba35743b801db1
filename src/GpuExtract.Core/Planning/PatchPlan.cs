using GpuExtract.Core.Extraction;

namespace GpuExtract.Core.Planning;

/// <summary>
/// Every patch of a frame and the frame-wide wavelength grid their spots live on. Output bin k is
/// grid index <c>k + GridOffset</c>.
/// </summary>
public sealed class PatchPlan
{
    /// <summary>All patches, in the reference's order (bundles, subbundles, wavelength blocks).</summary>
    public required PatchBatch Patches { get; init; }

    /// <summary>Frame-wide grid [Å]: the output grid extended by the largest pads.</summary>
    public required double[] GridWavelengths { get; init; }

    /// <summary>Grid index of output bin 0.</summary>
    public required int GridOffset { get; init; }

    /// <summary>ndiag: resolution diagonals kept on each side of the main one.</summary>
    public required int HalfDiagonals { get; init; }
}
