using System.Buffers.Binary;
using System.Text;

namespace GpuExtract.Fits;

/// <summary>
/// A binary table (FITS Standard 4.0 §7.3) held in memory: rows of NAXIS1 bytes and the heap of
/// variable-length arrays. Columns are looked up by TTYPEn ignoring case; numeric values come back
/// scaled by TSCALn/TZEROn (unsigned conventions included) and converted to the requested type.
/// </summary>
public sealed class FitsTable
{
    private readonly FitsHdu _hdu;
    private readonly byte[] _data;
    private readonly int _rowLength;
    private readonly long _heapOffset;
    private readonly long _heapLength;
    private readonly List<ColumnLayout> _layouts;
    private readonly FitsColumn[] _columns;

    private FitsTable(FitsHdu hdu, byte[] data, int rowCount, int rowLength, long heapOffset, long heapLength, List<ColumnLayout> layouts)
    {
        _hdu = hdu;
        _data = data;
        RowCount = rowCount;
        _rowLength = rowLength;
        _heapOffset = heapOffset;
        _heapLength = heapLength;
        _layouts = layouts;
        _columns = layouts.Select(l => l.Column).ToArray();
    }

    /// <summary>NAXIS2.</summary>
    public int RowCount { get; }

    public IReadOnlyList<FitsColumn> Columns => _columns;

    public bool HasColumn(string name) => FindLayout(name) is not null;

    /// <summary>The column named <paramref name="name"/> (case-insensitive).</summary>
    public FitsColumn Column(string name) => Layout(name).Column;

    /// <summary>
    /// All cells of a fixed-width column, flattened row by row: [RowCount · Repeat] values, scaled by
    /// TSCALn/TZEROn and converted to <typeparamref name="T"/>. L columns read as bool (or 0/1 numbers),
    /// X columns as one bool (or 0/1 byte) per bit, A columns as raw bytes.
    /// </summary>
    public T[] GetColumn<T>(string name) where T : unmanaged
    {
        ColumnLayout layout = Layout(name);
        FitsColumn column = layout.Column;
        if (column.IsVariableLength)
        {
            throw Error($"column {column.Name} holds variable-length arrays; use GetVariableColumn");
        }
        long count = (long)RowCount * column.Repeat;
        if (count > Array.MaxLength)
        {
            throw Error($"column {column.Name} has too many values for one array");
        }
        var cells = new byte[count * Math.Max(1, ColumnLayout.ElementSize(column.TypeCode))];
        if (column.TypeCode != 'X')
        {
            int cellBytes = layout.Width;
            for (int row = 0; row < RowCount; row++)
            {
                _data.AsSpan(row * _rowLength + layout.Offset, cellBytes).CopyTo(cells.AsSpan(row * cellBytes, cellBytes));
            }
        }
        var result = new T[count];
        DecodeCells(layout, column.TypeCode, cells, result, row => row * _rowLength + layout.Offset);
        return result;
    }

    /// <summary>Strings of an A column (fixed or variable-length), cut at NUL and trailing spaces trimmed;
    /// one per row, or several per row when TDIMn splits the field (then [RowCount · count]).</summary>
    public string[] GetStrings(string name)
    {
        ColumnLayout layout = Layout(name);
        FitsColumn column = layout.Column;
        if (column.TypeCode != 'A')
        {
            throw Error($"column {column.Name} has type {column.Format}, not a character (A) column");
        }
        if (column.IsVariableLength)
        {
            var strings = new string[RowCount];
            for (int row = 0; row < RowCount; row++)
            {
                var (length, offset) = HeapSlice(layout, row, 1);
                strings[row] = DecodeString(_data.AsSpan((int)(_heapOffset + offset), (int)length));
            }
            return strings;
        }
        int width = column.CellShape.Length > 1 ? column.CellShape[^1] : column.Repeat;
        int perRow = width == 0 ? 0 : column.Repeat / width;
        var result = new string[(long)RowCount * perRow];
        for (int row = 0; row < RowCount; row++)
        {
            for (int k = 0; k < perRow; k++)
            {
                result[row * perRow + k] = DecodeString(_data.AsSpan(row * _rowLength + layout.Offset + k * width, width));
            }
        }
        return result;
    }

    /// <summary>Variable-length (P/Q) arrays read from the heap, one array per row, scaled and converted like <see cref="GetColumn{T}"/>.</summary>
    public T[][] GetVariableColumn<T>(string name) where T : unmanaged
    {
        ColumnLayout layout = Layout(name);
        FitsColumn column = layout.Column;
        if (!column.IsVariableLength)
        {
            throw Error($"column {column.Name} ({column.Format}) is not a variable-length (P/Q) column");
        }
        int size = ColumnLayout.ElementSize(column.TypeCode);
        var result = new T[RowCount][];
        for (int row = 0; row < RowCount; row++)
        {
            var (count, offset) = HeapSlice(layout, row, column.TypeCode == 'X' ? 0 : size);
            long bytes = column.TypeCode == 'X' ? (count + 7) / 8 : count * size;
            var cells = _data.AsSpan((int)(_heapOffset + offset), (int)bytes).ToArray();
            result[row] = new T[count];
            DecodeCells(layout, column.TypeCode, cells, result[row], _ => (int)(_heapOffset + offset));
        }
        return result;
    }

    /// <summary>Raw stored bytes of the heap slice of a variable-length cell (used by the tile decompressor).</summary>
    internal ArraySegment<byte> VariableCellBytes(ColumnLayout layout, int row)
    {
        int size = Math.Max(1, ColumnLayout.ElementSize(layout.Column.TypeCode));
        var (count, offset) = HeapSlice(layout, row, size);
        return new ArraySegment<byte>(_data, (int)(_heapOffset + offset), (int)(count * size));
    }

    /// <summary>Raw stored bytes of one fixed-width cell.</summary>
    internal ReadOnlySpan<byte> CellBytes(ColumnLayout layout, int row) => _data.AsSpan(row * _rowLength + layout.Offset, layout.Width);

    internal ColumnLayout? FindLayout(string name)
    {
        string wanted = (name ?? "").Trim();
        foreach (ColumnLayout layout in _layouts)
        {
            if (string.Equals(layout.Column.Name, wanted, StringComparison.OrdinalIgnoreCase))
            {
                return layout;
            }
        }
        return null;
    }

    internal FitsHdu Hdu => _hdu;

    internal FitsFormatException Error(string detail) => _hdu.Error(detail);

    /// <summary>Reads the table of <paramref name="hdu"/>: TFIELDS column descriptions checked against NAXIS1, the data unit into memory.</summary>
    internal static FitsTable Read(FitsHdu hdu)
    {
        FitsHeader header = hdu.Header;
        long rowLength = header.GetInt("NAXIS1");
        long rowCount = header.GetInt("NAXIS2");
        long pcount = header.GetInt("PCOUNT");
        if (rowLength > int.MaxValue || rowCount > int.MaxValue || hdu.DataLength > Array.MaxLength)
        {
            throw hdu.Error($"table of {rowCount} rows × {rowLength} bytes is too large to hold in memory");
        }
        long fields = header.GetInt("TFIELDS");
        if (fields < 0 || fields > 999)
        {
            throw hdu.Error($"TFIELDS = {fields} is outside 0…999");
        }
        var layouts = new List<ColumnLayout>((int)fields);
        long offset = 0;
        for (int n = 1; n <= fields; n++)
        {
            ColumnLayout layout = ReadColumn(hdu, header, n, offset, rowLength);
            layouts.Add(layout);
            offset += layout.Width;
        }
        if (offset != rowLength)
        {
            throw hdu.Error($"columns (TFORMn) add up to {offset} bytes per row but NAXIS1 = {rowLength}");
        }
        long mainLength = rowLength * rowCount;
        long heapOffset = header.GetIntOrNull("THEAP") ?? mainLength;
        if (heapOffset < mainLength || heapOffset > mainLength + pcount)
        {
            throw hdu.Error($"THEAP = {heapOffset} lies outside the heap area [{mainLength}, {mainLength + pcount}]");
        }
        var data = GC.AllocateUninitializedArray<byte>((int)hdu.DataLength);
        hdu.ReadData(0, data);
        return new FitsTable(hdu, data, (int)rowCount, (int)rowLength, heapOffset, mainLength + pcount - heapOffset, layouts);
    }

    private static ColumnLayout ReadColumn(FitsHdu hdu, FitsHeader header, int n, long offset, long rowLength)
    {
        string tform = header.GetString($"TFORM{n}").Trim();
        string name = (header.GetStringOrNull($"TTYPE{n}") ?? "").Trim();
        if (!ColumnLayout.TryParseTform(tform, out long repeat, out char code, out char descriptor))
        {
            throw hdu.Error($"TFORM{n} = '{tform}' is not a supported binary-table format");
        }
        long width = descriptor switch
        {
            'P' => 8,
            'Q' => 16,
            _ => code == 'X' ? (repeat + 7) / 8 : repeat * ColumnLayout.ElementSize(code),
        };
        if (repeat > int.MaxValue || offset + width > rowLength)
        {
            throw hdu.Error($"TFORM{n} = '{tform}' does not fit in rows of NAXIS1 = {rowLength} bytes");
        }
        int repeatCount = descriptor == '\0' ? (int)repeat : 1;
        int[] cellShape = [repeatCount];
        string? tdim = header.GetStringOrNull($"TDIM{n}");
        if (tdim is not null && descriptor == '\0')
        {
            if (!ColumnLayout.TryParseTdim(tdim, out int[] shape) || FitsHdu.ElementCount(shape) > repeat)
            {
                throw hdu.Error($"TDIM{n} = '{tdim}' is malformed or holds more than the repeat count {repeat} of TFORM{n}");
            }
            cellShape = shape;
        }
        int bitpix = StorageType.BitpixOfTform(code);
        LinearScaling scaling = new(
            header.GetDoubleOrNull($"TSCAL{n}") ?? 1.0,
            header.GetDoubleOrNull($"TZERO{n}") ?? 0.0,
            bitpix > 0 ? header.GetIntOrNull($"TNULL{n}") : null);
        var column = new FitsColumn(name, tform, code, repeatCount, cellShape, header.GetStringOrNull($"TUNIT{n}"), descriptor != '\0');
        return new ColumnLayout { Column = column, Number = n, Offset = (int)offset, Width = (int)width, Descriptor = descriptor, Scaling = scaling };
    }

    private ColumnLayout Layout(string name) =>
        FindLayout(name) ?? throw Error($"no column named {name} in table (columns: {string.Join(", ", _columns.Select(c => c.Name))})");

    /// <summary>Element count and heap offset of a variable-length cell, checked against the heap.</summary>
    private (long Count, long Offset) HeapSlice(ColumnLayout layout, int row, int elementSize)
    {
        ReadOnlySpan<byte> descriptor = CellBytes(layout, row);
        long count, offset;
        if (layout.Descriptor == 'P')
        {
            count = BinaryPrimitives.ReadInt32BigEndian(descriptor);
            offset = BinaryPrimitives.ReadInt32BigEndian(descriptor[4..]);
        }
        else
        {
            count = BinaryPrimitives.ReadInt64BigEndian(descriptor);
            offset = BinaryPrimitives.ReadInt64BigEndian(descriptor[8..]);
        }
        long bytes = layout.Column.TypeCode == 'X' ? (count + 7) / 8 : count * (long)elementSize;
        if (count < 0 || offset < 0 || count > _heapLength || offset > _heapLength || bytes > _heapLength - offset)
        {
            throw Error($"column {layout.Column.Name} row {row + 1}: variable-length array ({count} elements at heap offset {offset}) lies outside the heap of {_heapLength} bytes");
        }
        return (count, offset);
    }

    private void DecodeCells<T>(ColumnLayout layout, char code, byte[] cells, T[] result, Func<int, int> bitSource) where T : unmanaged
    {
        FitsColumn column = layout.Column;
        switch (code)
        {
            case 'L':
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = Logical<T>(cells[i] == (byte)'T', column);
                }
                return;
            case 'X':
                DecodeBits(layout, result, bitSource);
                return;
            case 'A':
                if (typeof(T) != typeof(byte))
                {
                    throw Error($"column {column.Name} is a character column; use GetStrings (or GetColumn<byte> for raw bytes)");
                }
                cells.AsSpan(0, result.Length).CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(result.AsSpan()));
                return;
            case 'C' or 'M':
                throw Error($"column {column.Name} is complex ({column.Format}); complex columns are not supported");
        }
        int bitpix = StorageType.BitpixOfTform(code);
        if (typeof(T) == typeof(bool))
        {
            throw Error($"column {column.Name} ({column.Format}) is numeric; it cannot be read as bool");
        }
        PixelDecoder.Decode(cells.AsSpan(0, result.Length * ColumnLayout.ElementSize(code)), bitpix, layout.Scaling, result.AsSpan(), detail => Error($"column {column.Name}: {detail}"));
    }

    private void DecodeBits<T>(ColumnLayout layout, T[] result, Func<int, int> bitSource) where T : unmanaged
    {
        int bitsPerRow = layout.Column.IsVariableLength ? result.Length : layout.Column.Repeat;
        int rows = bitsPerRow == 0 ? 0 : result.Length / bitsPerRow;
        for (int row = 0; row < rows; row++)
        {
            int start = bitSource(row);
            for (int bit = 0; bit < bitsPerRow; bit++)
            {
                bool set = (_data[start + bit / 8] & (0x80 >> (bit % 8))) != 0;
                result[row * bitsPerRow + bit] = Logical<T>(set, layout.Column);
            }
        }
    }

    private T Logical<T>(bool value, FitsColumn column) where T : unmanaged
    {
        if (typeof(T) == typeof(bool)) { return (T)(object)value; }
        if (typeof(T) == typeof(byte)) { return (T)(object)(byte)(value ? 1 : 0); }
        if (typeof(T) == typeof(short)) { return (T)(object)(short)(value ? 1 : 0); }
        if (typeof(T) == typeof(int)) { return (T)(object)(value ? 1 : 0); }
        if (typeof(T) == typeof(long)) { return (T)(object)(value ? 1L : 0L); }
        if (typeof(T) == typeof(float)) { return (T)(object)(value ? 1f : 0f); }
        if (typeof(T) == typeof(double)) { return (T)(object)(value ? 1.0 : 0.0); }
        throw Error($"column {column.Name} ({column.Format}) cannot be read as {typeof(T).Name}");
    }

    private static string DecodeString(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf((byte)0);
        ReadOnlySpan<byte> text = end >= 0 ? bytes[..end] : bytes;
        return Encoding.Latin1.GetString(text).TrimEnd(' ');
    }
}
