namespace GpuExtract.Fits;

/// <summary>
/// Writes a file so that it appears under its final name complete or not at all: the content goes
/// to a temporary file in the same directory, is flushed to disk, and is then renamed onto the path.
/// A single-output <see cref="OutputSet"/>.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Runs <paramref name="write"/> on a temporary file beside <paramref name="path"/>, flushes it
    /// (Flush(true)) and renames it onto <paramref name="path"/>. On any exception the temporary file
    /// is deleted, nothing appears under <paramref name="path"/>, and the exception propagates.
    /// An unwritable or missing directory, an existing non-regular file under the name, or an I/O
    /// error while writing (a full disk) throws <see cref="OutputFileException"/>.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var outputs = new OutputSet();
        outputs.Add(path, "output").Write(write);
        outputs.Commit();
    }
}
