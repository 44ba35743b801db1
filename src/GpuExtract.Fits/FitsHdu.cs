using System.Buffers;
using System.Runtime.InteropServices;
using GpuExtract.Fits.Compression;

namespace GpuExtract.Fits;

/// <summary>
/// One header-data unit. The header is parsed when the file is opened; the data are read only when
/// asked for (<see cref="ReadImage{T}"/>, <see cref="ReadTable"/>), straight from the file at this
/// HDU's offset, so reading one HDU never reads another's data.
/// </summary>
public sealed class FitsHdu
{
    private readonly ByteSource _source;
    private readonly long _headerOffset;
    private readonly long _headerLength;
    private FitsTable? _table;

    private FitsHdu(ByteSource source, string fileName, int index, FitsHeader header, long headerOffset, long headerLength)
    {
        _source = source;
        FileName = fileName;
        Index = index;
        Header = header;
        _headerOffset = headerOffset;
        _headerLength = headerLength;
        DataOffset = headerOffset + headerLength;
        Name = header.Find("EXTNAME")?.Value is string name ? name.Trim() : null;
        header.HduName = Name;
        Extver = header.Find("EXTVER")?.Value is long extver ? extver : 1;
    }

    /// <summary>Zero-based position in the file (0 = primary).</summary>
    public int Index { get; }

    /// <summary>EXTNAME (also read for the primary HDU), or null.</summary>
    public string? Name { get; }

    /// <summary>EXTVER, 1 when absent.</summary>
    public long Extver { get; }

    public HduKind Kind { get; private set; }

    /// <summary>The header as stored; for compressed images the binary-table header.</summary>
    public FitsHeader Header { get; }

    /// <summary>Image shape in numpy order [NAXISn … NAXIS1] (ZNAXISn for compressed images; [NAXIS2, NAXIS1] for tables); [] when NAXIS = 0.</summary>
    public int[] Shape { get; private set; } = [];

    /// <summary>BITPIX (ZBITPIX for compressed images).</summary>
    public int Bitpix { get; private set; }

    /// <summary>File (or stream display name) this HDU came from.</summary>
    public string FileName { get; }

    /// <summary>Byte offset of the data unit in the (decompressed) file.</summary>
    internal long DataOffset { get; }

    /// <summary>Declared data length [bytes], without the padding to 2880.</summary>
    internal long DataLength { get; private set; }

    internal ByteSource Source => _source;

    /// <summary>Reads and validates the header at <paramref name="offset"/>: mandatory keywords, data size within the file.</summary>
    internal static FitsHdu Read(ByteSource source, string fileName, int index, long offset)
    {
        HeaderReader.HeaderUnit unit = HeaderReader.Read(source, offset, fileName, index);
        var hdu = new FitsHdu(source, fileName, index, unit.Header, unit.Offset, unit.Length);
        hdu.ReadStructure();
        return hdu;
    }

    /// <summary>
    /// The image as a flat row-major array (NAXIS1 fastest) of physical values: BSCALE/BZERO applied,
    /// the unsigned conventions recognised, tile-compressed images decompressed.
    /// T: float, double, byte, sbyte, short, ushort, int, uint, long, ulong.
    /// </summary>
    public T[] ReadImage<T>() where T : unmanaged
    {
        _ = StorageType.Of<T>();
        return Kind switch
        {
            HduKind.Image => ReadPlainImage<T>(),
            HduKind.CompressedImage => TiledImageReader.Read<T>(this, ReadTable()),
            _ => throw Error($"is a {Kind}, not an image"),
        };
    }

    /// <summary>The binary table (for compressed images: the table of compressed tiles).</summary>
    public FitsTable ReadTable()
    {
        if (Kind is not (HduKind.BinaryTable or HduKind.CompressedImage))
        {
            throw Error($"is a {Kind}, not a binary table");
        }
        return _table ??= FitsTable.Read(this);
    }

    /// <summary>True when the header carries CHECKSUM or DATASUM.</summary>
    public bool HasChecksum => Header.Contains("CHECKSUM") || Header.Contains("DATASUM");

    /// <summary>
    /// Checks DATASUM against the data unit and CHECKSUM against the whole HDU (when present; an HDU
    /// without either has nothing to verify). Throws <see cref="FitsFormatException"/> on a mismatch.
    /// </summary>
    public void VerifyChecksum()
    {
        ulong dataSum = SumOfUnit(DataOffset, DataLength);
        uint data = FitsChecksum.Fold(dataSum);
        if (Header.Find("DATASUM")?.Value is object declared)
        {
            string text = (declared as string ?? Convert.ToString(declared, System.Globalization.CultureInfo.InvariantCulture) ?? "").Trim();
            if (!ulong.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong expected) || expected != data)
            {
                throw Error($"DATASUM mismatch: header says '{text}', data sum to {data}");
            }
        }
        if (Header.Contains("CHECKSUM"))
        {
            uint total = FitsChecksum.Fold(FitsChecksum.Add(SumOfUnit(_headerOffset, _headerLength), data));
            if (total != 0xFFFFFFFF)
            {
                throw Error($"CHECKSUM mismatch: the HDU sums to {total:X8}, not FFFFFFFF (header or data changed)");
            }
        }
    }

    /// <summary>Reads <paramref name="destination"/>.Length bytes of the data unit from <paramref name="offset"/> within it.</summary>
    internal void ReadData(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset + destination.Length > DataLength || !_source.TryReadExactly(DataOffset + offset, destination))
        {
            throw Error($"data unit ends before byte {offset + destination.Length} (declared {DataLength} bytes)");
        }
    }

    /// <summary>A <see cref="FitsFormatException"/> naming this file and HDU.</summary>
    internal FitsFormatException Error(string detail, long? byteOffset = null, Exception? inner = null) =>
        new(detail, FileName, Index, Name, byteOffset, inner);

    private ulong SumOfUnit(long offset, long length)
    {
        long padded = FitsLayout.Padded(length);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            ulong sum = 0;
            for (long done = 0; done < padded; done += buffer.Length)
            {
                int count = (int)Math.Min(buffer.Length, padded - done);
                Span<byte> chunk = buffer.AsSpan(0, count);
                // The last block's padding may be missing at the end of a file; it counts as zeros.
                int read = 0;
                while (read < count)
                {
                    int n = _source.ReadAt(offset + done + read, chunk[read..]);
                    if (n <= 0)
                    {
                        break;
                    }
                    read += n;
                }
                if (read < count)
                {
                    if (done + read < length)
                    {
                        throw Error("file ends inside the unit being checksummed", offset + done + read);
                    }
                    chunk[read..].Clear();
                }
                sum = FitsChecksum.Add(sum, FitsChecksum.Accumulate(0, chunk));
            }
            return sum;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private T[] ReadPlainImage<T>() where T : unmanaged
    {
        if (Header.GetBoolOrNull("GROUPS") == true && Index == 0)
        {
            throw Error("random-groups primary arrays are not supported");
        }
        long count = ElementCount(Shape);
        if (count == 0)
        {
            return [];
        }
        RequireOneArray<T>(count);
        LinearScaling scaling = ImageScaling(Header, Bitpix, "BSCALE", "BZERO", "BLANK");
        T[] result = GC.AllocateUninitializedArray<T>((int)count);
        if (PixelDecoder.CanDecodeInPlace<T>(Bitpix, scaling))
        {
            // Fast path: reads straight into the result, each piece byte-swapped in place while it
            // is still in cache (one pass over memory instead of two).
            const int piece = 1 << 19;
            Span<byte> all = MemoryMarshal.AsBytes(result.AsSpan());
            for (int start = 0; start < all.Length; start += piece)
            {
                Span<byte> chunk = all.Slice(start, Math.Min(piece, all.Length - start));
                ReadData(start, chunk);
                PixelDecoder.DecodeInPlace(MemoryMarshal.Cast<byte, T>(chunk));
            }
            return result;
        }
        int size = FitsLayout.BytesPerValue(Bitpix);
        const int chunkValues = 1 << 18;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(chunkValues * size);
        try
        {
            for (long start = 0; start < count; start += chunkValues)
            {
                int n = (int)Math.Min(chunkValues, count - start);
                Span<byte> stored = buffer.AsSpan(0, n * size);
                ReadData(start * size, stored);
                PixelDecoder.Decode(stored, Bitpix, scaling, result.AsSpan((int)start, n), detail => Error(detail));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return result;
    }

    /// <summary>
    /// Refuses an image whose values do not fit one .NET array in bytes (2³¹ − 1): spans of its bytes
    /// could not be formed, and such an image is far beyond any CCD frame. Checked before allocating.
    /// </summary>
    internal void RequireOneArray<T>(long count) where T : unmanaged
    {
        long size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if (count > Array.MaxLength / size)
        {
            throw Error($"image of {count} values ({count * size} bytes as {typeof(T).Name}) is too large to read into one array (limit {Array.MaxLength} bytes)");
        }
    }

    /// <summary>Product of a shape's axes (1 for []... but 0 values for NAXIS = 0).</summary>
    internal static long ElementCount(int[] shape)
    {
        if (shape.Length == 0)
        {
            return 0;
        }
        long count = 1;
        foreach (int n in shape)
        {
            count *= n;
            if (count > long.MaxValue / int.MaxValue)
            {
                return long.MaxValue;
            }
        }
        return count;
    }

    /// <summary>
    /// Data size a header declares [bytes]: |BITPIX|/8 · GCOUNT · (PCOUNT + ΠNAXISn) (FITS 4.0 §4.4.1,
    /// NAXIS1 left out of the product for random groups), saturating at <see cref="long.MaxValue"/>;
    /// null when a mandatory keyword is missing or invalid.
    /// </summary>
    internal static long? DeclaredDataLength(FitsHeader header, bool primary)
    {
        int valueSize = header.GetIntOrNull("BITPIX") is long bitpix ? FitsLayout.BytesPerValue(bitpix) : 0;
        long naxis = header.GetIntOrNull("NAXIS") ?? -1;
        if (valueSize == 0 || naxis is < 0 or > 999)
        {
            return null;
        }
        bool groups = primary && header.GetBoolOrNull("GROUPS") == true && naxis > 0 && header.GetIntOrNull("NAXIS1") == 0;
        long pcount = primary && !groups ? 0 : header.GetIntOrNull("PCOUNT") ?? 0;
        long gcount = primary && !groups ? 1 : header.GetIntOrNull("GCOUNT") ?? 1;
        Int128 product = naxis == 0 ? 0 : 1;
        for (int i = groups ? 2 : 1; i <= naxis; i++)
        {
            if (header.GetIntOrNull($"NAXIS{i}") is not long axis || axis < 0)
            {
                return null;
            }
            product = Int128.Min(product * axis, long.MaxValue);
        }
        if (pcount < 0 || gcount < 0)
        {
            return null;
        }
        Int128 bytes = valueSize * (Int128)gcount * (pcount + product);
        return bytes > long.MaxValue ? long.MaxValue : (long)bytes;
    }

    /// <summary>Scale, zero and blank of an image (or decompressed image) header.</summary>
    internal static LinearScaling ImageScaling(FitsHeader header, int bitpix, string scaleKey, string zeroKey, string blankKey)
    {
        double scale = header.GetDoubleOrNull(scaleKey) ?? 1.0;
        double zero = header.GetDoubleOrNull(zeroKey) ?? 0.0;
        long? blank = bitpix > 0 ? header.GetIntOrNull(blankKey) : null;
        return new LinearScaling(scale, zero, blank);
    }

    private void ReadStructure()
    {
        bool primary = Index == 0;
        long bitpix = Header.GetInt("BITPIX");
        int valueSize = FitsLayout.BytesPerValue(bitpix);
        if (valueSize == 0)
        {
            throw Error($"unsupported BITPIX {bitpix} (allowed: 8, 16, 32, 64, -32, -64)");
        }
        Bitpix = (int)bitpix;
        long naxis = Header.GetInt("NAXIS");
        if (naxis is < 0 or > 999)
        {
            throw Error($"NAXIS = {naxis} is outside 0…999");
        }
        var axes = new long[naxis];
        for (int i = 0; i < naxis; i++)
        {
            axes[i] = Header.GetInt($"NAXIS{i + 1}");
            if (axes[i] < 0)
            {
                throw Error($"NAXIS{i + 1} = {axes[i]} is negative");
            }
        }
        long pcount = 0;
        long gcount = 1;
        string xtension = "";
        if (primary)
        {
            if (Header.GetBoolOrNull("SIMPLE") != true)
            {
                throw Error("SIMPLE is not T: the file does not conform to the FITS standard");
            }
            if (Header.GetBoolOrNull("GROUPS") == true && naxis > 0 && axes[0] == 0)
            {
                pcount = Header.GetIntOrNull("PCOUNT") ?? 0;
                gcount = Header.GetIntOrNull("GCOUNT") ?? 1;
            }
        }
        else
        {
            xtension = (Header.GetString("XTENSION")).Trim().ToUpperInvariant();
            pcount = Header.GetInt("PCOUNT");
            gcount = Header.GetInt("GCOUNT");
        }
        if (pcount < 0 || gcount < 0)
        {
            throw Error($"PCOUNT = {pcount}, GCOUNT = {gcount}: must not be negative");
        }
        bool groups = primary && naxis > 0 && axes[0] == 0 && Header.GetBoolOrNull("GROUPS") == true;
        long remaining = _source.Length - DataOffset;
        // Data size |BITPIX|/8 · GCOUNT · (PCOUNT + ΠNAXISn) (§4.4.1), guarded against overflow by the file size.
        Int128 product = naxis == 0 ? 0 : 1;
        for (int i = groups ? 1 : 0; i < naxis; i++)
        {
            product *= axes[i];
            if (product > remaining)
            {
                product = Int128.Min(product, (Int128)remaining + 1);
            }
        }
        Int128 bytes = valueSize * (Int128)gcount * (pcount + product);
        if (bytes > remaining)
        {
            throw Error($"data unit declares {bytes} bytes but the file has only {Math.Max(0, remaining)} left (truncated file or bad NAXISn)", DataOffset);
        }
        DataLength = (long)bytes;
        Kind = primary ? HduKind.Image : xtension switch
        {
            "IMAGE" or "IUEIMAGE" => HduKind.Image,
            "BINTABLE" or "A3DTABLE" => Header.GetBoolOrNull("ZIMAGE") == true ? HduKind.CompressedImage : HduKind.BinaryTable,
            "TABLE" => HduKind.AsciiTable,
            _ => HduKind.Other,
        };
        if (Kind is HduKind.BinaryTable or HduKind.CompressedImage)
        {
            if (bitpix != 8 || naxis != 2 || gcount != 1)
            {
                throw Error($"binary table must have BITPIX = 8, NAXIS = 2, GCOUNT = 1 (found {bitpix}, {naxis}, {gcount})");
            }
        }
        if (Kind == HduKind.CompressedImage)
        {
            ReadCompressedStructure();
            return;
        }
        if (Kind == HduKind.Image && gcount != 1)
        {
            throw Error($"image extension must have GCOUNT = 1 (found {gcount})");
        }
        Shape = ToShape(axes, "NAXIS");
    }

    private void ReadCompressedStructure()
    {
        long zbitpix = Header.GetInt("ZBITPIX");
        if (FitsLayout.BytesPerValue(zbitpix) == 0)
        {
            throw Error($"unsupported ZBITPIX {zbitpix}");
        }
        Bitpix = (int)zbitpix;
        long znaxis = Header.GetInt("ZNAXIS");
        if (znaxis is < 0 or > 999)
        {
            throw Error($"ZNAXIS = {znaxis} is outside 0…999");
        }
        var axes = new long[znaxis];
        for (int i = 0; i < znaxis; i++)
        {
            axes[i] = Header.GetInt($"ZNAXIS{i + 1}");
            if (axes[i] < 0)
            {
                throw Error($"ZNAXIS{i + 1} = {axes[i]} is negative");
            }
        }
        Shape = ToShape(axes, "ZNAXIS");
    }

    private int[] ToShape(long[] axes, string keyword)
    {
        var shape = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            if (axes[i] > int.MaxValue)
            {
                throw Error($"{keyword}{i + 1} = {axes[i]} is too large");
            }
            shape[axes.Length - 1 - i] = (int)axes[i];
        }
        return shape;
    }
}
