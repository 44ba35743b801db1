namespace GpuExtract.Fits;

/// <summary>An output file could not be created or replaced (unwritable directory, missing directory, disk full…).</summary>
public sealed class OutputFileException(string path, string reason, Exception? inner = null)
    : IOException($"cannot write output file {path}: {reason}".ReplaceLineEndings(" "), inner)
{
    /// <summary>The final path that was to be written.</summary>
    public string Path { get; } = path;
}
