using System.CommandLine;
using GpuExtract.Cli.Syntax;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Psf;

namespace GpuExtract.Cli.Commands;

/// <summary>
/// The extraction options shared by <c>extract</c>, <c>batch</c> and <c>gpu-benchmark</c>, named as DESI's
/// <c>desi_extract_spectra</c> so users can swap us in. Their defaults are <see cref="ExtractionOptions"/>'s:
/// an option added here is added to every command that extracts.
/// </summary>
public sealed class ExtractionOptionSet
{
    /// <summary>The defaults of every option that has one; the grid and fibers are the PSF's.</summary>
    private static readonly ExtractionOptions Defaults = new() { Wavelengths = [], SpecMin = 0, NSpec = 0 };

    public Option<WavelengthRange?> Wavelength { get; } = new("--wavelength", "-w")
    {
        HelpName = "WMIN,WMAX,DW",
        Description = "output wavelength grid [A]: WMIN + k*DW up to WMAX; the values are written as WAVEMIN/WAVEMAX/WAVESTEP (default: the PSF's range, 0.8)",
        CustomParser = OptionParsers.Grid,
    };

    public Option<int?> SpecMin { get; } = new("--specmin", "-s")
    {
        HelpName = "N",
        Description = "first spectrum to extract (default: 0, the PSF's first fiber)",
        CustomParser = OptionParsers.OptionalInteger(),
    };

    public Option<int?> NSpec { get; } = new("--nspec", "-n")
    {
        HelpName = "N",
        Description = "number of spectra to extract (default: every fiber from specmin to the PSF's last, 500 for DESI)",
        CustomParser = OptionParsers.OptionalInteger(),
    };

    public Option<int> BundleSize { get; } = new("--bundlesize")
    {
        HelpName = "N",
        Description = "fibers per bundle (fitted independently)",
        DefaultValueFactory = _ => Defaults.BundleSize,
        CustomParser = OptionParsers.Integer(minimum: 1),
    };

    public Option<int> NSubBundles { get; } = new("--nsubbundles")
    {
        HelpName = "N",
        Description = "subbundles per bundle, 1..bundlesize",
        DefaultValueFactory = _ => Defaults.NSubBundles,
        CustomParser = OptionParsers.Integer(minimum: 1),
    };

    public Option<int> NWaveStep { get; } = new("--nwavestep")
    {
        HelpName = "N",
        Description = "output bins per wavelength patch",
        DefaultValueFactory = _ => Defaults.NWaveStep,
        CustomParser = OptionParsers.Integer(minimum: 1),
    };

    public Option<double?> PsfError { get; } = new("--psferr")
    {
        HelpName = "X",
        Description = "fractional PSF model error for chi2pix (default: PSFERR of the PSF file, else 0.01)",
        CustomParser = OptionParsers.OptionalNumber(),
    };

    public Option<double> Regularize { get; } = new("--regularize", "-r")
    {
        HelpName = "X",
        Description = "regularization amount added to every flux bin",
        DefaultValueFactory = _ => Defaults.Regularize,
        CustomParser = OptionParsers.Number(),
    };

    public Option<double> PixPadFrac { get; } = new("--pixpad-frac")
    {
        HelpName = "X",
        Description = "pixel-box padding in y, fraction of the spot height",
        DefaultValueFactory = _ => Defaults.PixPadFrac,
        CustomParser = OptionParsers.Number(),
    };

    public Option<double> WavePadFrac { get; } = new("--wavepad-frac")
    {
        HelpName = "X",
        Description = "wavelength padding beyond the box, fraction of the spot height",
        DefaultValueFactory = _ => Defaults.WavePadFrac,
        CustomParser = OptionParsers.Number(),
    };

    public Option<bool> DecorrelateFibers { get; } = new("--decorrelate-fibers")
    {
        Description = "decorrelate noise across fibers (Q = iCov^1/2) instead of signal per fiber (desispec: not recommended)",
    };

    public Option<bool> NoScores { get; } = new("--no-scores")
    {
        Description = "do not compute scores: leave out the SCORES HDU",
    };

    public Option<bool> BarycentricCorrection { get; } = new("--barycentric-correction")
    {
        Description = "apply barycentric correction to wavelength: extract on WMIN/f,WMAX/f,DW/f with f = 1+v/c at Kitt Peak "
            + "(pointing and mid-exposure time from HDU 0, else the FIBERMAP header), write the stated grid and HELIOCOR",
    };

    public Option<bool> NoGpu { get; } = new("--no-gpu")
    {
        Description = "do not use a GPU even if available (= --backend cpu)",
    };

    /// <summary>--backend, --threads, --lapack, --device-solver.</summary>
    public BackendOptionSet Backend { get; } = new();

    /// <summary>The backend asked for: cpu under --no-gpu, else --backend's choice.</summary>
    public string BackendName(ParseResult parse) => parse.GetValue(NoGpu) ? "cpu" : parse.GetValue(Backend.Backend)!;

    /// <summary>
    /// The backend to use (<see cref="BackendName"/>), telling the choice on <paramref name="log"/>;
    /// <paramref name="ranksPerDevice"/> processes share GPU <paramref name="device"/>.
    /// </summary>
    public IExtractionBackend CreateBackend(ParseResult parse, TextWriter log, int device = 0, int ranksPerDevice = 1, bool stageTiming = false) =>
        Backends.Create(BackendName(parse), Backend.ThreadCount(parse), parse.GetValue(Backend.Lapack)!, log, device, ranksPerDevice, Backend.Gpu(parse, stageTiming));

    /// <summary>Adds every option to <paramref name="command"/>, in the order --help lists them.</summary>
    public void AddTo(Command command)
    {
        foreach (Option option in (Option[])[Wavelength, SpecMin, NSpec, BundleSize, NSubBundles, NWaveStep, PsfError, Regularize, PixPadFrac, WavePadFrac, DecorrelateFibers, NoScores, BarycentricCorrection, NoGpu])
        {
            command.Add(option);
        }
        Backend.AddTo(command);
    }

    /// <summary>
    /// The extraction options for <paramref name="psf"/>: the grid is --wavelength, else
    /// <paramref name="defaultGrid"/>, else the PSF's whole range (whole Ångströms) at 0.8 Å.
    /// </summary>
    public ExtractionOptions ToOptions(ParseResult parse, GaussHermitePsf psf, bool computeModel, double[]? defaultGrid = null) =>
        OptionsFor(parse, computeModel, defaultGrid)(psf);

    /// <summary>
    /// <see cref="ToOptions"/> as a function of the PSF, with every command-line value read now, on the calling
    /// thread: <c>batch</c> calls the function on its read-ahead task, and a <see cref="ParseResult"/> promises
    /// nothing about threads.
    /// </summary>
    public Func<GaussHermitePsf, ExtractionOptions> OptionsFor(ParseResult parse, bool computeModel, double[]? defaultGrid = null)
    {
        WavelengthRange? stated = parse.GetValue(Wavelength);
        int? specMin = parse.GetValue(SpecMin);
        int? nspec = parse.GetValue(NSpec);
        var shared = new ExtractionOptions
        {
            Wavelengths = [],
            SpecMin = 0,
            NSpec = 0,
            BundleSize = parse.GetValue(BundleSize),
            NSubBundles = parse.GetValue(NSubBundles),
            NWaveStep = parse.GetValue(NWaveStep),
            PsfError = parse.GetValue(PsfError),
            Regularize = parse.GetValue(Regularize),
            PixPadFrac = parse.GetValue(PixPadFrac),
            WavePadFrac = parse.GetValue(WavePadFrac),
            DecorrelateFibers = parse.GetValue(DecorrelateFibers),
            ComputeModel = computeModel,
            StatedGrid = stated,
            NoScores = parse.GetValue(NoScores),
            BarycentricCorrection = parse.GetValue(BarycentricCorrection),
        };
        return psf =>
        {
            // A fresh grid array per call: each frame owns its Wavelengths.
            double[] grid = stated?.Grid()
                ?? defaultGrid
                ?? ExtractionOptions.LinearGrid(Math.Ceiling(psf.WaveMin), Math.Floor(psf.WaveMax), 0.8);
            int first = specMin ?? psf.FiberMin;
            return shared with { Wavelengths = grid, SpecMin = first, NSpec = nspec ?? psf.FiberMin + psf.FiberCount - first };
        };
    }
}
