using GpuExtract.Core.Extraction;

namespace GpuExtract.Batch;

/// <summary>
/// One manifest frame as the read-ahead task hands it to the rank (<see cref="FramePreparation"/>): either an
/// output that already verifies (<see cref="Frame"/> null: skip it), or the frame read and prepared, so that
/// only the backend's work, the assembly and the writing are left.
/// </summary>
public sealed record StagedFrame
{
    /// <summary>The frame read and prepared (weights, patch plan); null when the existing output verifies.</summary>
    public PreparedFrame? Frame { get; init; }

    /// <summary>What the existing output turned out to be (<see cref="OutputState.Missing"/> under <c>--force</c>).</summary>
    public required OutputCheck Existing { get; init; }

    /// <summary>Whether the PSF model came from the <see cref="PsfCache"/>.</summary>
    public bool PsfReused { get; init; }

    /// <summary>Seconds spent verifying the existing output.</summary>
    public double VerifySeconds { get; init; }

    /// <summary>Seconds spent reading the PSF and the preproc image (the preparation's own are <see cref="PreparedFrame.PlanSeconds"/>).</summary>
    public double ReadSeconds { get; init; }
}
