using GpuExtract.Cli.CommandLine;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Psf;

namespace GpuExtract.Cli.Commands;

/// <summary>
/// The extraction options shared by <c>extract</c>, <c>demo</c> and <c>batch</c>, named and defaulted
/// as DESI's <c>desi_extract_spectra</c> so users can swap us in.
/// </summary>
public static class ExtractionArguments
{
    /// <summary>Declares the shared options on <paramref name="command"/>.</summary>
    public static CommandSpec AddExtractionOptions(this CommandSpec command) => command
        .Option("--wavelength", "-w", "WMIN,WMAX,DW", "output wavelength grid [A]", defaultText: "the PSF's range, 0.8")
        .Option("--specmin", "-s", "N", "first fiber to extract", defaultText: "the PSF's first fiber")
        .Option("--nspec", "-n", "N", "number of fibers to extract", defaultText: "all fibers of the PSF from specmin")
        .Option("--bundlesize", null, "N", "fibers per bundle (fitted independently)", "25")
        .Option("--nsubbundles", null, "N", "subbundles per bundle, 1..bundlesize", "5")
        .Option("--nwavestep", null, "N", "output bins per wavelength patch", "50")
        .Option("--psferr", null, "X", "fractional PSF model error for chi2pix", defaultText: "PSFERR of the PSF file, else 0.01")
        .Option("--regularize", null, "X", "regularisation of every flux bin", "0")
        .Option("--pixpad-frac", null, "X", "pixel-box padding in y, fraction of the spot height", "0.8")
        .Option("--wavepad-frac", null, "X", "wavelength padding beyond the box, fraction of the spot height", "0.2")
        .Flag("--decorrelate-fibers", "decorrelate noise across fibers (Q = iCov^1/2) instead of signal per fiber")
        .Option("--backend", null, "auto|cpu|cuda", "where patches are solved; auto picks CUDA when usable", "auto")
        .Option("--threads", null, "N", "CPU worker threads", defaultText: "all cores")
        .Option("--lapack", null, "auto|native|managed", "CPU linear algebra: system OpenBLAS/LAPACK or managed code", "auto");

    /// <summary>
    /// Parses every shared option once, so a malformed value is reported before any file is read.
    /// </summary>
    public static void CheckSyntax(ParsedArguments args)
    {
        args.GetDoubles("--wavelength", count: 3);
        foreach (string option in (string[])["--specmin", "--nspec", "--bundlesize", "--nsubbundles", "--nwavestep", "--threads"])
        {
            args.GetInt(option);
        }
        foreach (string option in (string[])["--psferr", "--regularize", "--pixpad-frac", "--wavepad-frac"])
        {
            args.GetDouble(option);
        }
        Threads(args);
    }

    /// <summary>The extraction options for <paramref name="psf"/> from the parsed arguments.</summary>
    public static ExtractionOptions ToOptions(ParsedArguments args, GaussHermitePsf psf, bool computeModel, double[]? defaultGrid = null)
    {
        double[] grid;
        if (args.GetDoubles("--wavelength", count: 3) is { } w)
        {
            grid = ExtractionOptions.LinearGrid(w[0], w[1], w[2]);
        }
        else
        {
            grid = defaultGrid ?? ExtractionOptions.LinearGrid(Math.Ceiling(psf.WaveMin), Math.Floor(psf.WaveMax), 0.8);
        }
        int specMin = args.GetInt("--specmin") ?? psf.FiberMin;
        int nspec = args.GetInt("--nspec") ?? psf.FiberMin + psf.FiberCount - specMin;
        return new ExtractionOptions
        {
            Wavelengths = grid,
            SpecMin = specMin,
            NSpec = nspec,
            BundleSize = Positive(args, "--bundlesize"),
            NSubBundles = Positive(args, "--nsubbundles"),
            NWaveStep = Positive(args, "--nwavestep"),
            PsfError = args.GetDouble("--psferr"),
            Regularize = args.GetDouble("--regularize") ?? 0,
            PixPadFrac = args.GetDouble("--pixpad-frac") ?? 0.8,
            WavePadFrac = args.GetDouble("--wavepad-frac") ?? 0.2,
            DecorrelateFibers = args.Has("--decorrelate-fibers"),
            ComputeModel = computeModel,
        };
    }

    /// <summary>Worker threads: --threads, else every core.</summary>
    public static int Threads(ParsedArguments args)
    {
        int threads = args.GetInt("--threads") ?? Environment.ProcessorCount;
        return threads >= 1 ? threads : throw new UsageException($"--threads must be at least 1, got {threads}");
    }

    private static int Positive(ParsedArguments args, string option)
    {
        int value = args.GetInt(option) ?? throw new InvalidOperationException($"{option} has no default");
        return value >= 1 ? value : throw new UsageException($"option {option} must be at least 1, got {value}");
    }
}
