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
    private readonly Option<string?> fibermap = new("--fibermap", "-f")
    {
        HelpName = "FIBERMAP",
        Description = "input fibermap file: its FIBERMAP rows of the extracted fibers go into the frame (default: the preproc's FIBERMAP HDU)",
    };
    private readonly Option<string?> model = new("--model", "-m") { HelpName = "FILE", Description = "output 2D pixel model file (with the frame's header)" };
    private readonly Option<bool> mpi = new("--mpi")
    {
        Description = "accepted for desi_extract_spectra: use MPI for parallelism; here one process already uses every core "
            + "or the GPU (for many frames use gpuextract batch under srun)",
    };
    private readonly Option<bool> useSpecter = new("--use-specter")
    {
        Description = "accepted for desi_extract_spectra: use classic specter instead of gpu_specter; here it changes nothing "
            + "(gpuextract's extraction follows specter's ex2d)",
    };
    private readonly Option<string?> jsonReport = new("--json-report") { HelpName = "FILE", Description = "write the run summary as JSON" };

    public ExtractCommand() : base("extract", "Extract spectra from a preproc image into a DESI frame file")
    {
        Add(input);
        Add(fibermap);
        Add(psf);
        Add(output);
        extraction.AddTo(this);
        Add(model);
        Add(mpi);
        Add(useSpecter);
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
        // Every output is checked against the inputs and the others, and opened, before any work;
        // they appear together at the end or not at all.
        using var outputs = new OutputSet();
        outputs.AddInput(inputPath, "input preproc");
        outputs.AddInput(psfPath, "PSF");
        string? fibermapPath = parse.GetValue(fibermap);
        if (fibermapPath is not null)
        {
            outputs.AddInput(fibermapPath, "fibermap");
        }
        OutputSet.Output frameOutput = outputs.Add(outputPath, "frame");
        OutputSet.Output? modelOutput = modelPath is null ? null : outputs.Add(modelPath, "model");
        OutputSet.Output? reportOutput = reportPath is null ? null : outputs.Add(reportPath, "JSON report");

        var times = new StageTimes();
        var clock = Stopwatch.StartNew();
        GaussHermitePsf psfModel = GaussHermitePsf.Load(psfPath);
        PreprocImage image = PreprocImage.Read(inputPath, psfModel);
        times.Read = clock.Elapsed.TotalSeconds;

        if (parse.GetValue(mpi))
        {
            Console.Error.WriteLine($"{Program.Name}: --mpi: not needed here, one process uses every core (or the GPU); gpuextract batch spreads many frames over ranks");
        }
        if (parse.GetValue(useSpecter))
        {
            Console.Error.WriteLine($"{Program.Name}: --use-specter: ignored, gpuextract's extraction follows specter's ex2d either way");
        }
        ExtractionOptions options = extraction.ToOptions(parse, psfModel, computeModel: modelPath is not null) with { FibermapPath = fibermapPath };
        int threads = extraction.Backend.ThreadCount(parse);
        using var backend = extraction.CreateBackend(parse, Console.Error);
        var report = ExtractAndWrite(image, psfModel, psfPath, options, backend, threads, frameOutput, modelOutput, times);
        reportOutput?.Write(stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(report.ToJson());
        });
        outputs.Commit();
        Console.WriteLine(report.Summary());
        return 0;
    }

    /// <summary>
    /// Extracts a frame, writes it (and the model image) into outputs of an <see cref="OutputSet"/> the
    /// caller commits, and reports; shared with demo and batch (which logs per frame and turns the patch
    /// progress off).
    /// </summary>
    public static ExtractionReport ExtractAndWrite(PreprocImage image, GaussHermitePsf psf, string psfName, ExtractionOptions options,
        Core.Extraction.IExtractionBackend backend, int threads, OutputSet.Output output, OutputSet.Output? modelOutput, StageTimes times, bool showProgress = true) =>
        ExtractAndWrite(FrameExtraction.PrepareFrame(image, psf, options, psfName), backend, threads, output, modelOutput, times, showProgress);

    /// <summary>
    /// As the overload above, for a frame already <see cref="FrameExtraction.PrepareFrame">prepared</see> (batch
    /// prepares the next frame while the current one solves): solves, assembles, writes and reports.
    /// </summary>
    public static ExtractionReport ExtractAndWrite(PreparedFrame prepared, Core.Extraction.IExtractionBackend backend, int threads,
        OutputSet.Output output, OutputSet.Output? modelOutput, StageTimes times, bool showProgress = true)
    {
        PreprocImage image = prepared.Image;
        ExtractionOptions options = prepared.Options;
        string psfName = prepared.PsfPath ?? "(in-memory PSF)";
        var progress = showProgress ? new ProgressReporter(Console.Error, ProgressReporter.StandardErrorIsTerminal, "patches") : null;
        FrameExtraction.Result result = FrameExtraction.SolveAndAssemble(prepared, backend, progress is null ? null : progress.Report, times);
        progress?.Finish();
        if (result.Heliocor is { } f)
        {
            WavelengthRange grid = options.Grid;
            Console.Error.WriteLine(FormattableString.Invariant(
                $"{Program.Name}: barycentric correction factor {f:R} (HELIOCOR): extracted on {grid.Min / f:R},{grid.Max / f:R},{grid.Step / f:R}, written as {grid}"));
        }

        var clock = Stopwatch.StartNew();
        Frame frame = result.Frame;
        FrameFile.Write(output, frame);
        if (modelOutput is not null && result.ModelImage is { } model)
        {
            ModelImageFile.Write(modelOutput, model, image.NPixX, image.NPixY, frame.Header);
        }
        times.Write = clock.Elapsed.TotalSeconds;
        return new ExtractionReport(image.FileName, psfName, output.Path, backend.Description, threads,
            options.NSpec, options.Wavelengths.Length, result.PatchCount, result.UnusablePixels, times);
    }
}
