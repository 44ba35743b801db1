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
        if (!(dw > 0) || !(wmax > wmin))
        {
            throw new ExtractionInputException($"wavelength grid {wmin},{wmax},{dw} is not increasing (need wmin < wmax and dw > 0)");
        }
        // numpy.arange computes element k as start + k·δ with δ = (start + step) − start.
        double delta = (wmin + dw) - wmin;
        int count = (int)Math.Ceiling((wmax + dw / 2 - wmin) / dw);
        var grid = new double[count];
        for (int k = 0; k < count; k++)
        {
            grid[k] = wmin + k * delta;
        }
        return grid;
    }
}
