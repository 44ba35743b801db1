using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using GpuExtract.Fits;

namespace GpuExtract.Batch;

/// <summary>
/// One rank's JSON report: where it ran, its share, and per frame the status, stage seconds and any
/// error, plus totals (extracted, skipped, failed, preparation seconds (verify, read, plan) and how many of
/// them were hidden behind the previous frame's work). Rewritten atomically after every frame, so a killed rank leaves a report of what it did.
/// </summary>
public sealed class BatchReport(RankPlacement placement, string manifest, int framesInManifest, long costInManifest)
{
    private readonly List<FrameRecord> frames = [];
    private readonly DateTimeOffset started = DateTimeOffset.UtcNow;

    /// <summary>The backend's description, e.g. "cpu: 2 threads, LAPACK …".</summary>
    public string Backend { get; set; } = "";

    /// <summary>CPU worker threads.</summary>
    public int Threads { get; set; }

    /// <summary>The GPU this rank uses, or null on the CPU.</summary>
    public int? Device { get; set; }

    /// <summary>Frames assigned to this rank, in processing order.</summary>
    public IReadOnlyList<ManifestEntry> Assigned { get; set; } = [];

    /// <summary>Sum of the assigned frames' costs.</summary>
    public long AssignedCost { get; set; }

    public IReadOnlyList<FrameRecord> Frames => frames;

    public int Count(FrameStatus status) => frames.Count(f => f.Status == status);

    public void Add(FrameRecord record) => frames.Add(record);

    /// <summary>The default report path for <paramref name="rank"/> in <paramref name="directory"/>.</summary>
    public static string PathFor(string directory, int rank) => Path.Combine(directory, $"batch-report-rank{rank}.json");

    /// <summary>Writes the report atomically; <paramref name="finished"/> says whether the rank got through its share.</summary>
    public void Write(string path, bool finished) => AtomicFile.Write(path, stream =>
    {
        byte[] json = Encoding.UTF8.GetBytes(ToJson(finished));
        stream.Write(json);
    });

    /// <summary>The report as indented JSON.</summary>
    public string ToJson(bool finished)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("status", finished ? "finished" : "running");
            json.WriteNumber("rank", placement.Rank);
            json.WriteNumber("size", placement.Size);
            json.WriteNumber("local_rank", placement.LocalRank);
            json.WriteString("launcher", placement.Launcher);
            if (placement.Note is not null)
            {
                json.WriteString("launcher_note", placement.Note);
            }
            json.WriteString("host", Environment.MachineName);
            json.WriteNumber("pid", Environment.ProcessId);
            json.WriteString("started", Timestamp(started));
            json.WriteString("updated", Timestamp(DateTimeOffset.UtcNow));
            json.WriteString("manifest", manifest);
            json.WriteString("backend", Backend);
            json.WriteNumber("threads", Threads);
            if (Device is int device)
            {
                json.WriteNumber("device", device);
            }
            else
            {
                json.WriteNull("device");
            }
            json.WriteNumber("frames_in_manifest", framesInManifest);
            json.WriteNumber("cost_in_manifest", costInManifest);
            json.WriteNumber("frames_assigned", Assigned.Count);
            json.WriteNumber("cost_assigned", AssignedCost);
            json.WriteStartArray("assigned_outputs");
            foreach (ManifestEntry entry in Assigned)
            {
                json.WriteStringValue(entry.Output);
            }
            json.WriteEndArray();
            json.WriteNumber("extracted", Count(FrameStatus.Extracted));
            json.WriteNumber("skipped", Count(FrameStatus.Skipped));
            json.WriteNumber("failed", Count(FrameStatus.Failed));
            json.WriteNumber("pending", Assigned.Count - frames.Count);
            WriteTotals(json);

            json.WriteStartArray("frames");
            foreach (FrameRecord frame in frames)
            {
                WriteFrame(json, frame);
            }
            json.WriteEndArray();

            json.WriteStartArray("failures");
            foreach (FrameRecord frame in frames.Where(f => f.Status == FrameStatus.Failed))
            {
                json.WriteStartObject();
                json.WriteNumber("line", frame.Entry.Line);
                json.WriteString("input", frame.Entry.Input);
                json.WriteString("output", frame.Entry.Output);
                json.WriteString("error", frame.Error);
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteStartArray("skipped_outputs");
            foreach (FrameRecord frame in frames.Where(f => f.Status == FrameStatus.Skipped))
            {
                json.WriteStringValue(frame.Entry.Output);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private void WriteTotals(Utf8JsonWriter json)
    {
        json.WriteStartObject("seconds");
        json.WriteNumber("wall", Seconds((DateTimeOffset.UtcNow - started).TotalSeconds));
        json.WriteNumber("read", Seconds(frames.Sum(f => f.Times.Read)));
        json.WriteNumber("verify", Seconds(frames.Sum(f => f.VerifySeconds)));
        json.WriteNumber("plan", Seconds(frames.Sum(f => f.Times.Plan)));
        json.WriteNumber("prepare", Seconds(frames.Sum(f => f.PrepareSeconds)));
        json.WriteNumber("prepare_waited", Seconds(frames.Sum(f => f.PrepareWaitSeconds)));
        json.WriteNumber("prepare_hidden", Seconds(frames.Sum(f => f.PrepareHiddenSeconds)));
        json.WriteNumber("spots", Seconds(frames.Sum(f => f.Times.Spots)));
        json.WriteNumber("solve", Seconds(frames.Sum(f => f.Times.Solve)));
        json.WriteNumber("assemble", Seconds(frames.Sum(f => f.Times.Assemble)));
        json.WriteNumber("write", Seconds(frames.Sum(f => f.Times.Write)));
        json.WriteNumber("frames", Seconds(frames.Sum(f => f.WallSeconds)));
        json.WriteEndObject();
    }

    /// <summary>Seconds to the microsecond: clocks say no more, and the report stays readable.</summary>
    private static double Seconds(double seconds) => Math.Round(seconds, 6);

    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static void WriteFrame(Utf8JsonWriter json, FrameRecord frame)
    {
        json.WriteStartObject();
        json.WriteNumber("index", frame.Entry.Index);
        json.WriteNumber("line", frame.Entry.Line);
        json.WriteString("input", frame.Entry.Input);
        json.WriteString("psf", frame.Entry.Psf);
        json.WriteString("output", frame.Entry.Output);
        json.WriteString("status", frame.Status.ToString().ToLowerInvariant());
        json.WriteNumber("cost", frame.Cost);
        if (frame.Status == FrameStatus.Extracted)
        {
            json.WriteBoolean("psf_reused", frame.PsfReused);
        }
        if (frame.Redone is not null)
        {
            json.WriteString("redone", frame.Redone);
        }
        if (frame.Error is not null)
        {
            json.WriteString("error", frame.Error);
        }
        json.WriteStartObject("seconds");
        json.WriteNumber("read", Seconds(frame.Times.Read));
        json.WriteNumber("verify", Seconds(frame.VerifySeconds));
        json.WriteNumber("plan", Seconds(frame.Times.Plan));
        json.WriteNumber("prepare", Seconds(frame.PrepareSeconds));
        json.WriteNumber("prepare_waited", Seconds(frame.PrepareWaitSeconds));
        json.WriteNumber("prepare_hidden", Seconds(frame.PrepareHiddenSeconds));
        json.WriteNumber("spots", Seconds(frame.Times.Spots));
        json.WriteNumber("solve", Seconds(frame.Times.Solve));
        json.WriteNumber("assemble", Seconds(frame.Times.Assemble));
        json.WriteNumber("write", Seconds(frame.Times.Write));
        json.WriteNumber("total", Seconds(frame.WallSeconds));
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
