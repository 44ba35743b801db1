using System.CommandLine;

namespace GpuExtract.Cli.Commands;

/// <summary>
/// A <c>gpuextract</c> command whose description is a one-line summary (listed by the parent's
/// <c>--help</c>) and which may have longer details (printed by its own <c>--help</c> under the summary).
/// </summary>
public abstract class DocumentedCommand(string name, string summary) : Command(name, summary)
{
    /// <summary>Longer text printed by <c>--help</c> under the summary.</summary>
    public string? Details { get; init; }
}
