namespace GpuExtract.Fits;

/// <summary>
/// An input path that names something other than a readable regular file: a directory, a FIFO or
/// device (reading it could block forever or never end), a socket, or a symlink loop.
/// </summary>
public sealed class InputFileException(string path, string reason, Exception? inner = null)
    : IOException($"cannot read input file {path}: {reason}".ReplaceLineEndings(" "), inner)
{
    /// <summary>The path as given.</summary>
    public string Path { get; } = path;
}
