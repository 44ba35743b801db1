namespace GpuExtract.EighStudy;

/// <summary>A method as the result files describe it.</summary>
public sealed record EighMethodInfo(string Name, string Backend, string Description);

/// <summary>Everything one run of the eigh study produced: machine, options, methods, inputs and points.</summary>
public sealed class EighResults
{
    public required MachineInfo Machine { get; init; }

    public required EighBenchmarkOptions Options { get; init; }

    public required IReadOnlyList<EighMethodInfo> Methods { get; init; }

    /// <summary>One line per input family: name, orders, pool size and origin.</summary>
    public List<string> Inputs { get; } = [];

    /// <summary>Remarks on the run as a whole (unsupported combinations, the command line...).</summary>
    public List<string> Notes { get; } = [];

    public List<EighPoint> Points { get; } = [];

    /// <summary>Wall time of the whole study [s].</summary>
    public double Seconds { get; set; }

    /// <summary>Points that failed validation or threw.</summary>
    public int FailedCount => Points.Count(p => p.Status == EighPointStatus.Failed);

    /// <summary>Points not run.</summary>
    public int SkippedCount => Points.Count(p => p.Status == EighPointStatus.Skipped);
}
