using Microsoft.Win32.SafeHandles;

namespace GpuExtract.Fits;

/// <summary>
/// Random-access read-only bytes of a FITS file: a plain file read by offset (no shared seek
/// position), a seekable caller stream, or decompressed gzip content held in memory or a
/// delete-on-close temporary file.
/// </summary>
internal abstract class ByteSource : IDisposable
{
    public abstract long Length { get; }

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes at <paramref name="offset"/>; returns how many were available.</summary>
    public abstract int ReadAt(long offset, Span<byte> destination);

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/>; false when the source ends first.</summary>
    public bool TryReadExactly(long offset, Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            int read = ReadAt(offset, destination);
            if (read <= 0)
            {
                return false;
            }
            offset += read;
            destination = destination[read..];
        }
        return true;
    }

    public virtual void Dispose()
    {
    }
}

/// <summary>A file read with <see cref="RandomAccess"/> on its handle.</summary>
internal sealed class FileByteSource(SafeFileHandle handle) : ByteSource
{
    private readonly long _length = RandomAccess.GetLength(handle);

    public override long Length => _length;

    public override int ReadAt(long offset, Span<byte> destination)
    {
        if (offset >= _length)
        {
            return 0;
        }
        return RandomAccess.Read(handle, destination, offset);
    }

    public override void Dispose() => handle.Dispose();
}

/// <summary>A seekable stream owned by the caller (not disposed here).</summary>
internal sealed class StreamByteSource(Stream stream) : ByteSource
{
    private readonly long _start = stream.Position;

    public override long Length => stream.Length - _start;

    public override int ReadAt(long offset, Span<byte> destination)
    {
        if (offset >= Length)
        {
            return 0;
        }
        stream.Position = _start + offset;
        return stream.Read(destination);
    }
}

/// <summary>Bytes in memory (decompressed gzip or a copied non-seekable stream).</summary>
internal sealed class MemoryByteSource(byte[] buffer, int length) : ByteSource
{
    public override long Length => length;

    public override int ReadAt(long offset, Span<byte> destination)
    {
        if (offset >= length)
        {
            return 0;
        }
        int count = (int)Math.Min(destination.Length, length - offset);
        buffer.AsSpan((int)offset, count).CopyTo(destination);
        return count;
    }
}
