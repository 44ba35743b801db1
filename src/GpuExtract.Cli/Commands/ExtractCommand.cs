using System.CommandLine;
using System.Diagnostics;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Psf;
using GpuExtract.Fits;

namespace GpuExtract.Cli.Commands;

/// <summary><c>gpuextract extract</c>: one preproc image + PSF → one DESI frame file.</summary>
public sealed class ExtractCommand : DocumentedCommand
{
    private readonly Option<string> input = new("--input", "-i") { HelpName = "PREPROC", Description = "preproc image (.fits or .fits.gz)", Required = true };
    private readonly Option<string> psf = new("--psf", "-p") { HelpName = "PSF", Description = "GAUSS-HERMITE PSF file", Required = true };
    private readonly Option<string> output = new("--output", "-o") { HelpName = "FRAME", Description = "output frame file (written atomically)", Required = true };
    private readonly ExtractionOptionSet extraction = new();
    private readonly Option<string?> model = new("--model") { HelpName = "FILE", Description = "also write the model image" };
    private readonly Option<string?> jsonReport = new("--json-report") { HelpName = "FILE", Description = "write the run summary as JSON" };

    public ExtractCommand() : base("extract", "Extract spectra from a preproc image into a DESI frame file")
    {
        Add(input);
        Add(psf);
        Add(output);
        extraction.AddTo(this);
        Add(model);
        Add(jsonReport);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        string inputPath = parse.GetRequiredValue(input);
        string psfPath = parse.GetRequiredValue(psf);
        string outputPath = parse.GetRequiredValue(output);
        string? modelPath = parse.GetValue(model);
        string? reportPath = parse.GetValue(jsonReport);
        foreach (string? path in new[] { outputPath, modelPath, reportPath })
        {
            RequireWritableDirectory(path);
        }

        var times = new StageTimes();
        var clock = Stopwatch.StartNew();
        PreprocImage image = PreprocImage.Read(inputPath);
        GaussHermitePsf psfModel = GaussHermitePsf.Load(psfPath);
        times.Read = clock.Elapsed.TotalSeconds;

        ExtractionOptions options = extraction.ToOptions(parse, psfModel, computeModel: modelPath is not null);
        int threads = extraction.Backend.ThreadCount(parse);
        using var backend = extraction.Backend.Create(parse, Console.Error);
        var report = ExtractAndWrite(image, psfModel, psfPath, options, backend, threads, outputPath, modelPath, times);
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
