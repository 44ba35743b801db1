using System.Diagnostics;
using GpuExtract.Cli.CommandLine;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Psf;
using GpuExtract.Fits;

namespace GpuExtract.Cli.Commands;

/// <summary><c>gpuextract extract</c>: one preproc image + PSF → one DESI frame file.</summary>
public static class ExtractCommand
{
    public static CommandSpec Spec { get; } = new CommandSpec("extract", "Extract spectra from a preproc image into a DESI frame file", Run)
        .Option("--input", "-i", "PREPROC", "preproc image (.fits or .fits.gz)", required: true)
        .Option("--psf", "-p", "PSF", "GAUSS-HERMITE PSF file", required: true)
        .Option("--output", "-o", "FRAME", "output frame file (written atomically)", required: true)
        .AddExtractionOptions()
        .Option("--model", null, "FILE", "also write the model image")
        .Option("--json-report", null, "FILE", "write the run summary as JSON");

    private static int Run(ParsedArguments args)
    {
        string input = args.GetRequiredString("--input");
        string psfPath = args.GetRequiredString("--psf");
        string output = args.GetRequiredString("--output");
        string? modelPath = args.GetString("--model");
        string? reportPath = args.GetString("--json-report");
        ExtractionArguments.CheckSyntax(args);
        foreach (string? path in new[] { output, modelPath, reportPath })
        {
            RequireWritableDirectory(path);
        }

        var times = new StageTimes();
        var clock = Stopwatch.StartNew();
        PreprocImage image = PreprocImage.Read(input);
        GaussHermitePsf psf = GaussHermitePsf.Load(psfPath);
        times.Read = clock.Elapsed.TotalSeconds;

        ExtractionOptions options = ExtractionArguments.ToOptions(args, psf, computeModel: modelPath is not null);
        int threads = ExtractionArguments.Threads(args);
        using var backend = Backends.Create(args.GetString("--backend")!, threads, args.GetString("--lapack")!, Console.Error);
        var report = ExtractAndWrite(image, psf, psfPath, options, backend, threads, output, modelPath, times);
        Console.WriteLine(report.Summary());
        if (reportPath is not null)
        {
            AtomicFile.Write(reportPath, stream =>
            {
                using var writer = new StreamWriter(stream, leaveOpen: true);
                writer.Write(report.ToJson());
            });
        }
        return 0;
    }

    /// <summary>
    /// Extracts a frame, writes it (and the model image), and reports; shared with demo and batch
    /// (which logs per frame and turns the patch progress off).
    /// </summary>
    public static ExtractionReport ExtractAndWrite(PreprocImage image, GaussHermitePsf psf, string psfName, ExtractionOptions options,
        Core.Extraction.IExtractionBackend backend, int threads, string output, string? modelPath, StageTimes times, bool showProgress = true)
    {
        var progress = showProgress ? new ProgressReporter(Console.Error, ProgressReporter.StandardErrorIsTerminal, "patches") : null;
        FrameExtraction.Result result = FrameExtraction.Run(image, psf, options, backend, progress is null ? null : progress.Report, times);
        progress?.Finish();

        var clock = Stopwatch.StartNew();
        Frame frame = result.Frame;
        DescribeProvenance(frame.Header, image, psf, psfName, options);
        FrameFile.Write(output, frame);
        if (modelPath is not null && result.ModelImage is { } model)
        {
            AtomicFile.Write(modelPath, stream =>
            {
                using var writer = new FitsWriter(stream, gzip: modelPath.EndsWith(".gz", StringComparison.OrdinalIgnoreCase));
                var header = new FitsHeader();
                header.Set("EXTNAME", "MODEL");
                header.Set("BUNIT", "electron");
                writer.WriteImage<float>(header, model, [image.NPixY, image.NPixX]);
            });
        }
        times.Write = clock.Elapsed.TotalSeconds;
        return new ExtractionReport(image.FileName, psfName, output, backend.Description, threads,
            options.NSpec, options.Wavelengths.Length, result.PatchCount, result.UnusablePixels, times);
    }

    /// <summary>Input files, the input image's identifying keywords and the extraction parameters, into the FLUX header.</summary>
    private static void DescribeProvenance(FitsHeader header, PreprocImage image, GaussHermitePsf psf, string psfName, ExtractionOptions options)
    {
        foreach (string key in FrameFile.PassedThroughKeywords)
        {
            foreach (var card in image.Header)
            {
                if (card.Key == key && card.Value is not null)
                {
                    header.Set(key, card.Value, card.Comment);
                    break;
                }
            }
        }
        header.Set("IN_PSF", Path.GetFileName(psfName), "input PSF");
        header.Set("IN_IMG", Path.GetFileName(image.FileName), "input preproc image");
        header.Set("BUNDLESZ", (long)options.BundleSize, "fibers per bundle");
        header.Set("NSUBBUND", (long)options.NSubBundles, "subbundles per bundle");
        header.Set("WAVESIZE", (long)options.NWaveStep, "output bins per patch");
        header.Set("PSFERR", options.PsfError ?? psf.PsfError, "PSF model error used in CHI2PIX");
        header.Set("REGULARZ", options.Regularize, "regularisation");
        header.Set("PIXPADFR", options.PixPadFrac, "pixel-box padding fraction");
        header.Set("WAVEPDFR", options.WavePadFrac, "wavelength padding fraction");
        header.Set("NDECORR", options.DecorrelateFibers, "noise decorrelated across fibers");
    }

    private static void RequireWritableDirectory(string? path)
    {
        if (path is null)
        {
            return;
        }
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            throw new ExtractionInputException($"{path}: output directory {directory} does not exist");
        }
    }
}
