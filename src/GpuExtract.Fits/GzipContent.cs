using System.IO.Compression;

namespace GpuExtract.Fits;

/// <summary>
/// Recognises gzip content by its magic bytes (1F 8B) and inflates it into memory, spilling to an
/// unnamed temporary file beyond <see cref="MemoryLimit"/> so very large .fits.gz files do not need
/// one huge array. Inflation stops where the FITS content ends by its own headers' account (see
/// <see cref="DeclaredExtent"/>), so a small .gz cannot inflate without bound.
/// </summary>
internal static partial class GzipContent
{
    /// <summary>Largest decompressed size kept in memory [bytes].</summary>
    public const int MemoryLimit = 1 << 30;

    private const int Chunk = 1 << 20;

    public static bool HasGzipMagic(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1F && head[1] == 0x8B;

    /// <summary>
    /// Inflates the gzip members of <paramref name="compressed"/> into a random-access source, up to the
    /// end of the FITS content its headers declare (plus one block to show what follows).
    /// </summary>
    /// <param name="memoryLimit">Bytes kept in memory before spilling [bytes].</param>
    /// <param name="spillDirectory">Folder of the spill file; the system's temporary folder when null.</param>
    public static ByteSource Inflate(Stream compressed, string displayName, int memoryLimit = MemoryLimit, string? spillDirectory = null)
    {
        FileStream? spill = null;
        try
        {
            using var gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);
            var extent = new DeclaredExtent();
            byte[] buffer = new byte[Math.Min(Chunk, memoryLimit)];
            int length = 0;
            while (true)
            {
                if (spill is null && length == buffer.Length)
                {
                    if (buffer.Length >= memoryLimit)
                    {
                        spill = CreateSpillFile(spillDirectory ?? Path.GetTempPath(), displayName);
                        spill.Write(buffer, 0, length);
                        buffer = new byte[Chunk];
                        length = 0;
                    }
                    else
                    {
                        Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, memoryLimit));
                    }
                }
                if (spill is not null && length == buffer.Length)
                {
                    spill.Write(buffer, 0, length);
                    length = 0;
                }
                int read = gzip.Read(buffer, length, buffer.Length - length);
                if (read == 0)
                {
                    break;
                }
                int kept = extent.Consume(buffer.AsSpan(length, read));
                length += kept;
                if (extent.Ended)
                {
                    break;
                }
            }
            if (spill is null)
            {
                return new MemoryByteSource(buffer, length);
            }
            spill.Write(buffer, 0, length);
            spill.Flush();
            var source = new SpillFileByteSource(spill);
            spill = null;
            return source;
        }
        catch (InvalidDataException e)
        {
            // .NET reports every zlib data error, a CRC mismatch included, as "unsupported compression method".
            throw new FitsFormatException("corrupt gzip data: the deflate stream or its CRC-32/length trailer is damaged", displayName, inner: e);
        }
        finally
        {
            spill?.Dispose();
        }
    }

    /// <summary>
    /// A read-write temporary file unlinked as soon as it is created: it has no name while in use, so
    /// neither an exception nor SIGKILL can leave it behind, and the space returns when it is closed.
    /// </summary>
    private static FileStream CreateSpillFile(string directory, string displayName)
    {
        // Earlier versions named their spill files until closed; those no process holds are leftovers.
        TemporaryOutputFiles.RemoveUnlocked(directory, SpillName());
        string path = Path.Combine(directory, $"gpuextract-fits-{Guid.NewGuid():N}.tmp");
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot inflate {displayName}: no room for its temporary copy in {directory}: {e.Message}", e);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.Delete(path);
        }
        return file;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^gpuextract-fits-[0-9a-f]{32}\\.tmp$")]
    private static partial System.Text.RegularExpressions.Regex SpillName();

    /// <summary>Decompressed bytes in an unnamed temporary file, released when the source is disposed.</summary>
    private sealed class SpillFileByteSource(FileStream file) : ByteSource
    {
        private readonly long _length = file.Length;

        public override long Length => _length;

        public override int ReadAt(long offset, Span<byte> destination) =>
            offset >= _length ? 0 : RandomAccess.Read(file.SafeFileHandle, destination, offset);

        public override void Dispose() => file.Dispose();
    }
}
