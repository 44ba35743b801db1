using System.IO.Compression;
using System.Numerics;
using System.Runtime.InteropServices;

namespace GpuExtract.Fits.Compression;

/// <summary>
/// Compresses an integer image tile by tile (FITS Standard 4.0 §10) into the heap of a COMPRESSED_DATA
/// column: tiles in FITS order (axis 1 fastest), each RICE_1 coded from its integer values, or its
/// big-endian bytes (byte-shuffled for GZIP_2) gzip-compressed. The inverse of <see cref="TiledImageReader"/>.
/// </summary>
internal static class TiledImageWriter
{
    /// <summary>
    /// The compressed tiles of <paramref name="image"/> (byte, short or int; row-major, NAXIS1 fastest):
    /// one heap array per tile.
    /// </summary>
    public static FitsTableBuilder.VariableCells Compress<T>(ReadOnlySpan<T> image, TileGeometry tiles, TileCompression compression)
        where T : unmanaged, IBinaryInteger<T>
    {
        int valueSize = Marshal.SizeOf<T>();
        int tileCount = checked((int)tiles.TileCount);
        var counts = new int[tileCount];
        var offsets = new int[tileCount];
        var heap = new Heap(Math.Max(1024, (int)Math.Min(image.Length * (long)valueSize / 8, 1 << 24)));
        T[] tile = new T[tiles.MaxTilePixels];
        byte[] encoded = new byte[compression.Method == TileCompressionMethod.Rice1
            ? RiceEncoder.MaxEncodedLength(tiles.MaxTilePixels, valueSize, compression.BlockSize)
            : tiles.MaxTilePixels * valueSize];
        byte[] shuffled = compression.Method == TileCompressionMethod.Gzip2 ? new byte[encoded.Length] : [];
        using var gzipped = new MemoryStream();
        for (int row = 0; row < tileCount; row++)
        {
            int pixels = tiles.TilePixels(row);
            Span<T> values = tile.AsSpan(0, pixels);
            tiles.Gather(row, image, values);
            ReadOnlySpan<byte> stored;
            if (compression.Method == TileCompressionMethod.Rice1)
            {
                int length = RiceEncoder.Encode<T>(values, compression.BlockSize, encoded);
                stored = encoded.AsSpan(0, length);
            }
            else
            {
                Span<byte> bytes = encoded.AsSpan(0, pixels * valueSize);
                PixelDecoder.EncodeBigEndian(MemoryMarshal.AsBytes(values), bytes, valueSize, flipSign: false);
                if (compression.Method == TileCompressionMethod.Gzip2)
                {
                    bytes = Shuffle(bytes, valueSize, shuffled);
                }
                gzipped.SetLength(0);
                using (var gzip = new GZipStream(gzipped, CompressionLevel.Optimal, leaveOpen: true))
                {
                    gzip.Write(bytes);
                }
                stored = gzipped.GetBuffer().AsSpan(0, (int)gzipped.Length);
            }
            counts[row] = stored.Length;
            offsets[row] = heap.Append(stored);
        }
        return new FitsTableBuilder.VariableCells(counts, offsets, heap.Bytes, heap.Length);
    }

    /// <summary>GZIP_2 byte order: all first (most significant) bytes of the values, then all second bytes, ….</summary>
    private static Span<byte> Shuffle(ReadOnlySpan<byte> bytes, int size, byte[] target)
    {
        int count = bytes.Length / size;
        for (int b = 0; b < size; b++)
        {
            Span<byte> plane = target.AsSpan(b * count, count);
            for (int i = 0; i < count; i++)
            {
                plane[i] = bytes[i * size + b];
            }
        }
        return target.AsSpan(0, bytes.Length);
    }

    /// <summary>A growing byte buffer: the heap of compressed tiles.</summary>
    private sealed class Heap(int capacity)
    {
        public byte[] Bytes { get; private set; } = new byte[capacity];

        public int Length { get; private set; }

        /// <summary>Appends <paramref name="data"/>; returns its offset in the heap.</summary>
        public int Append(ReadOnlySpan<byte> data)
        {
            long needed = (long)Length + data.Length;
            if (needed > int.MaxValue)
            {
                throw new ArgumentException($"compressed tiles exceed {int.MaxValue} bytes, more than 32-bit (P) descriptors address");
            }
            if (needed > Bytes.Length)
            {
                byte[] larger = new byte[(int)Math.Min(Math.Max(needed, 2L * Bytes.Length), Array.MaxLength)];
                Bytes.AsSpan(0, Length).CopyTo(larger);
                Bytes = larger;
            }
            int offset = Length;
            data.CopyTo(Bytes.AsSpan(offset));
            Length = (int)needed;
            return offset;
        }
    }
}
