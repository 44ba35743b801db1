using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace GpuExtract.Fits;

/// <summary>
/// Writes HDUs one after another to a stream (optionally gzip-compressed). The first HDU written is
/// the primary HDU; a table written first gets an empty primary HDU before it. Mandatory keywords
/// come first, then the caller's cards (structural keywords among them are replaced), then DATASUM
/// and CHECKSUM, which every HDU gets.
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
        var cards = new List<FitsCard>();
        bool primary = _hduCount == 0;
        cards.Add(primary
            ? new FitsCard("SIMPLE", true, "conforms to FITS standard")
            : new FitsCard("XTENSION", "IMAGE", "image extension"));
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
                ulong sum = 0;
                for (int start = 0; start < bytes.Length; start += ChunkBytes)
                {
                    sum = FitsChecksum.Accumulate(sum, Encode(bytes, start, storage, buffer));
                }
                WriteHeader(cards, sum);
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
        byte[] rows = table.BuildRows();
        var cards = new List<FitsCard>
        {
            new("XTENSION", "BINTABLE", "binary table extension"),
            new("BITPIX", 8L, "array data type"),
            new("NAXIS", 2L, "number of array dimensions"),
            new("NAXIS1", (long)table.RowLength, "length of dimension 1"),
            new("NAXIS2", (long)table.RowCount, "length of dimension 2"),
            new("PCOUNT", 0L, "number of group parameters"),
            new("GCOUNT", 1L, "number of groups"),
            new("TFIELDS", (long)table.Columns.Count, "number of table fields"),
        };
        for (int i = 0; i < table.Columns.Count; i++)
        {
            FitsTableBuilder.PendingColumn column = table.Columns[i];
            int n = i + 1;
            cards.Add(new FitsCard($"TTYPE{n}", column.Name, null));
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
        AppendUserCards(cards, header, isImage: false, keepBlank: false);
        ulong dataSum = FitsChecksum.Accumulate(0, rows);
        WriteHeader(cards, dataSum);
        _output.Write(rows);
        WritePadding(rows.Length);
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

    /// <summary>Writes the header: <paramref name="given"/> cards, LONGSTRN when needed, DATASUM and CHECKSUM. Its length does not depend on the sum.</summary>
    private void WriteHeader(List<FitsCard> given, ulong dataSum)
    {
        var cards = new List<FitsCard>(given);
        uint data = FitsChecksum.Fold(dataSum);
        // The OGIP long-string convention asks for LONGSTRN before its first use (fitsverify warns otherwise).
        int firstLong = cards.FindIndex(CardFormatter.NeedsContinue);
        if (firstLong >= 0 && !cards.Exists(c => c.Key == "LONGSTRN"))
        {
            cards.Insert(firstLong, new FitsCard("LONGSTRN", "OGIP 1.0", "The OGIP long string convention may be used"));
        }
        cards.Add(new FitsCard("DATASUM", data.ToString(System.Globalization.CultureInfo.InvariantCulture), "data unit checksum"));
        cards.Add(new FitsCard("CHECKSUM", FitsChecksum.Placeholder, "HDU checksum"));
        var images = new List<string>(cards.Count + 4);
        foreach (FitsCard card in cards)
        {
            CardFormatter.AppendCards(card, images);
        }
        byte[] header = CardFormatter.ToBytes(images);
        // CHECKSUM is the last card; its 16 characters start in column 12.
        int checksumOffset = (images.Count - 1) * FitsLayout.CardLength + 11;
        uint headerSum = FitsChecksum.Fold(FitsChecksum.Accumulate(0, header));
        string checksum = FitsChecksum.Encode(FitsChecksum.Fold(FitsChecksum.Add(headerSum, data)));
        System.Text.Encoding.ASCII.GetBytes(checksum, header.AsSpan(checksumOffset, 16));
        _output.Write(header);
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
