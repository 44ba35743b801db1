using System.Diagnostics;
using System.Globalization;
using GpuExtract.Cli.CommandLine;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Simulation;

namespace GpuExtract.Cli.Commands;

/// <summary>
/// <c>gpuextract simulate -o PREPROC</c>: a simulated DESI preproc image (sky, galaxies, noise, cosmics,
/// a hot column) with its truth, through a PSF file or the built-in synthetic PSF.
/// </summary>
public static class SimulateCommand
{
    public static CommandSpec Spec { get; } = new CommandSpec("simulate", "Simulate a DESI preproc image with its input spectra", Run)
    {
        Details = "Sky (continuum + OH lines) on every fiber and galaxies (ELG [OII], BGS Halpha...) on two fibers in three,\n" +
                  "projected through the PSF, with Poisson + read noise, cosmic rays and a hot column (MASK, IVAR 0).\n" +
                  "The preproc file holds IMAGE, IVAR, MASK, FIBERMAP, TRUTH [electron/A] and TRUTHWAVE.\n" +
                  "Without --psf the built-in synthetic r-camera PSF is used (--synthetic-psf also writes it).",
    }
        .Option("--output", "-o", "PREPROC", "preproc file to write (.fits or .fits.gz)", required: true)
        .Option("--psf", null, "FILE", "project through this GAUSS-HERMITE PSF file")
        .Option("--synthetic-psf", null, "PSF_OUT", "use the built-in synthetic PSF and write it to PSF_OUT")
        .Option("--fibers", null, "A-B", "fibers to simulate", "0-24")
        .Option("--wavelength", "-w", "WMIN,WMAX,DW", "extraction wavelength grid [A]; light is simulated 20 A beyond", "5760,7620,0.8")
        .Option("--seed", null, "N", "random seed of noise, cosmics and bad columns", "1")
        .Option("--exptime", null, "S", "exposure time [s]; fluxes scale as S/900", "900")
        .Option("--cosmics", null, "N", "cosmic-ray hits (default 2 per fiber)")
        .Option("--bad-columns", null, "N", "hot columns", "1")
        .Option("--truth", null, "TRUTH_OUT", "also write the truth alone (TRUTH, TRUTHWAVE, FIBERMAP)")
        .Flag("--noiseless", "add the NOISELESS image of the simulated region to the preproc file")
        .Flag("--ivar-from-image", "IVAR from the noisy image (DESI preproc) instead of the noiseless model")
        .Option("--threads", null, "N", "worker threads (0 = all cores)", "0")
        .Flag("--compress-mask", "write MASK tile-compressed (RICE_1) as DESI does");

    private static int Run(ParsedArguments args)
    {
        var clock = Stopwatch.StartNew();
        string output = args.GetRequiredString("--output");
        string? psfPath = args.GetString("--psf");
        string? syntheticOut = args.GetString("--synthetic-psf");
        if (psfPath is not null && syntheticOut is not null)
        {
            throw new UsageException("--psf and --synthetic-psf exclude each other: the first reads a PSF, the second writes the synthetic one");
        }
        (int first, int count) = args.GetRange("--fibers")!.Value;
        double[] grid = args.GetDoubles("--wavelength", 3)!;
        int threads = args.GetInt("--threads")!.Value;
        if (threads < 0)
        {
            throw new UsageException($"option --threads expects a count ≥ 0, got {threads}");
        }
        var options = new SimulationOptions
        {
            FiberMin = first,
            FiberCount = count,
            WaveMin = grid[0],
            WaveMax = grid[1],
            WaveStep = grid[2],
            Seed = args.GetInt("--seed")!.Value,
            ExposureTime = args.GetDouble("--exptime")!.Value,
            CosmicCount = args.GetInt("--cosmics"),
            BadColumnCount = args.GetInt("--bad-columns")!.Value,
            IvarFromImage = args.Has("--ivar-from-image"),
            Threads = threads,
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
            if (syntheticOut is not null)
            {
                PsfWriter.Write(syntheticOut, psf.Coefficients);
                psfName = Path.GetFileName(syntheticOut);
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
        frame.Write(output, includeNoiseless: args.Has("--noiseless"), compressMask: args.Has("--compress-mask"));
        string? truthPath = args.GetString("--truth");
        if (truthPath is not null)
        {
            frame.WriteTruth(truthPath);
        }
        Console.WriteLine(Summary(frame, output, clock.Elapsed.TotalSeconds));
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
