using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using GpuExtract.Fits.Compression;

namespace GpuExtract.Fits;

/// <summary>
/// Writes HDUs one after another to a stream (optionally gzip-compressed). The first HDU written is
/// the primary HDU; a table or tile-compressed image written first gets an empty primary HDU before
/// it. Mandatory keywords come first, then the caller's cards (structural keywords among them are
/// replaced), then DATASUM and CHECKSUM, which every HDU gets.
/// </summary>
public sealed partial class FitsWriter : IDisposable
{
    /// <summary>Encoding piece [bytes]: small enough to stay in L2 cache between swap, sum and write.</summary>
    private const int ChunkBytes = 1 << 19;
    private readonly Stream _underlying;
    private readonly Stream _output;
    private int _hduCount;
    private bool _disposed;

    /// <summary>Writes to <paramref name="stream"/>, which stays open after <see cref="Dispose"/>; gzip-compresses when asked.</summary>
    public FitsWriter(Stream stream, bool gzip = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _underlying = stream;
        _output = gzip ? new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true) : stream;
    }

    /// <summary>Number of HDUs written so far.</summary>
    public int HduCount => _hduCount;

    /// <summary>
    /// Writes a whole file atomically (temporary file + rename, see <see cref="AtomicFile"/>),
    /// gzip-compressed when <paramref name="path"/> ends in ".gz".
    /// </summary>
    public static void WriteFile(string path, Action<FitsWriter> write)
    {
        bool gzip = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new FitsWriter(stream, gzip);
            write(writer);
        });
    }

    /// <summary>
    /// Writes an image HDU. <paramref name="shape"/> is in numpy order (last axis = NAXIS1, fastest);
    /// ushort/uint/ulong/sbyte are stored as the signed type with the BZERO convention.
    /// </summary>
    public void WriteImage<T>(FitsHeader header, ReadOnlySpan<T> data, ReadOnlySpan<int> shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(header);
        StorageType storage = StorageType.Of<T>();
        long count = shape.Length == 0 ? 0 : 1;
        foreach (int n in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(n, nameof(shape));
            count *= n;
        }
        if (count != data.Length)
        {
            throw new ArgumentException($"image shape holds {count} values but {data.Length} were given", nameof(data));
        }
        List<FitsCard> cards = ImageCards(header, storage, shape, primary: _hduCount == 0);

        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(data);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            if (_output.CanSeek)
            {
                // One pass: a placeholder header, the data (encoded and summed piece by piece while in
                // cache), then the final header written over the placeholder (same length).
                long headerStart = _output.Position;
                WriteHeader(cards, 0);
                ulong sum = 0;
                for (int start = 0; start < bytes.Length; start += ChunkBytes)
                {
                    Span<byte> chunk = Encode(bytes, start, storage, buffer);
                    sum = FitsChecksum.Accumulate(sum, chunk);
                    _output.Write(chunk);
                }
                WritePadding(bytes.Length);
                long end = _output.Position;
                _output.Position = headerStart;
                WriteHeader(cards, sum);
                _output.Position = end;
            }
            else
            {
                // Pass 1: the data sum, which the header must carry before the data are written.
                WriteHeader(cards, DataSum(bytes, storage));
                // Pass 2: encode again and write (cheaper than holding a big-endian copy of the image).
                for (int start = 0; start < bytes.Length; start += ChunkBytes)
                {
                    _output.Write(Encode(bytes, start, storage, buffer));
                }
                WritePadding(bytes.Length);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        _hduCount++;
    }

    /// <summary>Writes a data-less primary HDU (NAXIS = 0) with the caller's cards.</summary>
    public void WriteEmptyPrimary(FitsHeader? header = null)
    {
        if (_hduCount != 0)
        {
            throw new InvalidOperationException("the primary HDU has already been written");
        }
        WriteImage<float>(header ?? new FitsHeader(), ReadOnlySpan<float>.Empty, ReadOnlySpan<int>.Empty);
    }

    /// <summary>Writes a binary-table extension (after an empty primary HDU when it is the first HDU).</summary>
    public void WriteTable(FitsHeader header, FitsTableBuilder table)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(table);
        if (_hduCount == 0)
        {
            WriteEmptyPrimary();
        }
        WriteBinaryTable(header, table, [], keepBlank: false);
    }

    /// <summary>
    /// Writes an integer image (byte, short or int) as a tile-compressed image (FITS Standard 4.0 §10):
    /// a binary-table extension with ZIMAGE = T whose rows hold the compressed tiles in a 1PB
    /// COMPRESSED_DATA column. <paramref name="shape"/> is in numpy order; the caller's cards go to the
    /// table header (EXTNAME, BUNIT, …). ZHECKSUM/ZDATASUM are the CHECKSUM/DATASUM that
    /// <see cref="WriteImage{T}"/> would give the uncompressed image with the same cards;
    /// CHECKSUM/DATASUM cover the table. A first HDU gets an empty primary HDU before it.
    /// </summary>
    public void WriteCompressedImage<T>(FitsHeader header, ReadOnlySpan<T> data, ReadOnlySpan<int> shape, TileCompression compression)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(compression);
        if (typeof(T) != typeof(byte) && typeof(T) != typeof(short) && typeof(T) != typeof(int))
        {
            throw new NotSupportedException($"tile compression is written for byte, short and int images, not {typeof(T).Name}");
        }
        if (compression.BlockSize is < 1 or > 1 << 16)
        {
            throw new ArgumentOutOfRangeException(nameof(compression), compression.BlockSize, "RICE_1 BLOCKSIZE must be 1…65536");
        }
        StorageType storage = StorageType.Of<T>();
        long count = shape.Length == 0 ? 0 : 1;
        foreach (int n in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n, nameof(shape));
            count *= n;
        }
        if (count == 0 || count != data.Length)
        {
            throw new ArgumentException($"compressed image shape ({string.Join(", ", shape.ToArray())}) holds {count} values but {data.Length} were given; it needs at least one axis and one pixel", nameof(data));
        }
        var tiles = TileGeometry.ForImage(shape, compression.TileShape);
        FitsTableBuilder.VariableCells cells = storage.Bitpix switch
        {
            8 => TiledImageWriter.Compress(MemoryMarshal.Cast<T, byte>(data), tiles, compression),
            16 => TiledImageWriter.Compress(MemoryMarshal.Cast<T, short>(data), tiles, compression),
            _ => TiledImageWriter.Compress(MemoryMarshal.Cast<T, int>(data), tiles, compression),
        };
        if (_hduCount == 0)
        {
            WriteEmptyPrimary();
        }

        // The uncompressed image HDU's sums, as WriteImage would write it here (an extension).
        HeaderBytes(ImageCards(header, storage, shape, primary: false), DataSum(MemoryMarshal.AsBytes(data), storage), out string imageChecksum, out string imageDatasum);
        var trailer = new List<FitsCard>
        {
            // Same comments as the image's own CHECKSUM/DATASUM, so a reader that moves them back
            // (astropy, cfitsio) rebuilds the very cards the sum was taken over.
            new("ZHECKSUM", imageChecksum, ChecksumComment),
            new("ZDATASUM", imageDatasum, DatasumComment),
        };
        var table = new FitsTableBuilder(cells.Counts.Length).AddVariableBytes("COMPRESSED_DATA", cells);
        WriteBinaryTable(header, table, CompressionCards(storage, shape, tiles, compression), keepBlank: true, trailer);
    }

    /// <summary>The tiled-image keywords (FITS Standard 4.0 §10.1): ZIMAGE, ZBITPIX, ZNAXISn, ZTILEn, ZCMPTYPE and RICE_1's ZNAMEn/ZVALn.</summary>
    private static List<FitsCard> CompressionCards(StorageType storage, ReadOnlySpan<int> shape, TileGeometry tiles, TileCompression compression)
    {
        var cards = new List<FitsCard>
        {
            new("ZIMAGE", true, "extension contains compressed image"),
            new("ZBITPIX", (long)storage.Bitpix, "data type of original image"),
            new("ZNAXIS", (long)shape.Length, "dimension of original image"),
        };
        for (int k = 0; k < shape.Length; k++)
        {
            cards.Add(new FitsCard($"ZNAXIS{k + 1}", (long)shape[shape.Length - 1 - k], "length of original image axis"));
        }
        for (int k = 0; k < shape.Length; k++)
        {
            cards.Add(new FitsCard($"ZTILE{k + 1}", tiles.TileAxis(k), "size of tiles to be compressed"));
        }
        cards.Add(new FitsCard("ZCMPTYPE", compression.Name, "compression algorithm"));
        if (compression.Method == TileCompressionMethod.Rice1)
        {
            cards.Add(new FitsCard("ZNAME1", "BLOCKSIZE", "compression block size"));
            cards.Add(new FitsCard("ZVAL1", (long)compression.BlockSize, "pixels per block"));
            cards.Add(new FitsCard("ZNAME2", "BYTEPIX", "bytes per pixel (1, 2, 4, or 8)"));
            cards.Add(new FitsCard("ZVAL2", (long)storage.Size, "bytes per pixel (1, 2, 4, or 8)"));
        }
        return cards;
    }

    /// <summary>Checksum accumulator of an image's data unit: its values big-endian in <paramref name="storage"/>.</summary>
    private static ulong DataSum(ReadOnlySpan<byte> bytes, StorageType storage)
    {
        ulong sum = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (int start = 0; start < bytes.Length; start += ChunkBytes)
            {
                sum = FitsChecksum.Accumulate(sum, Encode(bytes, start, storage, buffer));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return sum;
    }

    /// <summary>
    /// Writes a binary-table extension: structural and column cards, then <paramref name="extraCards"/>,
    /// the caller's cards, <paramref name="trailer"/>, DATASUM and CHECKSUM; then rows and heap.
    /// </summary>
    private void WriteBinaryTable(FitsHeader header, FitsTableBuilder table, List<FitsCard> extraCards, bool keepBlank, List<FitsCard>? trailer = null)
    {
        byte[] data = table.BuildDataUnit();
        var cards = new List<FitsCard>
        {
            new("XTENSION", "BINTABLE", "binary table extension"),
            new("BITPIX", 8L, "array data type"),
            new("NAXIS", 2L, "number of array dimensions"),
            new("NAXIS1", (long)table.RowLength, "length of dimension 1"),
            new("NAXIS2", (long)table.RowCount, "length of dimension 2"),
            new("PCOUNT", table.HeapLength, "number of group parameters"),
            new("GCOUNT", 1L, "number of groups"),
            new("TFIELDS", (long)table.Columns.Count, "number of table fields"),
        };
        for (int i = 0; i < table.Columns.Count; i++)
        {
            FitsTableBuilder.PendingColumn column = table.Columns[i];
            int n = i + 1;
            cards.Add(new FitsCard($"TTYPE{n}", column.Name, table.DescriptionOf(column.Name)));
            cards.Add(new FitsCard($"TFORM{n}", column.Tform, null));
            if (!string.IsNullOrEmpty(column.Unit))
            {
                cards.Add(new FitsCard($"TUNIT{n}", column.Unit, null));
            }
            if (column.Tdim is not null)
            {
                cards.Add(new FitsCard($"TDIM{n}", column.Tdim, null));
            }
            if (column.Zero is double zero)
            {
                cards.Add(new FitsCard($"TZERO{n}", ZeroValue(zero), "offset of the unsigned-integer convention"));
            }
        }
        cards.AddRange(extraCards);
        AppendUserCards(cards, header, isImage: false, keepBlank);
        if (trailer is not null)
        {
            cards.AddRange(trailer);
        }
        ulong dataSum = FitsChecksum.Accumulate(0, data);
        WriteHeader(cards, dataSum);
        _output.Write(data);
        WritePadding(data.Length);
        _hduCount++;
    }

    /// <summary>Flushes; finishes the gzip stream. The underlying stream stays open.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!ReferenceEquals(_output, _underlying))
        {
            _output.Dispose();
        }
        _underlying.Flush();
    }

    /// <summary>
    /// BZERO/TZERO of the unsigned conventions as an exact integer card: 2^63 does not fit a long,
    /// so it is kept as a double that <see cref="CardFormatter"/> writes in integer form.
    /// </summary>
    private static object ZeroValue(double zero) => Math.Abs(zero) < 9.2233720368547758E18 ? (object)(long)zero : zero;

    private static Span<byte> Encode(ReadOnlySpan<byte> values, int start, StorageType storage, byte[] buffer)
    {
        int length = Math.Min(ChunkBytes, values.Length - start);
        Span<byte> chunk = buffer.AsSpan(0, length);
        PixelDecoder.EncodeBigEndian(values.Slice(start, length), chunk, storage.Size, storage.Zero != 0);
        return chunk;
    }

    /// <summary>
    /// Mandatory cards of an image HDU (primary or extension; the unsigned conventions' BSCALE/BZERO)
    /// followed by the caller's cards.
    /// </summary>
    private static List<FitsCard> ImageCards(FitsHeader header, StorageType storage, ReadOnlySpan<int> shape, bool primary)
    {
        var cards = new List<FitsCard>();
        cards.Add(primary
            ? new FitsCard("SIMPLE", true, "conforms to FITS standard")
            : new FitsCard("XTENSION", "IMAGE", "Image extension"));
        cards.Add(new FitsCard("BITPIX", (long)storage.Bitpix, "array data type"));
        cards.Add(new FitsCard("NAXIS", (long)shape.Length, "number of array dimensions"));
        for (int i = 0; i < shape.Length; i++)
        {
            cards.Add(new FitsCard($"NAXIS{i + 1}", (long)shape[shape.Length - 1 - i], null));
        }
        if (primary)
        {
            cards.Add(new FitsCard("EXTEND", true, null));
        }
        else
        {
            cards.Add(new FitsCard("PCOUNT", 0L, "number of parameters"));
            cards.Add(new FitsCard("GCOUNT", 1L, "number of groups"));
        }
        if (storage.Zero != 0)
        {
            cards.Add(new FitsCard("BSCALE", 1L, null));
            cards.Add(new FitsCard("BZERO", ZeroValue(storage.Zero), "offset of the unsigned-integer convention"));
        }
        AppendUserCards(cards, header, isImage: true, keepBlank: storage.Bitpix > 0 && storage.Zero == 0);
        return cards;
    }

    private const string ChecksumComment = "HDU checksum";
    private const string DatasumComment = "data unit checksum";

    /// <summary>Writes the header: <paramref name="given"/> cards, LONGSTRN when needed, DATASUM and CHECKSUM. Its length does not depend on the sum.</summary>
    private void WriteHeader(List<FitsCard> given, ulong dataSum) => _output.Write(HeaderBytes(given, dataSum, out _, out _));

    /// <summary>
    /// The header bytes of <paramref name="given"/> cards, LONGSTRN when needed, DATASUM and CHECKSUM
    /// (the HDU's data summing to <paramref name="dataSum"/>), with those two values.
    /// </summary>
    private static byte[] HeaderBytes(List<FitsCard> given, ulong dataSum, out string checksum, out string datasum)
    {
        var cards = new List<FitsCard>(given);
        uint data = FitsChecksum.Fold(dataSum);
        // The OGIP long-string convention asks for LONGSTRN before its first use (fitsverify warns otherwise).
        int firstLong = cards.FindIndex(CardFormatter.NeedsContinue);
        if (firstLong >= 0 && !cards.Exists(c => c.Key == "LONGSTRN"))
        {
            cards.Insert(firstLong, new FitsCard("LONGSTRN", "OGIP 1.0", "The OGIP long string convention may be used"));
        }
        datasum = data.ToString(System.Globalization.CultureInfo.InvariantCulture);
        cards.Add(new FitsCard("DATASUM", datasum, DatasumComment));
        cards.Add(new FitsCard("CHECKSUM", FitsChecksum.Placeholder, ChecksumComment));
        var images = new List<string>(cards.Count + 4);
        foreach (FitsCard card in cards)
        {
            CardFormatter.AppendCards(card, images);
        }
        byte[] header = CardFormatter.ToBytes(images);
        // CHECKSUM is the last card; its 16 characters start in column 12.
        int checksumOffset = (images.Count - 1) * FitsLayout.CardLength + 11;
        uint headerSum = FitsChecksum.Fold(FitsChecksum.Accumulate(0, header));
        checksum = FitsChecksum.Encode(FitsChecksum.Fold(FitsChecksum.Add(headerSum, data)));
        System.Text.Encoding.ASCII.GetBytes(checksum, header.AsSpan(checksumOffset, 16));
        return header;
    }

    private void WritePadding(long length)
    {
        int padding = (int)(FitsLayout.Padded(length) - length);
        if (padding > 0)
        {
            Span<byte> zeros = stackalloc byte[padding];
            zeros.Clear();
            _output.Write(zeros);
        }
    }

    /// <summary>The caller's cards minus those the writer owns (structure, scaling, checksums, table and tile-compression keywords).</summary>
    private static void AppendUserCards(List<FitsCard> cards, FitsHeader header, bool isImage, bool keepBlank)
    {
        foreach (FitsCard card in header)
        {
            string key = card.Key;
            if (ReservedKey().IsMatch(key) || (!keepBlank && key == "BLANK") || (isImage && TableKey().IsMatch(key)) || key == "CONTINUE")
            {
                continue;
            }
            cards.Add(card);
        }
    }

    [GeneratedRegex(@"^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|EXTEND|PCOUNT|GCOUNT|GROUPS|END|CHECKSUM|DATASUM|BSCALE|BZERO|TFIELDS|THEAP|(TTYPE|TFORM|TUNIT|TDIM|TSCAL|TZERO|TNULL|TDISP|TBCOL)\d+|Z(IMAGE|SIMPLE|TENSION|BITPIX|NAXIS\d*|TILE\d+|CMPTYPE|NAME\d+|VAL\d+|QUANTIZ|DITHER0|EXTEND|PCOUNT|GCOUNT|HECKSUM|DATASUM|BLANK|SCALE|ZERO|MASKCMP))$")]
    private static partial Regex ReservedKey();

    [GeneratedRegex(@"^(TFIELDS|THEAP|(TTYPE|TFORM|TUNIT|TDIM|TSCAL|TZERO|TNULL|TDISP|TBCOL)\d+)$")]
    private static partial Regex TableKey();
}
