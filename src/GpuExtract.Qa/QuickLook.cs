using GpuExtract.Core.Planning;
using GpuExtract.Qa.Figures;

namespace GpuExtract.Qa;

/// <summary>
/// Writes the quick-look figures of a frame, each as PNG and SVG: spectra, fiber × wavelength images and
/// resolution FWHM always; residuals when the image and a model are given; pulls when the truth is.
/// </summary>
public static class QuickLook
{
    /// <summary>Figure sizes [pixel].</summary>
    public const int Width = 1400, SpectraPanelHeight = 320, ImagesHeight = 1300, ResidualsHeight = 1000, PullsHeight = 1000, ResolutionHeight = 650;

    /// <summary>Names of the figures, in the order they are written (output files are STEM-NAME.png/.svg).</summary>
    public static readonly string[] FigureNames = ["spectra", "images", "residuals", "pulls", "resolution"];

    /// <summary>
    /// Writes the figures into <paramref name="directory"/> (created if needed) as
    /// STEM-spectra, -images, -residuals, -pulls, -resolution (.png and .svg), STEM being the frame file's
    /// name without extensions; returns the paths written.
    /// </summary>
    /// <exception cref="GpuExtract.Core.Extraction.ExtractionInputException">a requested fiber is not in the frame, or the truth does not cover the frame.</exception>
    public static IReadOnlyList<string> Write(QuickLookInput input, string directory)
    {
        var frame = input.Frame;
        IReadOnlyList<int> fibers = input.Fibers is { Count: > 0 } chosen ? chosen : FrameFibers.Default(frame);
        foreach (int fiber in fibers)
        {
            FrameFibers.IndexOf(frame, fiber);
        }
        Directory.CreateDirectory(directory);
        string name = Path.GetFileName(input.FrameName);
        string stem = Path.Combine(directory, Stem(name));
        var written = new List<string>();

        var spectra = fibers.Select(f => FiberSpectrum.Of(frame, f)).ToList();
        written.AddRange(SpectraFigure.Write(spectra, name, stem + "-spectra", Width, 40 + SpectraPanelHeight * spectra.Count));

        written.AddRange(FrameImagesFigure.Write(frame, FiberWavelengthImage.All(frame), name, stem + "-images", Width, ImagesHeight));

        if (input.Image is { } image && (input.Model is not null || input.Psf is not null))
        {
            PixelBox region = PixelResiduals.ClipToCcd(image, input.Region
                ?? (input.Psf is { } placing
                    ? ResidualRegion.AroundFibers(placing, fibers, frame.Wavelength[frame.NWave / 2])
                    : ResidualRegion.OfModel(input.Model!, image.NPixX, image.NPixY)));
            // A model image given wins; else the frame is projected through the PSF.
            PixelResiduals residuals = input.Model is { } model
                ? PixelResiduals.Compute(image, model, region)
                : PixelResiduals.FromRegionModel(image, ProjectedModel.Compute(frame, input.Psf!, region), region);
            string modelName = input.Model is not null ? input.ModelName : $"{name} projected through {input.ModelName}";
            string imageName = input.ImageName ?? (image.FileName is { Length: > 0 } f ? f : "image");
            string title = $"{Path.GetFileName(imageName)} − {modelName}: CCD x {region.XMin}-{region.XMax - 1}, y {region.YMin}-{region.YMax - 1}"
                + (input.Region is null && input.Psf is not null ? $" ({FrameFibers.Describe(fibers)})" : "");
            written.AddRange(ResidualFigure.Write(residuals, title, stem + "-residuals", Width, ResidualsHeight));
        }

        if (input.Truth is { } truth)
        {
            written.AddRange(PullFigure.Write(TruthPullMap.Compute(frame, truth), name, input.TruthName, stem + "-pulls", Width, PullsHeight));
        }

        var widths = fibers.Select(f => (f, ResolutionWidth.Fwhm(frame, f))).ToList();
        written.AddRange(ResolutionFigure.Write(frame.Wavelength, widths, name, stem + "-resolution", Width, ResolutionHeight));
        return written;
    }

    /// <summary>File name without its extensions: frame-r0-00001234.fits.gz → frame-r0-00001234.</summary>
    public static string Stem(string fileName)
    {
        string stem = Path.GetFileName(fileName);
        foreach (string extension in new[] { ".gz", ".fz", ".fits", ".fit" })
        {
            if (stem.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                stem = stem[..^extension.Length];
            }
        }
        return stem.Length > 0 ? stem : "frame";
    }
}
