using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Simulation;

namespace GpuExtract.Fuzz;

/// <summary>
/// One unmutated starting point of the fuzzer: a small preproc and PSF (as the bytes of uncompressed FITS
/// files) that extract cleanly with <see cref="Options"/>, plus the parsed image for pixel-level edits.
/// </summary>
public sealed class FuzzInput
{
    /// <summary>"synthetic" or "real-layout".</summary>
    public required string Name { get; init; }

    /// <summary>The preproc file's bytes (uncompressed FITS).</summary>
    public required byte[] Preproc { get; init; }

    /// <summary>The PSF file's bytes.</summary>
    public required byte[] Psf { get; init; }

    /// <summary>The image <see cref="Preproc"/> holds.</summary>
    public required PreprocImage Image { get; init; }

    /// <summary>The coefficients <see cref="Psf"/> holds.</summary>
    public required GaussHermitePsfCoefficients PsfCoefficients { get; init; }

    /// <summary>An extraction that succeeds on the unmutated input.</summary>
    public required ExtractionOptions Options { get; init; }

    /// <summary>
    /// Five fibers of the built-in synthetic PSF over 6300–6360 Å, simulated (seed 1) on the CCD window they
    /// need: about 120 × 150 pixels.
    /// </summary>
    public static FuzzInput Synthetic(string scratchDirectory)
    {
        GaussHermitePsf full = SyntheticPsf.Default;
        PixelBox window = Window(full, 0, 5, 6300, 6360);
        GaussHermitePsfCoefficients cut = Cutout.Psf(full.Coefficients, 0, 5, window);
        var psf = new GaussHermitePsf(cut);
        SimulatedFrame simulated = FrameSimulator.Simulate(psf,
            new SimulationOptions { FiberMin = 0, FiberCount = 5, WaveMin = 6300, WaveMax = 6360, Seed = 1, Threads = 1 }, "fuzz");
        return Build("synthetic", scratchDirectory, simulated.Image, cut, 6300, 6360);
    }

    /// <summary>
    /// The real DESI PSF (fibers 0–4) and DESI's <c>small</c> reference preproc, cut to the window its
    /// simulated region needs (as reference README §2.2), extracted over 6250–6350 Å. Null, with the reason,
    /// when <paramref name="sharedDirectory"/> lacks the files.
    /// </summary>
    public static FuzzInput? RealLayout(string? sharedDirectory, string scratchDirectory, out string reason)
    {
        string psfPath = Path.Combine(sharedDirectory ?? "", "data", "psf-r0-00051060.fits");
        string preprocPath = Path.Combine(sharedDirectory ?? "", "reference", "small-preproc.fits.gz");
        if (sharedDirectory is null || !File.Exists(psfPath) || !File.Exists(preprocPath))
        {
            reason = $"real-layout inputs skipped: {psfPath} or {preprocPath} is absent";
            return null;
        }
        reason = "";
        GaussHermitePsf full = GaussHermitePsf.Load(psfPath);
        PixelBox window = Window(full, 0, 5, 6250, 6350);
        GaussHermitePsfCoefficients cut = Cutout.Psf(full.Coefficients, 0, 5, window);
        PreprocImage image = Cutout.Image(PreprocImage.Read(preprocPath), window);
        return Build("real-layout", scratchDirectory, image, cut, 6250, 6350);
    }

    private static FuzzInput Build(string name, string scratch, PreprocImage image, GaussHermitePsfCoefficients psf, double wmin, double wmax)
    {
        Directory.CreateDirectory(scratch);
        string preprocPath = Path.Combine(scratch, $"{name}-preproc.fits");
        string psfPath = Path.Combine(scratch, $"{name}-psf.fits");
        image.Write(preprocPath);
        PsfWriter.Write(psfPath, psf);
        return new FuzzInput
        {
            Name = name,
            Preproc = File.ReadAllBytes(preprocPath),
            Psf = File.ReadAllBytes(psfPath),
            Image = PreprocImage.Read(preprocPath),
            PsfCoefficients = psf,
            Options = new ExtractionOptions
            {
                Wavelengths = ExtractionOptions.LinearGrid(wmin, wmax, 0.8),
                SpecMin = 0,
                NSpec = 5,
                NWaveStep = 25,
            },
        };
    }

    /// <summary>The CCD window holding the spots of the fibers between wmin − 40 Å and wmax + 40 Å, plus 20 pixels.</summary>
    private static PixelBox Window(GaussHermitePsf psf, int fiberFirst, int fiberCount, double wmin, double wmax)
    {
        PixelBox box = psf.PixelRange(fiberFirst, fiberFirst + fiberCount, wmin - 40, wmax + 40);
        const int margin = 20;
        return new PixelBox(Math.Max(box.XMin - margin, 0), Math.Min(box.XMax + margin, psf.NPixX),
            Math.Max(box.YMin - margin, 0), Math.Min(box.YMax + margin, psf.NPixY));
    }
}
