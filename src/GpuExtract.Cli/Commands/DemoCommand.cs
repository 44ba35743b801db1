using System.Diagnostics;
using System.Globalization;
using GpuExtract.Cli.CommandLine;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Simulation;
using GpuExtract.Core.Validation;

namespace GpuExtract.Cli.Commands;

/// <summary>
/// <c>gpuextract demo</c>: simulate a DESI-like frame with the built-in synthetic PSF, extract it with
/// the best available backend, and check the result against the truth. Needs no files.
/// </summary>
public static class DemoCommand
{
    /// <summary>Pull statistics a correct extraction stays within (mean 0 ± 0.1, std 1 ± 0.1).</summary>
    public const double PullMeanTolerance = 0.1, PullStdTolerance = 0.1;

    public static CommandSpec Spec { get; } = new CommandSpec("demo", "Simulate a frame with the built-in PSF, extract it and check it against the truth", Run)
    {
        Details = "Without -o nothing is written; with -o DIR the preproc image, the PSF and the frame are kept there.",
    }
        .Option("--fibers", null, "A-B", "fibers to simulate and extract", "0-24")
        .Flag("--full-frame", "all 500 fibers (instead of --fibers)")
        .Option("--wavelength", "-w", "WMIN,WMAX,DW", "wavelength grid [A]", "5760,7620,0.8")
        .Option("--seed", null, "N", "random seed of the simulation", "1")
        .Option("--output", "-o", "DIR", "keep the simulated preproc, PSF and extracted frame in DIR")
        .Option("--backend", null, "auto|cpu|cuda", "where patches are solved", "auto")
        .Option("--threads", null, "N", "CPU worker threads", defaultText: "all cores")
        .Option("--lapack", null, "auto|native|managed", "CPU linear algebra", "auto");

    private static int Run(ParsedArguments args)
    {
        var (first, count) = args.Has("--full-frame") ? (0, 500) : args.GetRange("--fibers")!.Value;
        double[] w = args.GetDoubles("--wavelength", count: 3)!;
        int seed = args.GetInt("--seed")!.Value;
        int threads = ExtractionArguments.Threads(args);
        string? directory = args.GetString("--output");
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
            WaveMin = w[0],
            WaveMax = w[1],
            WaveStep = w[2],
            Seed = seed,
            Threads = threads,
        };
        SimulatedFrame simulated = FrameSimulator.Simulate(psf, simulationOptions, SyntheticPsf.BuiltInName);
        double simulateSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"simulated fibers {first}-{first + count - 1}, {w[0]}-{w[1]} A with the built-in synthetic PSF in {simulateSeconds:0.0} s"));

        string frameName = "in memory";
        if (directory is not null)
        {
            string preproc = Path.Combine(directory, "preproc-demo.fits");
            simulated.Write(preproc);
            PsfWriter.Write(Path.Combine(directory, "psf-demo.fits"), psf.Coefficients);
            frameName = Path.Combine(directory, "frame-demo.fits");
        }

        var options = new ExtractionOptions
        {
            Wavelengths = ExtractionOptions.LinearGrid(w[0], w[1], w[2]),
            SpecMin = first,
            NSpec = count,
        };
        using IExtractionBackend backend = Backends.Create(args.GetString("--backend")!, threads, args.GetString("--lapack")!, Console.Out);
        var times = new StageTimes();
        ExtractionReport report;
        Frame frame;
        if (directory is not null)
        {
            report = ExtractCommand.ExtractAndWrite(simulated.Image, psf, "psf-demo.fits", options, backend, threads, frameName, null, times);
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
        return ok ? 0 : 1;
    }
}
