using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GpuExtract.Batch;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Psf;
using GpuExtract.Fits;

namespace GpuExtract.Cli.Commands;

/// <summary>
/// <c>gpuextract batch --manifest FILE</c>: extracts the frames a manifest lists, each process of a
/// Slurm or MPI job taking its own cost-balanced share (found from the launcher's environment), skipping
/// frames whose output already verifies, going on past failing frames, and reading and preparing (weights,
/// patch plan) the next frame while the current one solves. Each rank writes a JSON report beside the outputs.
/// </summary>
public sealed class BatchCommand : DocumentedCommand
{
    private readonly Option<string> manifestFile = new("--manifest", "-m") { HelpName = "FILE", Description = "frames to extract (.csv, .jsonl/.json, or detected from the content)", Required = true };
    private readonly Option<string?> outdirOption = new("--outdir") { HelpName = "DIR", Description = "base of relative output paths, and where rank reports go (default: the manifest's directory)" };
    private readonly Option<string?> cameraOption = new("--camera") { HelpName = "b|r|z", Description = "DESI production settings for every frame the manifest gives no camera" };
    private readonly Option<bool> forceOption = new("--force") { Description = "re-extract frames whose output already exists and verifies" };
    private readonly Option<bool> allowOutsideOption = new("--allow-outside") { Description = "accept outputs outside the manifest's folder (or --outdir)" };
    private readonly ExtractionOptionSet extraction = new();

    public BatchCommand() : base("batch", "Extract the frames of a manifest, shared among the ranks of a Slurm/MPI job")
    {
        Details = """
                The manifest is CSV with a header row, or JSON lines (one object per line), with columns/keys
                  input, psf, output                       (required; relative paths are relative to the manifest,
                                                            outputs to --outdir when given, and must stay inside
                                                            it unless --allow-outside)
                  camera, wmin, wmax, dw, psferr, specmin, nspec   (optional, per frame)
                Settings, first found wins: the row's numbers, the command line's numbers, the row's camera,
                --camera, the PSF's defaults. Cameras: b 3600,5800,0.8 with psferr 0.04; r 5760,7620,0.8;
                z 7520,9824,0.8 (DESI's production grids; r3, z9 ... name the same arms).
                Ranks come from srun (SLURM_PROCID/SLURM_STEP_NUM_TASKS/SLURM_LOCALID), mpirun (OMPI_COMM_WORLD_*)
                or PMI (PMI_RANK/PMI_SIZE); otherwise the process is the only rank. Every rank computes the same
                cost-balanced share (nspec x nwave, longest first) and uses GPU (local rank mod GPU count).
                A frame whose output exists and verifies (all HDU checksums) is skipped; a corrupt or truncated
                output is redone; a failing frame is reported and the others go on (exit 1 when any failed).
                Each rank writes OUTDIR/batch-report-rank<R>.json (frames, seconds per stage, failures).
                """;
        Add(manifestFile);
        Add(outdirOption);
        Add(cameraOption);
        Add(forceOption);
        Add(allowOutsideOption);
        extraction.AddTo(this);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        string manifestPath = parse.GetRequiredValue(manifestFile);
        string? outdir = parse.GetValue(outdirOption);
        string? camera = parse.GetValue(cameraOption);
        if (camera is not null && !CameraPreset.TryGet(camera, out _))
        {
            throw new UsageException($"option --camera expects {CameraPreset.Accepted}, got '{camera}'");
        }
        FrameSettings commandLine = CommandLineSettings(parse);
        bool force = parse.GetValue(forceOption);

        Manifest manifest;
        RankPlacement placement;
        try
        {
            manifest = Manifest.Read(manifestPath, outdir, parse.GetValue(allowOutsideOption));
            placement = RankPlacement.Discover();
        }
        catch (Exception e) when (e is ManifestException or LauncherEnvironmentException)
        {
            // Both are the user's input: exit 2 with the message naming the file, line and column (or variable).
            throw new UsageException(e.Message);
        }

        var settings = new FrameSettings[manifest.Entries.Count];
        var costs = new long[manifest.Entries.Count];
        foreach (ManifestEntry entry in manifest.Entries)
        {
            settings[entry.Index] = entry.Resolve(commandLine, camera);
            costs[entry.Index] = FrameAssignment.Cost(settings[entry.Index]);
        }
        int[] share = FrameAssignment.Balance(costs, placement.Size)[placement.Rank];
        ManifestEntry[] assigned = Array.ConvertAll(share, i => manifest.Entries[i]);

        string reportDirectory = Path.GetFullPath(outdir ?? manifest.Directory);
        CreateDirectory(reportDirectory);
        string reportPath = BatchReport.PathFor(reportDirectory, placement.Rank);
        string tag = $"[rank {placement.Rank}/{placement.Size}]";
        long totalCost = costs.Sum();
        long assignedCost = share.Sum(i => costs[i]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{tag} {placement}: {assigned.Length} of {manifest.Entries.Count} frames ({100.0 * assignedCost / Math.Max(totalCost, 1):0.#}% of the cost) from {manifest.Path}"));
        if (placement.Note is not null)
        {
            Console.Error.WriteLine($"{tag} note: {placement.Note}");
        }

        int threads = extraction.Backend.ThreadCount(parse);
        using IExtractionBackend backend = CreateBackend(parse, placement, out int? device);
        var report = new BatchReport(placement, manifest.Path, manifest.Entries.Count, totalCost)
        {
            Backend = backend.Description,
            Threads = threads,
            Device = device,
            Assigned = assigned,
            AssignedCost = assignedCost,
        };
        // Rewritten every few seconds, not after every frame: its cost grows with the frames it lists.
        // The first finished frame is always written at once, so whoever watches the rank (a monitor,
        // or a test that kills it mid-run) sees its progress and pid without waiting for the pacing.
        var pacing = ReportPacing.Default;
        var reportClock = Stopwatch.StartNew();
        void WriteReportWhenDue(bool now = false)
        {
            if (now || pacing.IsDue(reportClock.Elapsed))
            {
                TimeSpan start = reportClock.Elapsed;
                report.Write(reportPath, finished: false);
                pacing.Written(start, reportClock.Elapsed);
            }
        }
        WriteReportWhenDue();

        var run = Stopwatch.StartNew();
        int position = 0;
        // Options are read from the command line here: the read-ahead task only applies them to each frame's PSF.
        Func<GaussHermitePsf, ExtractionOptions> shared = extraction.OptionsFor(parse, computeModel: false);
        var preparation = new FramePreparation(new PsfCache(), (entry, psf) => FrameOptions(shared(psf), psf, settings[entry.Index]), force);
        foreach (var loaded in FrameReadAhead.Run(assigned, preparation.Prepare))
        {
            position++;
            var clock = Stopwatch.StartNew();
            ManifestEntry entry = loaded.Item;
            FrameRecord record = Process(loaded, backend, threads, manifest.Path) with { Cost = costs[entry.Index] };
            record = record with { WallSeconds = loaded.WaitSeconds + clock.Elapsed.TotalSeconds };
            report.Add(record);
            Console.WriteLine($"{tag} frame {position}/{assigned.Length} (line {entry.Line}) {Describe(record)}");
            if (record.Error is not null)
            {
                Console.Error.WriteLine($"{tag} frame {entry.Input} (manifest line {entry.Line}) failed: {record.Error}");
            }
            WriteReportWhenDue(now: position == 1);
        }
        report.Write(reportPath, finished: true);

        int failed = report.Count(FrameStatus.Failed);
        double prepare = report.Frames.Sum(f => f.PrepareSeconds);
        double hidden = report.Frames.Sum(f => f.PrepareHiddenSeconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{tag} done: {report.Count(FrameStatus.Extracted)} extracted, {report.Count(FrameStatus.Skipped)} skipped, {failed} failed " +
            $"of {assigned.Length} frames in {run.Elapsed.TotalSeconds:0.0} s; reading and planning {prepare:0.0} s, {hidden:0.0} s of it hidden behind extraction; report {reportPath}"));
        return failed > 0 ? 1 : 0;
    }

    /// <summary>Extracts and writes one prepared frame; any exception becomes the frame's error, and the run goes on.</summary>
    private static FrameRecord Process(FrameReadAhead.Loaded<ManifestEntry, StagedFrame> loaded, IExtractionBackend backend, int threads, string manifestPath)
    {
        ManifestEntry entry = loaded.Item;
        if (loaded.Error is { } prepareError)
        {
            // Verifying, reading or preparing failed (bad input names its file): all of the load counts as Read.
            return new FrameRecord
            {
                Entry = entry,
                Status = FrameStatus.Failed,
                Error = ErrorReport.OneLine(prepareError),
                Times = new StageTimes { Read = loaded.LoadSeconds },
                PrepareWaitSeconds = loaded.WaitSeconds,
            };
        }
        StagedFrame staged = loaded.Value!;
        if (staged.Frame is not { } prepared)
        {
            return new FrameRecord { Entry = entry, Status = FrameStatus.Skipped, VerifySeconds = staged.VerifySeconds, PrepareWaitSeconds = loaded.WaitSeconds };
        }
        var times = new StageTimes { Read = staged.ReadSeconds };
        string? redone = staged.Existing.State == OutputState.Invalid ? staged.Existing.Problem : null;
        try
        {
            CreateDirectory(Path.GetDirectoryName(entry.Output)!);
            // The output is checked against this frame's inputs and the manifest by real path and identity
            // (the manifest checked names; this catches what changed since), and committed only when written.
            using var outputs = new OutputSet();
            outputs.AddInput(entry.Input, "input preproc");
            outputs.AddInput(entry.Psf, "PSF");
            outputs.AddInput(manifestPath, "manifest");
            OutputSet.Output frameOutput = outputs.Add(entry.Output, "frame");
            ExtractCommand.ExtractAndWrite(prepared, backend, threads, frameOutput, null, times, showProgress: false);
            outputs.Commit();
            return new FrameRecord
            {
                Entry = entry,
                Status = FrameStatus.Extracted,
                Redone = redone,
                PsfReused = staged.PsfReused,
                Times = times,
                VerifySeconds = staged.VerifySeconds,
                PrepareWaitSeconds = loaded.WaitSeconds,
            };
        }
        catch (Exception error)
        {
            return new FrameRecord
            {
                Entry = entry,
                Status = FrameStatus.Failed,
                Redone = redone,
                Error = ErrorReport.OneLine(error),
                Times = times,
                VerifySeconds = staged.VerifySeconds,
                PrepareWaitSeconds = loaded.WaitSeconds,
            };
        }
    }

    /// <summary>The extraction options of one frame: the shared options, with its resolved settings and the PSF's defaults.</summary>
    private static ExtractionOptions FrameOptions(ExtractionOptions options, GaussHermitePsf psf, FrameSettings settings)
    {
        int specMin = settings.SpecMin ?? psf.FiberMin;
        return options with
        {
            Wavelengths = settings.Wavelength?.Grid() ?? options.Wavelengths,
            StatedGrid = settings.Wavelength ?? options.StatedGrid,
            SpecMin = specMin,
            NSpec = settings.NSpec ?? psf.FiberMin + psf.FiberCount - specMin,
            PsfError = settings.PsfError,
        };
    }

    /// <summary>The settings the command line gives every frame (--wavelength, --psferr, --specmin, --nspec).</summary>
    private FrameSettings CommandLineSettings(ParseResult parse)
    {
        WavelengthRange? wavelength = null;
        if (parse.GetValue(extraction.Wavelength) is { } w)
        {
            wavelength = new WavelengthRange(w.Min, w.Max, w.Step);
            wavelength.Value.Grid(); // throws ExtractionInputException (exit 2) for a grid that is not increasing
        }
        return new FrameSettings
        {
            Wavelength = wavelength,
            PsfError = parse.GetValue(extraction.PsfError),
            SpecMin = parse.GetValue(extraction.SpecMin),
            NSpec = parse.GetValue(extraction.NSpec),
        };
    }

    /// <summary>The rank's backend; with GPUs present each rank drives GPU (local rank mod GPU count).</summary>
    private IExtractionBackend CreateBackend(ParseResult parse, RankPlacement placement, out int? device)
    {
        int gpus = extraction.BackendName(parse) == "cpu" ? 0 : Backends.GpuCount;
        device = gpus > 0 ? placement.DeviceFor(gpus) : null;
        // Ranks that share this GPU each plan their batches on their share of its memory.
        int sharing = gpus > 0 ? placement.RanksSharingDevice(gpus, RankPlacement.DiscoverLocalSize(Environment.GetEnvironmentVariable) ?? 1) : 1;
        return extraction.CreateBackend(parse, Console.Error, device ?? 0, sharing);
    }

    private static string Describe(FrameRecord record)
    {
        string name = Path.GetFileName(record.Entry.Output);
        return record.Status switch
        {
            FrameStatus.Skipped => $"{name}: skipped, output verifies",
            FrameStatus.Failed => $"{name}: FAILED: {record.Error}",
            _ => string.Create(CultureInfo.InvariantCulture,
                $"{name}: extracted in {record.WallSeconds:0.00} s (read {record.Times.Read:0.00} s, planned {record.Times.Plan:0.00} s, waited {record.PrepareWaitSeconds:0.00} s)") +
                 (record.Redone is not null ? $"; redone, the existing output failed verification: {record.Redone}" : ""),
        };
    }

    private static void CreateDirectory(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputFileException(directory, $"cannot create the directory: {e.Message}", e);
        }
    }
}
