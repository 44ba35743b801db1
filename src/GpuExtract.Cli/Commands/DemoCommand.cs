using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GpuExtract.Cli.Syntax;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Simulation;
using GpuExtract.Core.Validation;
using GpuExtract.Fits;
using GpuExtract.Qa;

namespace GpuExtract.Cli.Commands;

/// <summary>
/// <c>gpuextract demo</c>: simulate a DESI-like frame with the built-in synthetic PSF, extract it with
/// the best available backend, and check the result against the truth. Needs no files.
/// </summary>
public sealed class DemoCommand : DocumentedCommand
{
    /// <summary>Pull statistics a correct extraction stays within (mean 0 ± 0.1, std 1 ± 0.1).</summary>
    public const double PullMeanTolerance = 0.1, PullStdTolerance = 0.1;

    private static readonly SimulationOptions Defaults = new();

    private readonly Option<FiberRange> fibers = new("--fibers") { HelpName = "A-B", Description = "fibers to simulate and extract", DefaultValueFactory = _ => new FiberRange(Defaults.FiberMin, Defaults.FiberCount), CustomParser = OptionParsers.Range! };
    private readonly Option<bool> fullFrame = new("--full-frame") { Description = "all 500 fibers (instead of --fibers)" };
    private readonly Option<WavelengthRange> wavelength = new("--wavelength", "-w")
    {
        HelpName = "WMIN,WMAX,DW",
        Description = "wavelength grid [A]",
        DefaultValueFactory = _ => new WavelengthRange(Defaults.WaveMin, Defaults.WaveMax, Defaults.WaveStep),
        CustomParser = result => OptionParsers.Grid(result) ?? default,
    };
    private readonly Option<int> seed = new("--seed") { HelpName = "N", Description = "random seed of the simulation", DefaultValueFactory = _ => (int)Defaults.Seed, CustomParser = OptionParsers.Integer() };
    private readonly Option<string?> output = new("--output", "-o") { HelpName = "DIR", Description = "keep the simulated preproc, PSF, extracted frame and its figures in DIR" };
    private readonly BackendOptionSet backendOptions = new();

    public DemoCommand() : base("demo", "Simulate a frame with the built-in PSF, extract it and check it against the truth")
    {
        Details = "Without -o nothing is written; with -o DIR the preproc image, the PSF, the frame and its quick-look figures\n"
            + "(frame-demo-spectra, -images, -residuals, -pulls, -resolution; PNG and SVG, as gpuextract qa writes them) are kept there.";
        foreach (Option option in (Option[])[fibers, fullFrame, wavelength, seed, output])
        {
            Add(option);
        }
        backendOptions.AddTo(this);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var (first, count) = parse.GetValue(fullFrame) ? (0, 500) : (parse.GetRequiredValue(fibers).First, parse.GetRequiredValue(fibers).Count);
        WavelengthRange w = parse.GetRequiredValue(wavelength);
        int seedValue = parse.GetValue(seed);
        int threads = backendOptions.ThreadCount(parse);
        string? directory = parse.GetValue(output);
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var clock = Stopwatch.StartNew();
        GaussHermitePsf psf = SyntheticPsf.Create();
        var simulationOptions = new SimulationOptions
        {
            FiberMin = first,
            FiberCount = count,
            WaveMin = w.Min,
            WaveMax = w.Max,
            WaveStep = w.Step,
            Seed = seedValue,
            Threads = threads,
        };
        SimulatedFrame simulated = FrameSimulator.Simulate(psf, simulationOptions, SyntheticPsf.BuiltInName);
        double simulateSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"simulated fibers {first}-{first + count - 1}, {w.Min}-{w.Max} A with the built-in synthetic PSF in {simulateSeconds:0.0} s"));

        string frameName = "in memory";
        using var outputs = new OutputSet();
        OutputSet.Output? frameOutput = null;
        if (directory is not null)
        {
            simulated.Write(outputs.Add(Path.Combine(directory, "preproc-demo.fits"), "simulated preproc"));
            PsfWriter.Write(outputs.Add(Path.Combine(directory, "psf-demo.fits"), "PSF"), psf.Coefficients);
            frameName = Path.Combine(directory, "frame-demo.fits");
            frameOutput = outputs.Add(frameName, "frame");
        }

        var options = new ExtractionOptions
        {
            Wavelengths = w.Grid(),
            SpecMin = first,
            NSpec = count,
        };
        using IExtractionBackend backend = backendOptions.Create(parse, Console.Out);
        var times = new StageTimes();
        ExtractionReport report;
        Frame frame;
        if (directory is not null)
        {
            report = ExtractCommand.ExtractAndWrite(simulated.Image, psf, "psf-demo.fits", options, backend, threads, frameOutput!, null, times);
            outputs.Commit();
            frame = FrameFile.Read(frameName);
        }
        else
        {
            var progress = new ProgressReporter(Console.Error, ProgressReporter.StandardErrorIsTerminal, "patches");
            var result = FrameExtraction.Run(simulated.Image, psf, options, backend, progress.Report, times);
            progress.Finish();
            frame = result.Frame;
            report = new ExtractionReport("simulated", SyntheticPsf.BuiltInName, frameName, backend.Description, threads,
                options.NSpec, options.Wavelengths.Length, result.PatchCount, result.UnusablePixels, times);
        }
        Console.WriteLine(report.Summary());

        // The reference's own check leaves out 11 bins at each end, where R's columns run off the grid.
        var pulls = TruthPulls.Compute(frame, simulated.Truth.Wavelengths, simulated.Truth.FluxDensity(), edgeBins: frame.DiagonalCount);
        bool ok = Math.Abs(pulls.Mean) <= PullMeanTolerance && Math.Abs(pulls.StandardDeviation - 1) <= PullStdTolerance;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"accuracy: pull (flux - R.truth)*sqrt(ivar) over {pulls.Bins} bins: mean {pulls.Mean:+0.000;-0.000}, std {pulls.StandardDeviation:0.000}, max |pull| {pulls.MaxAbsolute:0.0} -> {(ok ? "OK" : "FAILED")} (expected mean 0 +- {PullMeanTolerance}, std 1 +- {PullStdTolerance})"));
        if (directory is not null)
        {
            var figures = QuickLook.Write(new QuickLookInput
            {
                Frame = frame,
                FrameName = frameName,
                Image = simulated.Image,
                ImageName = "preproc-demo.fits",
                Psf = psf,
                ModelName = "psf-demo.fits",
                Truth = new TruthSpectra(simulated.Truth.FiberMin, simulated.Truth.FiberCount, simulated.Truth.Wavelengths, simulated.Truth.FluxDensity()),
                TruthName = "preproc-demo.fits",
            }, directory);
            Console.WriteLine($"figures: {figures.Count} files in {directory} ({string.Join(", ", figures.Where(f => f.EndsWith(".png", StringComparison.Ordinal)).Select(Path.GetFileName))} and the same as .svg)");
        }
        return ok ? 0 : 1;
    }
}
