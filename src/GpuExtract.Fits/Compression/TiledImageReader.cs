using System.Buffers;
using System.IO.Compression;
using System.Numerics;
using System.Runtime.InteropServices;

namespace GpuExtract.Fits.Compression;

/// <summary>
/// Reads a tile-compressed image (FITS Standard 4.0 §10: a BINTABLE with ZIMAGE = T, one row per
/// tile of ZTILEn pixels, tiles in FITS order with axis 1 fastest, edge tiles partial). Supports
/// RICE_1 (BLOCKSIZE, BYTEPIX 1/2/4), GZIP_1, GZIP_2 (byte-shuffled) and NOCOMPRESS for integer
/// images, lossless floating-point tiles (raw IEEE values), and quantized floating-point tiles
/// (ZSCALE/ZZERO per tile or as keywords; NO_DITHER, SUBTRACTIVE_DITHER_1 and _2; ZBLANK → NaN),
/// with GZIP_COMPRESSED_DATA / UNCOMPRESSED_DATA fallback tiles.
/// </summary>
internal static class TiledImageReader
{
    /// <summary>Largest accepted ratio of image bytes to stored bytes: bounds memory for corrupt ZNAXISn.</summary>
    private const long MaxExpansion = 4096;

    public static T[] Read<T>(FitsHdu hdu, FitsTable table) where T : unmanaged
    {
        var tiles = TileGeometry.Read(hdu, table);
        hdu.RequireOneArray<T>(tiles.PixelCount);
        LinearScaling scaling = FitsHdu.ImageScaling(hdu.Header, hdu.Bitpix, "BSCALE", "BZERO", "BLANK");
        return hdu.Bitpix switch
        {
            8 => Finish<byte, T>(Decompress<byte>(hdu, table, tiles), scaling, hdu),
            16 => Finish<short, T>(Decompress<short>(hdu, table, tiles), scaling, hdu),
            32 => Finish<int, T>(Decompress<int>(hdu, table, tiles), scaling, hdu),
            64 => Finish<long, T>(Decompress<long>(hdu, table, tiles), scaling, hdu),
            -32 => Finish<float, T>(Decompress<float>(hdu, table, tiles), scaling, hdu),
            _ => Finish<double, T>(Decompress<double>(hdu, table, tiles), scaling, hdu),
        };
    }

    /// <summary>Applies BSCALE/BZERO (and the unsigned conventions) of the table header to the decompressed values.</summary>
    private static T[] Finish<TRaw, T>(TRaw[] image, LinearScaling scaling, FitsHdu hdu)
        where TRaw : unmanaged, INumberBase<TRaw>
        where T : unmanaged
    {
        // BLANK only matters when integers become reals, which cannot happen when T is the stored type.
        if (typeof(T) == typeof(TRaw) && scaling.IsIdentity)
        {
            return (T[])(object)image;
        }
        var result = GC.AllocateUninitializedArray<T>(image.Length);
        PixelDecoder.Convert<TRaw, T>(image, scaling, result, detail => hdu.Error(detail));
        return result;
    }

    private static bool IsReal<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double);

    private static TRaw[] Decompress<TRaw>(FitsHdu hdu, FitsTable table, TileGeometry tiles)
        where TRaw : unmanaged, INumberBase<TRaw>
    {
        string method = (hdu.Header.GetStringOrNull("ZCMPTYPE") ?? "").Trim().ToUpperInvariant();
        if (method is not ("RICE_1" or "RICE_ONE" or "GZIP_1" or "GZIP_2" or "NOCOMPRESS"))
        {
            throw hdu.Error($"unsupported tile compression ZCMPTYPE = '{method}' (supported: RICE_1, GZIP_1, GZIP_2, NOCOMPRESS)");
        }
        int valueSize = Marshal.SizeOf<TRaw>();
        long imageBytes = tiles.PixelCount * valueSize;
        if (tiles.PixelCount > Array.MaxLength || imageBytes > MaxExpansion * Math.Max(hdu.DataLength, FitsLayout.BlockSize))
        {
            throw hdu.Error($"compressed image of {tiles.PixelCount} pixels is implausibly large for {hdu.DataLength} stored bytes (corrupt ZNAXISn?)");
        }
        var quantization = Quantization.Read(hdu, table);
        ColumnLayout compressed = table.FindLayout("COMPRESSED_DATA") ?? throw hdu.Error("compressed image has no COMPRESSED_DATA column");
        if (!compressed.Column.IsVariableLength)
        {
            throw hdu.Error("COMPRESSED_DATA is not a variable-length column");
        }
        ColumnLayout? gzipFallback = table.FindLayout("GZIP_COMPRESSED_DATA");
        ColumnLayout? uncompressed = table.FindLayout("UNCOMPRESSED_DATA");
        var (blockSize, bytePix) = RiceParameters(hdu, valueSize);

        TRaw[] image = GC.AllocateUninitializedArray<TRaw>((int)tiles.PixelCount);
        TRaw[] tile = new TRaw[tiles.MaxTilePixels];
        int[] integers = new int[tiles.MaxTilePixels];
        byte[] inflated = new byte[tiles.MaxTilePixels * 8];
        for (int row = 0; row < tiles.TileCount; row++)
        {
            int pixels = tiles.TilePixels(row);
            Span<TRaw> values = tile.AsSpan(0, pixels);
            try
            {
                ArraySegment<byte> stored = table.VariableCellBytes(compressed, row);
                if (stored.Count == 0)
                {
                    DecodeFallbackTile(hdu, table, row, values, gzipFallback, uncompressed, inflated);
                }
                else if (method is "RICE_1" or "RICE_ONE")
                {
                    Span<int> decoded = integers.AsSpan(0, pixels);
                    RiceDecoder.Decode(stored, bytePix, blockSize, decoded);
                    StoreIntegers(decoded, values, quantization, row, hdu);
                }
                else
                {
                    int length = method == "NOCOMPRESS" ? Copy(stored, inflated) : Inflate(stored, inflated);
                    int size = pixels == 0 ? valueSize : length / pixels;
                    if (length != size * pixels || size is not (1 or 2 or 4 or 8))
                    {
                        throw new InvalidDataException($"tile holds {length} bytes, not a whole number of 1/2/4/8-byte values for {pixels} pixels");
                    }
                    Span<byte> bytes = inflated.AsSpan(0, length);
                    if (method == "GZIP_2")
                    {
                        bytes = Unshuffle(bytes, size);
                    }
                    if (quantization.IsQuantized)
                    {
                        if (size != 4)
                        {
                            throw new InvalidDataException($"quantized tile has {size}-byte values, not 4");
                        }
                        Span<int> decoded = integers.AsSpan(0, pixels);
                        PixelDecoder.Decode(bytes, 32, LinearScaling.Identity, decoded, detail => hdu.Error(detail));
                        StoreIntegers(decoded, values, quantization, row, hdu);
                    }
                    else
                    {
                        int bitpix = IsReal<TRaw>() ? -8 * size : 8 * size;
                        if (FitsLayout.BytesPerValue(bitpix) == 0)
                        {
                            throw new InvalidDataException($"floating-point tile has {size}-byte values");
                        }
                        PixelDecoder.Decode(bytes, bitpix, LinearScaling.Identity, values, detail => hdu.Error($"tile {row + 1}: {detail}"));
                    }
                }
            }
            catch (InvalidDataException e)
            {
                throw hdu.Error($"tile {row + 1} of {tiles.TileCount} ({method}) is corrupt: {e.Message}", inner: e);
            }
            tiles.Scatter(row, values, image);
        }
        return image;
    }

    /// <summary>Integers from RICE or GZIP tiles into the image type: dequantized for floats, narrowed (range-checked) for integers.</summary>
    private static void StoreIntegers<TRaw>(ReadOnlySpan<int> decoded, Span<TRaw> values, Quantization quantization, int row, FitsHdu hdu)
        where TRaw : unmanaged, INumberBase<TRaw>
    {
        if (quantization.IsQuantized)
        {
            if (typeof(TRaw) == typeof(float))
            {
                quantization.Dequantize(decoded, MemoryMarshal.Cast<TRaw, float>(values), row);
            }
            else if (typeof(TRaw) == typeof(double))
            {
                quantization.Dequantize(decoded, MemoryMarshal.Cast<TRaw, double>(values), row);
            }
            else
            {
                throw hdu.Error("ZSCALE/ZZERO quantization is only defined for floating-point images");
            }
            return;
        }
        if (IsReal<TRaw>())
        {
            throw new InvalidDataException("floating-point image tile holds integers but the HDU has no ZSCALE/ZZERO");
        }
        PixelDecoder.Convert(decoded, LinearScaling.Identity, values, detail => hdu.Error($"tile {row + 1}: {detail}"));
    }

    private static void DecodeFallbackTile<TRaw>(FitsHdu hdu, FitsTable table, int row, Span<TRaw> values, ColumnLayout? gzipFallback, ColumnLayout? uncompressed, byte[] inflated)
        where TRaw : unmanaged, INumberBase<TRaw>
    {
        if (values.Length == 0)
        {
            return;
        }
        if (gzipFallback is not null && table.VariableCellBytes(gzipFallback, row) is { Count: > 0 } gzipped)
        {
            // Tiles that could not be quantized are stored losslessly as gzipped IEEE values.
            int length = Inflate(gzipped, inflated);
            int size = length / values.Length;
            int bitpix = IsReal<TRaw>() ? -8 * size : 8 * size;
            if (length != size * values.Length || FitsLayout.BytesPerValue(bitpix) == 0)
            {
                throw new InvalidDataException($"GZIP_COMPRESSED_DATA tile holds {length} bytes for {values.Length} pixels");
            }
            PixelDecoder.Decode(inflated.AsSpan(0, length), bitpix, LinearScaling.Identity, values, detail => hdu.Error(detail));
            return;
        }
        if (uncompressed is not null && table.VariableCellBytes(uncompressed, row) is { Count: > 0 } raw)
        {
            char code = uncompressed.Column.TypeCode;
            int bitpix = StorageType.BitpixOfTform(code);
            int size = FitsLayout.BytesPerValue(bitpix);
            if (bitpix == 0 || raw.Count != size * values.Length)
            {
                throw new InvalidDataException($"UNCOMPRESSED_DATA tile holds {raw.Count} bytes for {values.Length} pixels");
            }
            byte[] copy = raw.ToArray();
            PixelDecoder.Decode(copy, bitpix, LinearScaling.Identity, values, detail => hdu.Error(detail));
            return;
        }
        throw new InvalidDataException("tile has no data in COMPRESSED_DATA or a fallback column");
    }

    private static (int BlockSize, int BytePix) RiceParameters(FitsHdu hdu, int valueSize)
    {
        int blockSize = 32;
        int bytePix = Math.Min(valueSize, 4);
        for (int n = 1; n <= 999; n++)
        {
            string? name = hdu.Header.GetStringOrNull($"ZNAME{n}");
            if (name is null)
            {
                break;
            }
            long? value = hdu.Header.Find($"ZVAL{n}")?.Value is long v ? v : null;
            switch (name.Trim().ToUpperInvariant())
            {
                case "BLOCKSIZE" when value is > 0 and <= 1 << 20:
                    blockSize = (int)value;
                    break;
                case "BYTEPIX" when value is 1 or 2 or 4 or 8:
                    bytePix = (int)value;
                    break;
            }
        }
        return (blockSize, bytePix);
    }

    private static int Copy(ArraySegment<byte> stored, byte[] destination)
    {
        if (stored.Count > destination.Length)
        {
            throw new InvalidDataException($"NOCOMPRESS tile holds {stored.Count} bytes, more than the tile's pixels can");
        }
        stored.AsSpan().CopyTo(destination);
        return stored.Count;
    }

    /// <summary>Inflates a gzip (or zlib) tile into <paramref name="destination"/>; more output than fits is corruption.</summary>
    private static int Inflate(ArraySegment<byte> stored, byte[] destination)
    {
        using var input = new MemoryStream(stored.Array!, stored.Offset, stored.Count, writable: false);
        using Stream inflater = stored.Count >= 2 && stored[0] == 0x1F && stored[1] == 0x8B
            ? new GZipStream(input, CompressionMode.Decompress)
            : new ZLibStream(input, CompressionMode.Decompress);
        int length = inflater.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        if (length == destination.Length && inflater.ReadByte() >= 0)
        {
            throw new InvalidDataException("gzip tile inflates to more bytes than the tile has pixels");
        }
        return length;
    }

    /// <summary>GZIP_2 stores all first bytes of the values, then all second bytes…: restore value order.</summary>
    private static Span<byte> Unshuffle(Span<byte> shuffled, int size)
    {
        if (size == 1)
        {
            return shuffled;
        }
        byte[] copy = ArrayPool<byte>.Shared.Rent(shuffled.Length);
        try
        {
            shuffled.CopyTo(copy);
            int count = shuffled.Length / size;
            for (int b = 0; b < size; b++)
            {
                ReadOnlySpan<byte> plane = copy.AsSpan(b * count, count);
                for (int i = 0; i < count; i++)
                {
                    shuffled[i * size + b] = plane[i];
                }
            }
            return shuffled;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }
}
