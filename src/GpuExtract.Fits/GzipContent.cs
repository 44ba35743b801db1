using System.IO.Compression;

namespace GpuExtract.Fits;

/// <summary>
/// Recognises gzip content by its magic bytes (1F 8B) and inflates it into memory, spilling to a
/// delete-on-close temporary file beyond <see cref="MemoryLimit"/> so very large .fits.gz files
/// do not need one huge array.
/// </summary>
internal static class GzipContent
{
    /// <summary>Largest decompressed size kept in memory [bytes].</summary>
    public const int MemoryLimit = 1 << 30;

    public static bool HasGzipMagic(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1F && head[1] == 0x8B;

    /// <summary>Inflates all gzip members of <paramref name="compressed"/> into a random-access source.</summary>
    public static ByteSource Inflate(Stream compressed, string displayName)
    {
        FileStream? spill = null;
        try
        {
            using var gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);
            byte[] buffer = new byte[1 << 20];
            int length = 0;
            while (true)
            {
                if (spill is null && length == buffer.Length)
                {
                    if (buffer.Length >= MemoryLimit)
                    {
                        spill = CreateSpillFile();
                        spill.Write(buffer, 0, length);
                        buffer = new byte[1 << 20];
                        length = 0;
                    }
                    else
                    {
                        Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, MemoryLimit));
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
                length += read;
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
            throw new FitsFormatException($"corrupt gzip data: {e.Message}", displayName, inner: e);
        }
        finally
        {
            spill?.Dispose();
        }
    }

    private static FileStream CreateSpillFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gpuextract-fits-{Guid.NewGuid():N}.tmp");
        return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
    }

    /// <summary>Decompressed bytes in a temporary file removed when the source is disposed.</summary>
    private sealed class SpillFileByteSource(FileStream file) : ByteSource
    {
        private readonly long _length = file.Length;

        public override long Length => _length;

        public override int ReadAt(long offset, Span<byte> destination) =>
            offset >= _length ? 0 : RandomAccess.Read(file.SafeFileHandle, destination, offset);

        public override void Dispose() => file.Dispose();
    }
}
