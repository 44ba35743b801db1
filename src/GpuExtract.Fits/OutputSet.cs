namespace GpuExtract.Fits;

/// <summary>
/// The output files of one run, checked before any work and made visible together at the end.
/// <see cref="AddInput"/> registers the files no output may replace; <see cref="Add"/> checks an
/// output (a non-empty name in an existing folder; not a directory, device or FIFO; not an input nor
/// another output under any alias: real paths and device/inode identities are compared) and opens its
/// temporary file at once, so an unwritable folder is found before the extraction. Each output is
/// written to its temporary file; <see cref="Commit"/> renames them all into place. Disposing without
/// committing deletes every temporary file: a run that fails after writing its frame but before its
/// model or report leaves no frame behind, and a kill leaves only temporary files that the next run
/// removes (<see cref="TemporaryOutputFiles"/>).
/// </summary>
public sealed class OutputSet : IDisposable
{
    private readonly List<Registered> _inputs = [];
    private readonly List<Output> _outputs = [];
    private bool _committed;

    /// <summary>An existing file, or a place for one, as identified for comparison.</summary>
    internal readonly record struct Registered(string Path, string Role, string RealPath, FileStatus Status);

    /// <summary>
    /// Registers an input that no output may name. A missing input is ignored (its reader reports it).
    /// </summary>
    public void AddInput(string path, string role)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(role);
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            return;
        }
        FileStatus status;
        try
        {
            status = FileStatus.Of(path);
        }
        catch (IOException)
        {
            return;
        }
        if (status.Kind != FileKind.Missing)
        {
            _inputs.Add(new Registered(path, role, RealPath.Of(path), status));
        }
    }

    /// <summary>
    /// Checks <paramref name="path"/> as an output and reserves its temporary file.
    /// <paramref name="role"/> names it in messages ("frame", "model", "JSON report").
    /// </summary>
    /// <exception cref="OutputFileException">the name is unusable, names an input or another output, or its folder refuses the file.</exception>
    public Output Add(string path, string role)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(role);
        ObjectDisposedException.ThrowIf(_committed, this);
        string target = Target(path);
        FileStatus status = CheckReplaceable(path, target);
        Registered candidate = new(path, role, RealPath.Of(target), status);
        foreach (Registered input in _inputs)
        {
            if (SameFile(candidate, input))
            {
                throw new OutputFileException(path, $"it is the {input.Role} {input.Path}; an output must not replace an input");
            }
        }
        foreach (Output other in _outputs)
        {
            if (string.Equals(other.FullPath, target, StringComparison.Ordinal) || SameFile(candidate, other.Identity))
            {
                throw new OutputFileException(path, $"it is also the {other.Role} output {other.Path}; two outputs cannot share one file");
            }
        }
        TemporaryOutputFiles.RemoveStale(Path.GetDirectoryName(target)!);
        string temporary = TemporaryOutputFiles.NameFor(target);
        FileStream stream;
        try
        {
            stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputFileException(path, e.Message, e);
        }
        var output = new Output(path, role, target, temporary, stream, candidate);
        _outputs.Add(output);
        return output;
    }

    /// <summary>
    /// Renames every written output onto its name (outputs never written are dropped) and closes the set.
    /// Each rename is atomic; a failure part-way leaves the earlier outputs in place.
    /// </summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        _committed = true;
        foreach (Output output in _outputs)
        {
            output.CloseStream();
        }
        try
        {
            foreach (Output output in _outputs)
            {
                if (output.State != OutputState.Written)
                {
                    continue;
                }
                // The name was checked when added; a directory or device put there since is refused still.
                CheckReplaceable(output.Path, output.FullPath);
                try
                {
                    File.Move(output.TemporaryPath, output.FullPath, overwrite: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new OutputFileException(output.Path, e.Message, e);
                }
                output.State = OutputState.Committed;
            }
        }
        finally
        {
            DeleteTemporaries();
        }
    }

    /// <summary>Deletes the temporary files of outputs not committed.</summary>
    public void Dispose()
    {
        _committed = true;
        DeleteTemporaries();
    }

    private void DeleteTemporaries()
    {
        foreach (Output output in _outputs)
        {
            output.CloseStream();
            if (output.State != OutputState.Committed)
            {
                try
                {
                    File.Delete(output.TemporaryPath);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The original failure matters more; the next run removes the leftover.
                }
                output.State = OutputState.Dropped;
            }
        }
    }

    private static bool SameFile(Registered a, Registered b) =>
        string.Equals(a.RealPath, b.RealPath, StringComparison.Ordinal) || a.Status.IsSameFile(b.Status);

    /// <summary>
    /// The absolute path the output is renamed onto: its folder resolved to a real path, its own name
    /// kept (an existing symlink under the name is replaced, not followed).
    /// </summary>
    private static string Target(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new OutputFileException(path, "the file name is empty");
        }
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new OutputFileException(path.Replace('\0', '?'), "the file name contains a NUL character");
        }
        string name = Path.GetFileName(path);
        if (name is "" or "." or "..")
        {
            throw new OutputFileException(path, "the name is a folder, not a file");
        }
        string folder = Path.GetDirectoryName(Path.IsPathRooted(path) ? path : Path.Combine(Environment.CurrentDirectory, path))!;
        FileStatus folderStatus;
        try
        {
            folderStatus = FileStatus.Of(folder);
        }
        catch (IOException e)
        {
            throw new OutputFileException(path, $"its folder {folder} cannot be used: {InputFile.Reason(e, folder)}", e);
        }
        if (folderStatus.Kind == FileKind.Missing)
        {
            throw new OutputFileException(path, $"the folder {folder} does not exist");
        }
        if (folderStatus.Kind != FileKind.Directory)
        {
            throw new OutputFileException(path, $"{folder} is {InputFile.Describe(folderStatus.Kind)}, not a folder");
        }
        return Path.Combine(RealPath.Of(folder), name);
    }

    /// <summary>Refuses an existing entry under the name that is not a regular file (or a symlink to one).</summary>
    private static FileStatus CheckReplaceable(string path, string target)
    {
        try
        {
            FileStatus entry = FileStatus.Of(target, followLinks: false);
            FileStatus followed = entry.Kind == FileKind.SymbolicLink ? FileStatus.Of(target) : entry;
            if (followed.Kind is not (FileKind.Missing or FileKind.RegularFile))
            {
                string what = entry.Kind == FileKind.SymbolicLink ? $"a symbolic link to {InputFile.Describe(followed.Kind)}" : InputFile.Describe(followed.Kind);
                throw new OutputFileException(path, $"it is {what}, not a regular file; refusing to replace it");
            }
            return followed;
        }
        catch (IOException e) when (e is not OutputFileException)
        {
            throw new OutputFileException(path, InputFile.Reason(e, target), e);
        }
    }

    internal enum OutputState
    {
        Open,
        Written,
        Committed,
        Dropped,
    }

    /// <summary>One output of the set: write it once with <see cref="Write"/>; it appears at <see cref="Commit"/>.</summary>
    public sealed class Output
    {
        private FileStream? _stream;

        internal Output(string path, string role, string fullPath, string temporaryPath, FileStream stream, Registered identity)
        {
            Path = path;
            Role = role;
            FullPath = fullPath;
            TemporaryPath = temporaryPath;
            _stream = stream;
            Identity = identity;
        }

        /// <summary>The path as given.</summary>
        public string Path { get; }

        /// <summary>What the output is, for messages.</summary>
        public string Role { get; }

        /// <summary>The absolute path it will have (folder resolved).</summary>
        public string FullPath { get; }

        internal string TemporaryPath { get; }

        internal Registered Identity { get; }

        internal OutputState State { get; set; }

        /// <summary>
        /// Writes the content through <paramref name="write"/> and flushes it to disk. An I/O failure
        /// (a full disk) becomes <see cref="OutputFileException"/> naming this output; any exception
        /// leaves the output unwritten.
        /// </summary>
        public void Write(Action<Stream> write)
        {
            ArgumentNullException.ThrowIfNull(write);
            if (State != OutputState.Open || _stream is null)
            {
                throw new InvalidOperationException($"output {Path} was already written or its set is closed");
            }
            try
            {
                write(_stream);
                _stream.Flush(flushToDisk: true);
            }
            catch (IOException e) when (e is not (OutputFileException or InputFileException or FileNotFoundException or DirectoryNotFoundException))
            {
                State = OutputState.Dropped;
                throw new OutputFileException(Path, e.Message, e);
            }
            catch
            {
                State = OutputState.Dropped;
                throw;
            }
            State = OutputState.Written;
        }

        /// <summary>
        /// Writes FITS content through a <see cref="FitsWriter"/>, gzip-compressed when the name ends
        /// in .gz, as <see cref="Write"/> does.
        /// </summary>
        public void WriteFits(Action<FitsWriter> write)
        {
            ArgumentNullException.ThrowIfNull(write);
            bool gzip = Path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
            Write(stream =>
            {
                using var writer = new FitsWriter(stream, gzip);
                write(writer);
            });
        }

        internal void CloseStream()
        {
            try
            {
                _stream?.Dispose();
            }
            catch (IOException)
            {
                // Flushed already when written; an unwritten output's close failure changes nothing.
            }
            _stream = null;
        }
    }
}
