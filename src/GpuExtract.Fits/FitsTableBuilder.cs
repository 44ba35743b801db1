using System.Runtime.InteropServices;

namespace GpuExtract.Fits;

/// <summary>
/// Columns for a binary table to be written by <see cref="FitsWriter.WriteTable"/>. Numeric columns
/// hold RowCount · repeat values row by row (repeat = product of the cell shape); bool → L,
/// byte → B, sbyte → B with TZERO −128, short → I, ushort → I with TZERO 32768, int → J,
/// uint → J with TZERO 2147483648, long → K, ulong → K with TZERO 9223372036854775808, float → E,
/// double → D; strings → A of a fixed width.
/// </summary>
public sealed class FitsTableBuilder
{
    private readonly List<PendingColumn> _columns = [];

    public FitsTableBuilder(int rowCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        RowCount = rowCount;
    }

    public int RowCount { get; }

    /// <summary>
    /// Adds a numeric or logical column. <paramref name="cellShape"/> (numpy order) gives the repeat
    /// count and, with more than one axis, TDIMn; when null the repeat is values.Length / RowCount.
    /// </summary>
    public FitsTableBuilder AddColumn<T>(string name, T[] values, int[]? cellShape = null, string? unit = null) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        int repeat;
        if (cellShape is not null)
        {
            long product = 1;
            foreach (int n in cellShape)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(n, nameof(cellShape));
                product *= n;
            }
            repeat = (int)product;
        }
        else
        {
            repeat = RowCount == 0 ? 1 : values.Length / RowCount;
        }
        if ((long)repeat * RowCount != values.Length)
        {
            throw new ArgumentException($"column {name}: {values.Length} values do not fill {RowCount} rows of {repeat}", nameof(values));
        }
        string? tdim = cellShape is { Length: > 1 } ? "(" + string.Join(",", cellShape.Reverse()) + ")" : null;
        if (typeof(T) == typeof(bool))
        {
            bool[] flags = (bool[])(object)values;
            var bytes = new byte[flags.Length];
            for (int i = 0; i < flags.Length; i++)
            {
                bytes[i] = flags[i] ? (byte)'T' : (byte)'F';
            }
            _columns.Add(new PendingColumn(name, $"{repeat}L", repeat, tdim, unit, null, bytes));
            return this;
        }
        StorageType storage = StorageType.Of<T>();
        byte[] stored = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        if (storage.Zero != 0)
        {
            PixelDecoder.FlipSignBits(stored, storage.Size);
        }
        PixelDecoder.SwapInPlace(stored, storage.Size);
        _columns.Add(new PendingColumn(name, $"{repeat}{storage.TformCode}", repeat * storage.Size, tdim, unit, storage.Zero != 0 ? storage.Zero : null, stored));
        return this;
    }

    /// <summary>Adds a character column of <paramref name="width"/> bytes (default: the longest value, at least 1), space padded.</summary>
    public FitsTableBuilder AddStringColumn(string name, string[] values, int? width = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != RowCount)
        {
            throw new ArgumentException($"column {name}: {values.Length} strings for {RowCount} rows", nameof(values));
        }
        int longest = 1;
        foreach (string value in values)
        {
            longest = Math.Max(longest, (value ?? "").Length);
        }
        int w = width ?? longest;
        if (w < longest || w < 1)
        {
            throw new ArgumentException($"column {name}: width {w} is shorter than the longest value ({longest} characters)", nameof(width));
        }
        var bytes = new byte[(long)w * RowCount];
        bytes.AsSpan().Fill((byte)' ');
        for (int row = 0; row < RowCount; row++)
        {
            string value = values[row] ?? "";
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                bytes[row * w + i] = c is >= ' ' and <= '~' ? (byte)c : (byte)'?';
            }
        }
        _columns.Add(new PendingColumn(name, $"{w}A", w, null, null, null, bytes));
        return this;
    }

    /// <summary>Bytes per row (NAXIS1).</summary>
    internal int RowLength => _columns.Sum(c => c.Width);

    internal IReadOnlyList<PendingColumn> Columns => _columns;

    /// <summary>The main table: RowCount rows of <see cref="RowLength"/> bytes, big-endian.</summary>
    internal byte[] BuildRows()
    {
        int rowLength = RowLength;
        var rows = new byte[(long)rowLength * RowCount];
        int offset = 0;
        foreach (PendingColumn column in _columns)
        {
            for (int row = 0; row < RowCount; row++)
            {
                column.Stored.AsSpan(row * column.Width, column.Width).CopyTo(rows.AsSpan(row * rowLength + offset, column.Width));
            }
            offset += column.Width;
        }
        return rows;
    }

    /// <summary>A column ready to write: TFORM, bytes per row, TDIM, TUNIT, TZERO and its stored big-endian cells.</summary>
    internal sealed record PendingColumn(string Name, string Tform, int Width, string? Tdim, string? Unit, double? Zero, byte[] Stored);
}
