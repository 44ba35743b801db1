using GpuExtract.Core.Formats;
using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;

namespace GpuExtract.Core.Extraction;

/// <summary>
/// A frame made ready for a backend by <see cref="FrameExtraction.PrepareFrame"/>: inputs checked, pixel
/// weights computed, patches planned (offsets computed), fibermap rows selected and the barycentric factor
/// applied. Nothing here touches a backend, so a batch builds the next frame's while the current one solves;
/// <see cref="FrameExtraction.SolveAndAssemble"/> finishes it. Immutable once made: the arrays are shared,
/// not copied, and nothing writes them afterwards.
/// </summary>
public sealed record PreparedFrame
{
    /// <summary>The preproc image the weights were computed from.</summary>
    public required PreprocImage Image { get; init; }

    /// <summary>The PSF model.</summary>
    public required GaussHermitePsf Psf { get; init; }

    /// <summary>The PSF's file name for IN_PSF and ORIG_PSF, or null for an in-memory PSF.</summary>
    public string? PsfPath { get; init; }

    /// <summary>The options as asked for: the stated grid is what the frame is written on.</summary>
    public required ExtractionOptions Options { get; init; }

    /// <summary>
    /// The options the patches were planned with: <see cref="Options"/>, with the grid divided by
    /// <see cref="Heliocor"/> when the barycentric correction applies.
    /// </summary>
    public required ExtractionOptions Extraction { get; init; }

    /// <summary>Every patch of the frame (offsets computed) and the frame-wide wavelength grid.</summary>
    public required PatchPlan Plan { get; init; }

    /// <summary>What the backend's <see cref="IExtractionBackend.BeginFrame"/> receives: pixels, weights, PSF and grid.</summary>
    public required FrameInput Input { get; init; }

    /// <summary>Pixels with a non-finite or out-of-range IMAGE or IVAR (see <see cref="PreprocImage.HoldsPhysicalValues"/>).</summary>
    public required int UnusablePixels { get; init; }

    /// <summary>The FIBERMAP rows of the extracted fibers, or null when neither <c>-f</c> nor the preproc has a FIBERMAP.</summary>
    public FibermapRows? Fibermap { get; init; }

    /// <summary>The barycentric factor applied (HELIOCOR), or null when none was.</summary>
    public double? Heliocor { get; init; }

    /// <summary>Wall seconds the preparation took (the Plan stage of <see cref="StageTimes"/>).</summary>
    public double PlanSeconds { get; init; }
}
