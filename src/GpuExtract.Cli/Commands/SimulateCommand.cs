using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GpuExtract.Cli.Syntax;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Simulation;
using GpuExtract.Fits;

namespace GpuExtract.Cli.Commands;

/// <summary>
/// <c>gpuextract simulate -o PREPROC</c>: a simulated DESI preproc image (sky, galaxies, noise, cosmics,
/// a hot column) with its truth, through a PSF file or the built-in synthetic PSF.
/// </summary>
public sealed class SimulateCommand : DocumentedCommand
{
    /// <summary>The simulation's defaults; the command line's defaults are these.</summary>
    private static readonly SimulationOptions Defaults = new();

    private readonly Option<string> output = new("--output", "-o") { HelpName = "PREPROC", Description = "preproc file to write (.fits or .fits.gz)", Required = true };
    private readonly Option<string?> psfFile = new("--psf") { HelpName = "FILE", Description = "project through this GAUSS-HERMITE PSF file" };
    private readonly Option<string?> syntheticPsf = new("--synthetic-psf") { HelpName = "PSF_OUT", Description = "use the built-in synthetic PSF and write it to PSF_OUT" };
    private readonly Option<FiberRange> fibers = new("--fibers") { HelpName = "A-B", Description = "fibers to simulate", DefaultValueFactory = _ => new FiberRange(Defaults.FiberMin, Defaults.FiberCount), CustomParser = OptionParsers.Range! };
    private readonly Option<WavelengthRange> wavelength = new("--wavelength", "-w")
    {
        HelpName = "WMIN,WMAX,DW",
        Description = "extraction wavelength grid [A]; light is simulated 20 A beyond",
        DefaultValueFactory = _ => new WavelengthRange(Defaults.WaveMin, Defaults.WaveMax, Defaults.WaveStep),
        CustomParser = result => OptionParsers.Grid(result) ?? default,
    };
    private readonly Option<int> seed = new("--seed") { HelpName = "N", Description = "random seed of noise, cosmics and bad columns", DefaultValueFactory = _ => (int)Defaults.Seed, CustomParser = OptionParsers.Integer() };
    private readonly Option<double> exposureTime = new("--exptime") { HelpName = "S", Description = "exposure time [s]; fluxes scale as S/900", DefaultValueFactory = _ => Defaults.ExposureTime, CustomParser = OptionParsers.Number() };
    private readonly Option<int?> cosmics = new("--cosmics") { HelpName = "N", Description = "cosmic-ray hits (default: 2 per fiber)", CustomParser = OptionParsers.OptionalInteger() };
    private readonly Option<int> badColumns = new("--bad-columns") { HelpName = "N", Description = "hot columns", DefaultValueFactory = _ => Defaults.BadColumnCount, CustomParser = OptionParsers.Integer() };
    private readonly Option<string?> truth = new("--truth") { HelpName = "TRUTH_OUT", Description = "also write the truth alone (TRUTH, TRUTHWAVE, FIBERMAP)" };
    private readonly Option<bool> noiseless = new("--noiseless") { Description = "add the NOISELESS image of the simulated region to the preproc file" };
    private readonly Option<bool> ivarFromImage = new("--ivar-from-image") { Description = "IVAR from the noisy image (DESI preproc) instead of the noiseless model" };
    private readonly Option<int> threads = new("--threads") { HelpName = "N", Description = "worker threads (0 = all cores)", DefaultValueFactory = _ => Defaults.Threads, CustomParser = OptionParsers.Integer(minimum: 0) };
    private readonly Option<bool> compressMask = new("--compress-mask") { Description = "write MASK tile-compressed (RICE_1) as DESI does" };
    private readonly Option<bool> desiLayout = new("--desi-layout")
    {
        Description = "as DESI's pipeline writes a science preproc: a FIBERMAP row for each of the petal's 500 fibers and HDU-0 pointing, time and CCD keywords",
    };

    public SimulateCommand() : base("simulate", "Simulate a DESI preproc image with its input spectra")
    {
        Details = "Sky (continuum + OH lines) on every fiber and galaxies (ELG [OII], BGS Halpha...) on two fibers in three,\n" +
                  "projected through the PSF, with Poisson + read noise, cosmic rays and a hot column (MASK, IVAR 0).\n" +
                  "The preproc file holds IMAGE, IVAR, MASK, FIBERMAP, TRUTH [electron/A] and TRUTHWAVE.\n" +
                  "Without --psf the built-in synthetic r-camera PSF is used (--synthetic-psf also writes it).";
        foreach (Option option in (Option[])[output, psfFile, syntheticPsf, fibers, wavelength, seed, exposureTime, cosmics, badColumns, truth, noiseless, ivarFromImage, threads, compressMask, desiLayout])
        {
            Add(option);
        }
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var clock = Stopwatch.StartNew();
        string outputPath = parse.GetRequiredValue(output);
        string? psfPath = parse.GetValue(psfFile);
        string? syntheticOut = parse.GetValue(syntheticPsf);
        if (psfPath is not null && syntheticOut is not null)
        {
            throw new UsageException("--psf and --synthetic-psf exclude each other: the first reads a PSF, the second writes the synthetic one");
        }
        string? truthPath = parse.GetValue(truth);
        using var outputs = new OutputSet();
        if (psfPath is not null)
        {
            outputs.AddInput(psfPath, "input PSF");
        }
        OutputSet.Output preprocOutput = outputs.Add(outputPath, "simulated preproc");
        OutputSet.Output? psfOutput = syntheticOut is null ? null : outputs.Add(syntheticOut, "synthetic PSF");
        OutputSet.Output? truthOutput = truthPath is null ? null : outputs.Add(truthPath, "truth");
        FiberRange range = parse.GetRequiredValue(fibers);
        WavelengthRange grid = parse.GetRequiredValue(wavelength);
        var options = new SimulationOptions
        {
            FiberMin = range.First,
            FiberCount = range.Count,
            WaveMin = grid.Min,
            WaveMax = grid.Max,
            WaveStep = grid.Step,
            Seed = parse.GetValue(seed),
            ExposureTime = parse.GetValue(exposureTime),
            CosmicCount = parse.GetValue(cosmics),
            BadColumnCount = parse.GetValue(badColumns),
            IvarFromImage = parse.GetValue(ivarFromImage),
            Threads = parse.GetValue(threads),
            DesiLayout = parse.GetValue(desiLayout),
        };

        GaussHermitePsf psf;
        string psfName;
        if (psfPath is not null)
        {
            psf = GaussHermitePsf.Load(psfPath);
            psfName = Path.GetFileName(psfPath);
        }
        else
        {
            psf = SyntheticPsf.Default;
            psfName = SyntheticPsf.BuiltInName;
            if (psfOutput is not null)
            {
                PsfWriter.Write(psfOutput, psf.Coefficients);
                psfName = Path.GetFileName(psfOutput.Path);
            }
        }

        SimulatedFrame frame;
        try
        {
            frame = FrameSimulator.Simulate(psf, options, psfName);
        }
        catch (SimulationInputException error)
        {
            throw new UsageException(error.Message);
        }
        frame.Write(preprocOutput, includeNoiseless: parse.GetValue(noiseless), compressMask: parse.GetValue(compressMask));
        if (truthOutput is not null)
        {
            frame.WriteTruth(truthOutput);
        }
        outputs.Commit();
        Console.WriteLine(Summary(frame, outputPath, clock.Elapsed.TotalSeconds));
        return 0;
    }

    /// <summary>The one-line report: fibers, wavelengths, pixels, defects, file and seconds.</summary>
    public static string Summary(SimulatedFrame frame, string output, double seconds)
    {
        SimulationOptions o = frame.Options;
        SimulationGrid g = frame.Truth.Grid;
        return string.Create(CultureInfo.InvariantCulture,
            $"simulated fibers {o.FiberMin}-{o.FiberMin + o.FiberCount - 1} ({o.FiberCount}), " +
            $"{g.WaveMin:0.###}-{g.WaveMax:0.###} A step {g.WaveStep:0.###} ({g.ExtractionCount} bins + {g.PadBins} each side), " +
            $"{frame.Region.Height} x {frame.Region.Width} pixels at x {frame.Region.XMin}-{frame.Region.XMax - 1}, y {frame.Region.YMin}-{frame.Region.YMax - 1}, " +
            $"{o.EffectiveCosmicCount} cosmics ({frame.CosmicPixels} px), {frame.BadColumns.Length} hot column(s), seed {o.Seed}: " +
            $"{output} in {seconds:0.0} s");
    }
}
