namespace GpuExtract.Batch;

/// <summary>What an existing output file turned out to be.</summary>
public enum OutputState
{
    /// <summary>No file under the output name: the frame is to be extracted.</summary>
    Missing,

    /// <summary>A complete frame file whose every HDU checksum verifies: the frame is done.</summary>
    Valid,

    /// <summary>A file that is not a complete, intact frame (truncated, corrupted, foreign): to be redone.</summary>
    Invalid,
}

/// <summary>The verdict on an output file, with what is wrong when it is <see cref="OutputState.Invalid"/>.</summary>
public sealed record OutputCheck(OutputState State, string? Problem = null);
