namespace GpuExtract.Core.Extraction;

/// <summary>
/// What to extract and how: the options of DESI's <c>desi_extract_spectra</c> with its defaults.
/// </summary>
public sealed record ExtractionOptions
{
    /// <summary>Output wavelengths [Å], a linear grid; shape [nwave].</summary>
    public required double[] Wavelengths { get; init; }

    /// <summary>First fiber to extract (absolute number).</summary>
    public required int SpecMin { get; init; }

    /// <summary>Number of fibers to extract.</summary>
    public required int NSpec { get; init; }

    /// <summary>Fibers per bundle; bundles are fitted independently.</summary>
    public int BundleSize { get; init; } = 25;

    /// <summary>Subbundles per bundle (1 … BundleSize).</summary>
    public int NSubBundles { get; init; } = 5;

    /// <summary>Output bins in the core of one wavelength patch.</summary>
    public int NWaveStep { get; init; } = 50;

    /// <summary>Pixel-box padding in y, as a fraction of the spot height.</summary>
    public double PixPadFrac { get; init; } = 0.8;

    /// <summary>Wavelength padding beyond the pixel box, as a fraction of the spot height.</summary>
    public double WavePadFrac { get; init; } = 0.2;

    /// <summary>Regularisation of every unknown (0 = only low-weight bins are pinned).</summary>
    public double Regularize { get; init; }

    /// <summary>PSF model error for chi2pix; null = the PSF file's PSFERR.</summary>
    public double? PsfError { get; init; }

    /// <summary>Noise decorrelation across fibers instead of per-fiber signal decorrelation.</summary>
    public bool DecorrelateFibers { get; init; }

    /// <summary>Also compute the model image.</summary>
    public bool ComputeModel { get; init; }

    /// <summary>
    /// Largest pixpad-frac and wavepad-frac accepted: pads of 10 spot heights, 12× and 50× DESI's defaults. A
    /// spot reaches only half a spot height from its centre, so larger pads add unknowns no pixel constrains.
    /// </summary>
    public const double MaxPadFraction = 10;

    /// <summary>
    /// Largest regularisation accepted. It is added in quadrature to each unknown's diagonal of the normal
    /// matrix, whose entries are Σ w·s² (~0.1–10⁴ for DESI pixels); 10⁶ already pins every flux to 0, while
    /// values near 1e300 overflow the matrix and the eigensolver fails.
    /// </summary>
    public const double MaxRegularize = 1e6;

    /// <summary>
    /// Largest grid accepted before any PSF is consulted: 1,000,000 bins, about 350× a DESI camera's (2,881 bins
    /// for z). The planner then bounds the grid by the CCD rows it covers.
    /// </summary>
    public const int MaxGridBins = 1_000_000;

    /// <summary>
    /// Checks what can be checked without the image or the PSF: counts positive, fractions finite and within
    /// [0, <see cref="MaxPadFraction"/>], the grid finite, increasing and at most <see cref="MaxGridBins"/> bins.
    /// Every entry point (CLI, batch, library) reaches it through <c>PatchPlanner.Plan</c>; callers may call it
    /// first to refuse before reading files.
    /// </summary>
    /// <exception cref="ExtractionInputException">an option is out of range; the message names it and its value.</exception>
    public void Validate()
    {
        double[] w = Wavelengths ?? throw new ExtractionInputException("no wavelength grid");
        if (w.Length < 2 || w.Length > MaxGridBins)
        {
            throw new ExtractionInputException($"the wavelength grid needs 2 … {MaxGridBins} bins, got {w.Length}");
        }
        foreach (double v in w)
        {
            if (!double.IsFinite(v))
            {
                throw new ExtractionInputException($"the wavelength grid holds {v}");
            }
        }
        if (!(WavelengthStep > 0))
        {
            throw new ExtractionInputException($"wavelength grid is not increasing ({w[0]} -> {w[1]} A)");
        }
        if (SpecMin < 0 || NSpec < 1)
        {
            throw new ExtractionInputException($"specmin = {SpecMin}, nspec = {NSpec}: need specmin ≥ 0 and nspec ≥ 1");
        }
        if (BundleSize < 1 || NSubBundles < 1 || NSubBundles > BundleSize)
        {
            throw new ExtractionInputException($"nsubbundles must be in 1..bundlesize ({BundleSize}), got {NSubBundles}");
        }
        if (NWaveStep < 1)
        {
            throw new ExtractionInputException($"nwavestep must be positive, got {NWaveStep}");
        }
        RequireFraction("pixpad-frac", PixPadFrac);
        RequireFraction("wavepad-frac", WavePadFrac);
        if (!(Regularize >= 0 && Regularize <= MaxRegularize))
        {
            throw new ExtractionInputException($"regularize = {Regularize}: need 0 … {MaxRegularize:G}");
        }
        if (PsfError is double e && (!(e >= 0) || !double.IsFinite(e)))
        {
            throw new ExtractionInputException($"psferr = {e}: need a finite value ≥ 0");
        }
    }

    private static void RequireFraction(string name, double value)
    {
        if (!(value >= 0 && value <= MaxPadFraction))
        {
            throw new ExtractionInputException($"{name} = {value}: need 0 … {MaxPadFraction} (a fraction of the spot height)");
        }
    }

    /// <summary>
    /// The grid as stated (<c>-w WMIN,WMAX,DW</c>), written verbatim as WAVEMIN/WAVEMAX/WAVESTEP and
    /// divided by the barycentric factor for the extraction; null = <see cref="Wavelengths"/>' first, last
    /// and step.
    /// </summary>
    public WavelengthRange? StatedGrid { get; init; }

    /// <summary>Fibermap file whose FIBERMAP HDU the frame carries (<c>-f</c>); null = the preproc's own FIBERMAP HDU.</summary>
    public string? FibermapPath { get; init; }

    /// <summary>
    /// Extract on the grid divided by the barycentric factor f = 1 + v/c of the exposure and write the
    /// stated grid, so the frame's wavelengths are barycentric (desispec's <c>--barycentric-correction</c>).
    /// </summary>
    public bool BarycentricCorrection { get; init; }

    /// <summary>Leave out the SCORES HDU (desispec's <c>--no-scores</c>).</summary>
    public bool NoScores { get; init; }

    /// <summary>The stated grid, or the one <see cref="Wavelengths"/> spans.</summary>
    public WavelengthRange Grid => StatedGrid ?? new WavelengthRange(Wavelengths[0], Wavelengths[^1], Wavelengths.Length > 1 ? WavelengthStep : 0);

    /// <summary>Wavelength step [Å] as the reference takes it: the first difference of the grid.</summary>
    public double WavelengthStep => Wavelengths[1] - Wavelengths[0];

    /// <summary>The grid <c>wmin + k·dw</c> for k while ≤ wmax + dw/2 (numpy's arange convention).</summary>
    public static double[] LinearGrid(double wmin, double wmax, double dw)
    {
        if (!(dw > 0) || !(wmax > wmin) || !double.IsFinite(wmin) || !double.IsFinite(wmax) || !double.IsFinite(dw))
        {
            throw new ExtractionInputException($"wavelength grid {wmin},{wmax},{dw} is not increasing (need finite wmin < wmax and dw > 0)");
        }
        // numpy.arange computes element k as start + k·δ with δ = (start + step) − start.
        double delta = (wmin + dw) - wmin;
        double bins = Math.Ceiling((wmax + dw / 2 - wmin) / dw);
        if (!(delta > 0) || !(bins <= MaxGridBins))
        {
            throw new ExtractionInputException(
                $"wavelength grid {wmin},{wmax},{dw} would have {bins:G4} bins; at most {MaxGridBins} are accepted (use a larger step)");
        }
        int count = (int)bins;
        var grid = new double[count];
        for (int k = 0; k < count; k++)
        {
            grid[k] = wmin + k * delta;
        }
        return grid;
    }
}
