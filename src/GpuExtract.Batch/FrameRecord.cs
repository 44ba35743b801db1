using GpuExtract.Core.Extraction;

namespace GpuExtract.Batch;

/// <summary>What became of one frame of a rank's share.</summary>
public enum FrameStatus
{
    /// <summary>Extracted and written.</summary>
    Extracted,

    /// <summary>Its output already existed and verified.</summary>
    Skipped,

    /// <summary>Reading, extracting or writing it failed; see the error.</summary>
    Failed,
}

/// <summary>One frame's line in a rank's batch report.</summary>
public sealed record FrameRecord
{
    public required ManifestEntry Entry { get; init; }

    public required FrameStatus Status { get; init; }

    /// <summary>Cost used for the assignment [spectrum-wavelengths].</summary>
    public long Cost { get; init; }

    /// <summary>Why an existing output was redone (it failed verification), or null.</summary>
    public string? Redone { get; init; }

    /// <summary>Whether the PSF model was reused from an earlier frame of this rank (<see cref="PsfCache"/>).</summary>
    public bool PsfReused { get; init; }

    /// <summary>The error of a failed frame, one line.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// Stage seconds as <c>extract</c> reports them. Read (preproc + PSF) and Plan (weights, patch plan) ran on the
    /// read-ahead task, during the previous frame's work; for a frame whose preparation failed, Read is all of it.
    /// </summary>
    public StageTimes Times { get; init; } = new();

    /// <summary>Seconds spent verifying an existing output (on the read-ahead task, before the read).</summary>
    public double VerifySeconds { get; init; }

    /// <summary>Seconds of the read-ahead task's work on this frame: verify, read and plan.</summary>
    public double PrepareSeconds => VerifySeconds + Times.Read + Times.Plan;

    /// <summary>Seconds this rank waited for the frame's preparation: the part not hidden behind the previous frame.</summary>
    public double PrepareWaitSeconds { get; init; }

    /// <summary>Seconds of the preparation that overlapped the previous frame's work.</summary>
    public double PrepareHiddenSeconds => Math.Max(0, PrepareSeconds - PrepareWaitSeconds);

    /// <summary>Wall seconds this frame held the rank: the wait plus solving, assembling and writing.</summary>
    public double WallSeconds { get; init; }
}
