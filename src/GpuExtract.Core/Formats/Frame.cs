using GpuExtract.Fits;

namespace GpuExtract.Core.Formats;

/// <summary>
/// Extracted spectra of one camera exposure, as DESI's frame files hold them (DESIGN §3).
/// Arrays are row-major; fluxes per Ångström.
/// </summary>
public sealed record Frame
{
    /// <summary>Fiber is usable only in part: more than half of a bin's light fell on bad pixels.</summary>
    public const uint SomeBadPixels = 1u << 0;

    /// <summary>All of a bin's light fell on bad pixels.</summary>
    public const uint AllBadPixels = 1u << 1;

    /// <summary>
    /// The 2-D fit is poor here: chi2pix exceeds 5× its median over fibers at this wavelength and 5× its
    /// median over wavelengths in this fiber (desispec's <c>get_chi2pix_mask</c>).
    /// </summary>
    public const uint Bad2DFit = 1u << 7;

    /// <summary>First fiber (absolute number).</summary>
    public required int SpecMin { get; init; }

    /// <summary>Number of fibers.</summary>
    public required int NSpec { get; init; }

    /// <summary>Wavelengths [Å]; shape [NWave].</summary>
    public required double[] Wavelength { get; init; }

    public int NWave => Wavelength.Length;

    /// <summary>Flux [electron/Å]; shape [NSpec, NWave].</summary>
    public required double[] Flux { get; init; }

    /// <summary>Inverse variance [(electron/Å)⁻²]; shape [NSpec, NWave].</summary>
    public required double[] Ivar { get; init; }

    /// <summary>Mask bits (SomeBadPixels, AllBadPixels, Bad2DFit); shape [NSpec, NWave].</summary>
    public required uint[] Mask { get; init; }

    /// <summary>Number of resolution diagonals (2·ndiag + 1).</summary>
    public required int DiagonalCount { get; init; }

    /// <summary>Resolution band, RESOLUTION[i, k, j] = R_i[j − ndiag + k, j]; shape [NSpec, DiagonalCount, NWave].</summary>
    public required double[] Resolution { get; init; }

    /// <summary>PSF-weighted χ² per pixel of each bin; shape [NSpec, NWave].</summary>
    public required double[] Chi2Pix { get; init; }

    /// <summary>Share of each bin's light on unusable pixels; shape [NSpec, NWave]; null when not stored.</summary>
    public double[]? PixmaskFraction { get; init; }

    /// <summary>Keywords for the FLUX header (the preproc's HDU 0, NSPEC, WAVEMIN, IN_PSF, …).</summary>
    public FitsHeader Header { get; init; } = new();

    /// <summary>The FIBERMAP rows of this frame's fibers (with the table's header), or null when there is none.</summary>
    public FibermapRows? Fibermap { get; init; }

    /// <summary>Per-fiber scores for the SCORES HDU (desispec's <c>compute_frame_scores</c>), or null for none.</summary>
    public IReadOnlyList<FrameScore>? Scores { get; init; }
}
