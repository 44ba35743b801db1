using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace GpuExtract.Fits;

/// <summary>
/// Columns for a binary table to be written by <see cref="FitsWriter.WriteTable"/>. Numeric columns
/// hold RowCount · repeat values row by row (repeat = product of the cell shape); bool → L,
/// byte → B, sbyte → B with TZERO −128, short → I, ushort → I with TZERO 32768, int → J,
/// uint → J with TZERO 2147483648, long → K, ulong → K with TZERO 9223372036854775808, float → E,
/// double → D; strings → A of a fixed width. Variable-length columns (1Pt(emax), FITS Standard 4.0
/// §7.3.5) keep their arrays in the heap after the rows, in column then row order, with 32-bit descriptors.
/// </summary>
public sealed class FitsTableBuilder
{
    private readonly List<PendingColumn> _columns = [];
    private readonly Dictionary<string, string> _descriptions = new(StringComparer.Ordinal);

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

    /// <summary>
    /// Adds a variable-length array column (TFORM 1Pt(emax)): one array per row, of any length
    /// (empty arrays allowed); element types as for <see cref="AddColumn{T}"/>, unsigned ones with TZEROn.
    /// </summary>
    public FitsTableBuilder AddVariableColumn<T>(string name, T[][] values, string? unit = null) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != RowCount)
        {
            throw new ArgumentException($"column {name}: {values.Length} arrays for {RowCount} rows", nameof(values));
        }
        bool logical = typeof(T) == typeof(bool);
        StorageType storage = logical ? new StorageType(8, 'L', 0) : StorageType.Of<T>();
        int size = logical ? 1 : storage.Size;
        long total = 0;
        foreach (T[] cell in values)
        {
            total += (long)(cell ?? []).Length * size;
        }
        if (total > int.MaxValue)
        {
            throw new ArgumentException($"column {name}: {total} heap bytes exceed what 32-bit (P) descriptors address", nameof(values));
        }
        var heap = new byte[total];
        var counts = new int[RowCount];
        var offsets = new int[RowCount];
        int position = 0;
        for (int row = 0; row < RowCount; row++)
        {
            T[] cell = values[row] ?? [];
            counts[row] = cell.Length;
            offsets[row] = position;
            Span<byte> target = heap.AsSpan(position, cell.Length * size);
            if (logical)
            {
                bool[] flags = (bool[])(object)cell;
                for (int i = 0; i < flags.Length; i++)
                {
                    target[i] = flags[i] ? (byte)'T' : (byte)'F';
                }
            }
            else
            {
                MemoryMarshal.AsBytes(cell.AsSpan()).CopyTo(target);
                if (storage.Zero != 0)
                {
                    PixelDecoder.FlipSignBits(target, size);
                }
                PixelDecoder.SwapInPlace(target, size);
            }
            position += target.Length;
        }
        return AddVariable(name, storage.TformCode, storage.Zero != 0 ? storage.Zero : null, unit, new VariableCells(counts, offsets, heap, heap.Length));
    }

    /// <summary>Adds a 1PB variable-length column whose cells are already-encoded bytes in <paramref name="cells"/>' heap (tile-compressed images).</summary>
    internal FitsTableBuilder AddVariableBytes(string name, VariableCells cells) => AddVariable(name, 'B', null, null, cells);

    private FitsTableBuilder AddVariable(string name, char code, double? zero, string? unit, VariableCells cells)
    {
        if (cells.Counts.Length != RowCount)
        {
            throw new ArgumentException($"column {name}: {cells.Counts.Length} arrays for {RowCount} rows");
        }
        int longest = 0;
        foreach (int count in cells.Counts)
        {
            longest = Math.Max(longest, count);
        }
        _columns.Add(new PendingColumn(name, $"1P{code}({longest})", 8, null, unit, zero, [], cells));
        return this;
    }

    /// <summary>Bytes per row (NAXIS1).</summary>
    internal int RowLength => _columns.Sum(c => c.Width);

    internal IReadOnlyList<PendingColumn> Columns => _columns;

    /// <summary>Gives column <paramref name="name"/> a description, written as the comment of its TTYPEn card.</summary>
    public FitsTableBuilder Describe(string name, string description)
    {
        _descriptions[name] = description;
        return this;
    }

    /// <summary>The description given to column <paramref name="name"/>, or null.</summary>
    internal string? DescriptionOf(string name) => _descriptions.GetValueOrDefault(name);

    /// <summary>Bytes of heap (PCOUNT): the variable-length columns' arrays.</summary>
    internal long HeapLength
    {
        get
        {
            long length = 0;
            foreach (PendingColumn column in _columns)
            {
                length += column.Variable?.HeapLength ?? 0;
            }
            return length;
        }
    }

    /// <summary>
    /// The data unit: RowCount rows of <see cref="RowLength"/> bytes, big-endian, then the heap
    /// (<see cref="HeapLength"/> bytes, each variable-length column's arrays in turn; THEAP is the default).
    /// </summary>
    internal byte[] BuildDataUnit()
    {
        int rowLength = RowLength;
        long rowBytes = (long)rowLength * RowCount;
        long heapLength = HeapLength;
        if (heapLength > int.MaxValue || rowBytes + heapLength > Array.MaxLength)
        {
            throw new ArgumentException($"table of {rowBytes} row bytes and {heapLength} heap bytes is too large to write with 32-bit (P) descriptors");
        }
        var data = new byte[rowBytes + heapLength];
        int offset = 0;
        long heapBase = 0;
        foreach (PendingColumn column in _columns)
        {
            if (column.Variable is VariableCells cells)
            {
                for (int row = 0; row < RowCount; row++)
                {
                    Span<byte> descriptor = data.AsSpan(row * rowLength + offset, 8);
                    BinaryPrimitives.WriteInt32BigEndian(descriptor, cells.Counts[row]);
                    BinaryPrimitives.WriteInt32BigEndian(descriptor[4..], (int)(heapBase + cells.Offsets[row]));
                }
                cells.Heap.AsSpan(0, cells.HeapLength).CopyTo(data.AsSpan((int)(rowBytes + heapBase)));
                heapBase += cells.HeapLength;
            }
            else
            {
                for (int row = 0; row < RowCount; row++)
                {
                    column.Stored.AsSpan(row * column.Width, column.Width).CopyTo(data.AsSpan(row * rowLength + offset, column.Width));
                }
            }
            offset += column.Width;
        }
        return data;
    }

    /// <summary>
    /// A column ready to write: TFORM, bytes per row, TDIM, TUNIT, TZERO and its stored big-endian
    /// cells, or for a variable-length column its heap arrays (<see cref="Variable"/>, Stored empty).
    /// </summary>
    internal sealed record PendingColumn(string Name, string Tform, int Width, string? Tdim, string? Unit, double? Zero, byte[] Stored, VariableCells? Variable = null);

    /// <summary>
    /// Variable-length cells: element counts per row, byte offsets of each row's array within
    /// <see cref="Heap"/>, whose first <see cref="HeapLength"/> bytes are the arrays' big-endian elements.
    /// </summary>
    internal sealed record VariableCells(int[] Counts, int[] Offsets, byte[] Heap, int HeapLength);
}
