using GpuExtract.Core.Psf;

namespace GpuExtract.Core.Extraction;

/// <summary>
/// Everything a backend needs once per frame: the pixels and their weights, the PSF, the spots to
/// evaluate and the per-patch options. Spots are identified by (fiber, grid index) on one frame-wide
/// wavelength grid <see cref="GridWavelengths"/> that covers every patch's wavelengths, pads included.
/// A record so that a variant can be made with <c>with</c> (the arrays are shared, not copied).
/// </summary>
public sealed record FrameInput
{
    /// <summary>CCD columns (NAXIS1).</summary>
    public required int NPixX { get; init; }

    /// <summary>CCD rows (NAXIS2).</summary>
    public required int NPixY { get; init; }

    /// <summary>Pixel values [electron]; shape [NPixY, NPixX].</summary>
    public required float[] Image { get; init; }

    /// <summary>
    /// Pixel weights [electron⁻²]: IVAR where the pixel is usable, 0 where masked or non-finite
    /// (image pixels with weight 0 are never read as values); shape [NPixY, NPixX].
    /// </summary>
    public required float[] Weight { get; init; }

    /// <summary>The PSF model.</summary>
    public required GaussHermitePsf Psf { get; init; }

    /// <summary>First fiber (absolute number) that has spots.</summary>
    public required int FiberStart { get; init; }

    /// <summary>Number of fibers with spots.</summary>
    public required int FiberCount { get; init; }

    /// <summary>Frame-wide wavelength grid [Å]; spot (fiber, g) is at <c>GridWavelengths[g]</c>.</summary>
    public required double[] GridWavelengths { get; init; }

    /// <summary>Number of resolution diagonals on each side of the main one (ndiag).</summary>
    public required int HalfDiagonals { get; init; }

    /// <summary>Fractional PSF model error used in chi2pix.</summary>
    public required double PsfError { get; init; }

    /// <summary>Regularisation added in quadrature to every unknown's diagonal (0 = none).</summary>
    public double Regularize { get; init; }

    /// <summary>Noise decorrelation across fibers (Q = iCov^½) instead of per-fiber signal decorrelation.</summary>
    public bool DecorrelateFibers { get; init; }

    /// <summary>Whether per-patch model pixels are wanted (for <c>--model</c>).</summary>
    public bool ComputeModel { get; init; }

    /// <summary>
    /// Throws <see cref="InvalidOperationException"/> unless <see cref="Image"/> and <see cref="Weight"/> both hold
    /// <see cref="NPixY"/> × <see cref="NPixX"/> pixels (what every backend checks in BeginFrame).
    /// </summary>
    public void RequirePixelCounts()
    {
        long pixels = (long)NPixX * NPixY;
        if (Image.Length != pixels || Weight.Length != pixels)
        {
            throw new InvalidOperationException(
                $"Frame image ({Image.Length}) and weight ({Weight.Length}) must both hold {NPixY} × {NPixX} pixels");
        }
    }

    /// <summary>Index of spot (fiber, grid index g) in a fiber-major table over this frame's fibers and grid.</summary>
    public int SpotIndex(int fiber, int g) => (fiber - FiberStart) * GridWavelengths.Length + g;
}
