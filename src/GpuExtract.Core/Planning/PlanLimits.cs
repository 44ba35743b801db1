using GpuExtract.Core.Extraction;
using GpuExtract.Core.Psf;

namespace GpuExtract.Core.Planning;

/// <summary>
/// The bounds a plan must respect before any memory is committed to it: a grid no finer than the CCD rows
/// it covers can constrain, patches whose normal matrix fits a worker, and a spot table that fits in memory.
/// Each bound turns what would be an out-of-memory crash or an hour-long run into an
/// <see cref="ExtractionInputException"/> naming the option to change.
/// </summary>
public static class PlanLimits
{
    /// <summary>
    /// Most output bins per CCD row the grid may put along a trace. DESI's grids have 0.6–1.4 bins per row;
    /// a bin narrower than a quarter row is not constrained by the pixels (a spot's σ is ~1 row), so only the
    /// regularisation would set it, while every finer step multiplies the unknowns.
    /// </summary>
    public const int MaxBinsPerRow = 4;

    /// <summary>
    /// Most wavelength bins (pads included) one patch may fit per fiber: DESI's have ~80 (nwavestep 50 plus
    /// pads); each fiber's nw × nw block is eigendecomposed (9·nw³ FLOPs), so 400 bins keep that under a second.
    /// </summary>
    public const int MaxPatchBins = 400;

    /// <summary>
    /// Most unknowns (fibers × wavelength bins, pads included) one patch may have. DESI's patches have
    /// ~400–600 and one subbundle per bundle ~2000; 2500 keeps a worker's two n × n matrices at 100 MB and the
    /// dense eigh of --decorrelate-fibers (9·n³ FLOPs) within seconds.
    /// </summary>
    public const int MaxPatchUnknowns = 2500;

    /// <summary>Largest share of the memory available to the process that the spot table may take.</summary>
    public const double MaxSpotTableShare = 0.5;

    /// <summary>
    /// Refuses a grid with more than <see cref="MaxBinsPerRow"/> bins per CCD row along the requested
    /// fibers' traces (rows counted from the first to the last wavelength, plus one spot height).
    /// </summary>
    /// <exception cref="ExtractionInputException">the grid is finer than the CCD can constrain.</exception>
    public static void RequireResolvableGrid(GaussHermitePsf psf, ExtractionOptions options)
    {
        double[] w = options.Wavelengths;
        int last = options.SpecMin + options.NSpec - 1;
        double rows = 0;
        int widest = options.SpecMin;
        foreach (int fiber in (ReadOnlySpan<int>)[options.SpecMin, options.SpecMin + (options.NSpec - 1) / 2, last])
        {
            double span = Math.Abs(psf.Y(fiber, w[^1]) - psf.Y(fiber, w[0]));
            if (span > rows || double.IsNaN(span))
            {
                (rows, widest) = (span, fiber);
            }
        }
        double allowed = MaxBinsPerRow * (rows + psf.StampRows);
        if (!(w.Length <= allowed))
        {
            double minStep = (w[^1] - w[0]) / Math.Max(allowed - 1, 1);
            throw new ExtractionInputException(
                $"wavelength grid of {w.Length} bins ({w[0]:0.###}-{w[^1]:0.###} A, step {options.WavelengthStep:G4} A) spans {rows:0.#} CCD rows " +
                $"on fiber {widest} of the PSF {psf.Source}; at most {MaxBinsPerRow} bins per row are accepted (use a step of at least {minStep:G3} A)");
        }
    }

    /// <summary>Refuses a patch of more than <see cref="MaxPatchBins"/> bins per fiber or <see cref="MaxPatchUnknowns"/> unknowns.</summary>
    /// <exception cref="ExtractionInputException">the patch is too large.</exception>
    public static void RequirePatchSize(GaussHermitePsf psf, long fibers, long bins, ExtractionOptions options)
    {
        long unknowns = fibers * bins;
        if (bins < 0 || bins > MaxPatchBins || unknowns > MaxPatchUnknowns)
        {
            // The pads come from the PSF's traces as well as from the options: both are named.
            throw new ExtractionInputException(
                $"a patch would fit {fibers} fibers × {bins} wavelength bins = {unknowns} unknowns; at most {MaxPatchBins} bins and {MaxPatchUnknowns} unknowns are accepted " +
                $"(PSF {psf.Source}; nwavestep {options.NWaveStep}, pixpad-frac {options.PixPadFrac}, wavepad-frac {options.WavePadFrac}, step {options.WavelengthStep:G4} A: " +
                "use a smaller nwavestep, more subbundles, smaller pads or a larger step, or check the PSF's traces)");
        }
    }

    /// <summary>
    /// Refuses a frame whose spot table (fibers × grid wavelengths × stamp pixels, float64) would exceed one
    /// array or <see cref="MaxSpotTableShare"/> of the memory available to the process.
    /// </summary>
    /// <exception cref="ExtractionInputException">the spots do not fit.</exception>
    public static void RequireSpotTableFits(GaussHermitePsf psf, int fibers, int gridLength)
    {
        long values = (long)fibers * gridLength * psf.StampRows * psf.StampCols;
        long bytes = values * sizeof(double);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (values > Array.MaxLength || bytes > MaxSpotTableShare * available)
        {
            throw new ExtractionInputException(
                $"the spots of {fibers} fibers × {gridLength} wavelengths ({psf.StampRows} × {psf.StampCols} stamps) need {bytes / 1e9:0.##} GB, " +
                $"more than {MaxSpotTableShare:P0} of the {available / 1e9:0.##} GB available; extract fewer fibers at a time or use a larger step");
        }
    }
}
