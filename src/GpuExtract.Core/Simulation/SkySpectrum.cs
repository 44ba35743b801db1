namespace GpuExtract.Core.Simulation;

/// <summary>
/// The night sky seen through one DESI fiber in a 900 s exposure, in photons reaching the CCD
/// (electrons, gain 1): a smooth continuum plus the emission lines of <see cref="SkyLines"/>.
/// The same for every fiber up to its throughput (<see cref="FiberTarget.Throughput"/>).
/// </summary>
public static class SkySpectrum
{
    /// <summary>Exposure time the figures below are for [s].</summary>
    public const double ReferenceExposure = 900.0;

    /// <summary>
    /// Continuum [electron/Å] at 900 s: 140 e/Å at 6700 Å rising gently to the red as λ^0.5
    /// (127 e/Å at 5600 Å, 151 e/Å at 7800 Å). The reference simulation's UVES sky scaled to DESI
    /// gives about 144 e/Å (../shared/reference/README.md §2.2).
    /// </summary>
    public static PowerLawContinuum Continuum { get; } = new(140.0, 6700.0, 0.5);

    /// <summary>
    /// Total photons of [O I] 6300 at 900 s. The reference simulation's brightest sky bins, at
    /// [O I] 6300, reach about 2e4 e/Å (README §2.2); 1.6e4 e in one narrow line gives that in a
    /// 0.8 Å bin. Its OH lines carry 500–5000 e, as the table's 0.03–0.3 do.
    /// </summary>
    public const double Oxygen6300Photons = 1.6e4;

    /// <summary>
    /// Intrinsic width of a sky line [Å per Å of wavelength]: a resolution of 40 000 (FWHM), as in a
    /// high-resolution sky atlas. Far below the spectrograph's, so the PSF does the broadening.
    /// </summary>
    public const double LineSigmaPerWavelength = 1.0 / (40000 * 2.3548200450309493);

    /// <summary>The sky lines as Gaussian lines of photons at 900 s.</summary>
    public static EmissionLine[] Lines { get; } = BuildLines();

    /// <summary>
    /// Adds the sky photons per bin (continuum and lines, 900 s, throughput 1) times
    /// <paramref name="scale"/> to <paramref name="binPhotons"/>.
    /// </summary>
    /// <param name="edges">Bin edges [Å]; shape [nbin + 1].</param>
    /// <param name="binPhotons">Photons per bin, accumulated; shape [nbin].</param>
    /// <param name="scale">Exposure scale (EXPTIME/900) times throughput.</param>
    public static void AddTo(ReadOnlySpan<double> edges, Span<double> binPhotons, double scale)
    {
        Continuum.AddTo(edges, binPhotons, scale);
        foreach (var line in Lines)
        {
            line.AddTo(edges, binPhotons, scale);
        }
    }

    private static EmissionLine[] BuildLines()
    {
        var lines = new EmissionLine[SkyLines.All.Length];
        for (int i = 0; i < lines.Length; i++)
        {
            var (wavelength, strength) = SkyLines.All[i];
            lines[i] = new EmissionLine(wavelength, wavelength * LineSigmaPerWavelength, strength * Oxygen6300Photons);
        }
        return lines;
    }
}
