using GpuExtract.Core.Extraction;
using GpuExtract.Fits;

namespace GpuExtract.Core.Formats;

/// <summary>
/// The FLUX header of a frame, as desispec's extraction builds it (<c>scripts.extract.main_gpu_specter</c>):
/// the preproc's whole HDU-0 header, then HELIOCOR when a barycentric correction was applied, NSPEC,
/// WAVEMIN/WAVEMAX/WAVESTEP exactly as stated, IN_PSF, IN_IMG, the dependency keywords, ORIG_PSF when the
/// PSF was itself derived from another, BUNIT and FIBERMIN; then this program's extraction parameters.
/// </summary>
public static class FrameHeader
{
    /// <summary>Structural keywords of the preproc's HDU that describe that HDU, not the frame.</summary>
    private static readonly HashSet<string> Structural = ["SIMPLE", "XTENSION", "BITPIX", "NAXIS", "NAXIS1", "NAXIS2", "EXTEND", "PCOUNT", "GCOUNT", "BSCALE", "BZERO", "CHECKSUM", "DATASUM", "END", ""];

    /// <summary>
    /// Builds the header; <paramref name="psfError"/> is the PSF model error used, <paramref name="heliocor"/>
    /// the factor f applied or null without correction.
    /// </summary>
    public static FitsHeader Compose(FitsHeader imageHeader, string imagePath, string psfPath, ExtractionOptions options,
        WavelengthRange stated, int fiberMin, double psfError, double? heliocor)
    {
        var header = new FitsHeader();
        foreach (FitsCard card in imageHeader)
        {
            if (Structural.Contains(card.Key))
            {
                continue;
            }
            if (card.Key == "COMMENT")
            {
                header.AddComment(card.Value as string ?? "");
            }
            else if (card.Key == "HISTORY")
            {
                header.AddHistory(card.Value as string ?? "");
            }
            else if (card.Value is not null)
            {
                try
                {
                    header.Set(card.Key, card.Value, card.Comment);
                }
                catch (ArgumentException e)
                {
                    // A keyword the reader tolerated but FITS cannot write (a corrupt card): the input is at fault.
                    throw new FitsFormatException($"{imagePath}, HDU 0: card '{card.Key}' cannot be carried into the frame: {e.Message}");
                }
            }
        }
        header.Set("EXTNAME", "FLUX");
        // desispec writes HELIOCOR only when the factor differs from 1.
        if (heliocor is { } f && f != 1.0)
        {
            header.Set("HELIOCOR", f, "barycentric wavelength correction factor 1+v/c");
        }
        header.Set("NSPEC", (long)options.NSpec, "Number of spectra");
        header.Set("WAVEMIN", stated.Min, "First wavelength [Angstroms]");
        header.Set("WAVEMAX", stated.Max, "Last wavelength [Angstroms]");
        header.Set("WAVESTEP", stated.Step, "Wavelength step size [Angstroms]");
        header.Set("IN_PSF", ShortenFilename(psfPath), "Input spectral PSF");
        header.Set("IN_IMG", ShortenFilename(imagePath));
        Dependencies.AddGpuExtract(header);
        if (OriginalPsf(psfPath) is { } original)
        {
            header.Set("ORIG_PSF", original);
        }
        header.Set("BUNIT", "electron/Angstrom");
        header.Set("FIBERMIN", (long)fiberMin);
        header.Set("BUNDLESZ", (long)options.BundleSize, "fibers per bundle");
        header.Set("NSUBBUND", (long)options.NSubBundles, "subbundles per bundle");
        header.Set("WAVESIZE", (long)options.NWaveStep, "output bins per patch");
        header.Set("PSFERR", psfError, "PSF model error used in CHI2PIX");
        header.Set("REGULARZ", options.Regularize, "regularisation");
        header.Set("PIXPADFR", options.PixPadFrac, "pixel-box padding fraction");
        header.Set("WAVEPDFR", options.WavePadFrac, "wavelength padding fraction");
        header.Set("NDECORR", options.DecorrelateFibers, "noise decorrelated across fibers");
        return header;
    }

    /// <summary>
    /// desispec's <c>io.meta.shorten_filename</c>: $DESI_SPECTRO_CALIB → SPCALIB and
    /// $DESI_SPECTRO_REDUX/$SPECPROD → SPECPROD at the start of the path; otherwise the path as given.
    /// </summary>
    public static string ShortenFilename(string path)
    {
        string? calib = Environment.GetEnvironmentVariable("DESI_SPECTRO_CALIB");
        if (!string.IsNullOrEmpty(calib) && path.StartsWith(calib, StringComparison.Ordinal))
        {
            return "SPCALIB" + path[calib.Length..];
        }
        string? redux = Environment.GetEnvironmentVariable("DESI_SPECTRO_REDUX");
        string? specprod = Environment.GetEnvironmentVariable("SPECPROD");
        if (!string.IsNullOrEmpty(redux) && !string.IsNullOrEmpty(specprod))
        {
            string root = Path.Combine(redux, specprod);
            if (path.StartsWith(root, StringComparison.Ordinal))
            {
                return "SPECPROD" + path[root.Length..];
            }
        }
        return path;
    }

    /// <summary>IN_PSF of the PSF file's PSF HDU (a trace-shifted PSF names its parent there), or null.</summary>
    private static string? OriginalPsf(string psfPath)
    {
        if (!File.Exists(psfPath))
        {
            return null;
        }
        using FitsFile file = FitsFile.Open(psfPath);
        return file.TryGetHdu("PSF", out FitsHdu psf) && psf.Header.Find("IN_PSF")?.Value is string original ? original : null;
    }
}
