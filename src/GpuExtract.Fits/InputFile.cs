namespace GpuExtract.Fits;

/// <summary>What may be opened as an input: regular files only, checked before opening.</summary>
public static class InputFile
{
    /// <summary>
    /// Refuses anything but a regular file (symlinks followed) before it is opened, so that opening a
    /// FIFO cannot block and a device cannot be read forever. A missing path passes: opening it then
    /// reports <see cref="FileNotFoundException"/> as usual.
    /// </summary>
    /// <exception cref="InputFileException">a directory, FIFO, device, socket or symlink loop.</exception>
    public static void RequireRegularOrMissing(string path)
    {
        FileStatus status;
        try
        {
            status = FileStatus.Of(path);
        }
        catch (IOException e)
        {
            throw new InputFileException(path, Reason(e, path), e);
        }
        if (status.Kind is not (FileKind.RegularFile or FileKind.Missing))
        {
            throw new InputFileException(path, $"it is {Describe(status.Kind)}, not a regular file");
        }
    }

    /// <summary>"a directory", "a FIFO (named pipe)"… for messages.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Directory => "a directory",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.RegularFile => "a regular file",
        FileKind.Missing => "missing",
        _ => "a special file",
    };

    /// <summary>The system's reason without the path that <see cref="FileStatus.Of"/> put in front.</summary>
    internal static string Reason(IOException e, string path) =>
        e.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? e.Message[(path.Length + 2)..] : e.Message;
}
