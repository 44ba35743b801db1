using GpuExtract.Fits;

namespace GpuExtract.Core.Formats;

/// <summary>Turns a table that was read back into one that can be written, column by column (FIBERMAP pass-through).</summary>
public static class FitsTableCopy
{
    /// <summary>A builder holding every fixed-length column of <paramref name="table"/> with its cell shape and unit.</summary>
    public static FitsTableBuilder ToBuilder(FitsTable table) => ToBuilder(table, null);

    /// <summary>
    /// As <see cref="ToBuilder(FitsTable)"/>, keeping only <paramref name="rows"/> (table row indices, in
    /// that order); null keeps every row.
    /// </summary>
    public static FitsTableBuilder ToBuilder(FitsTable table, int[]? rows)
    {
        var builder = new FitsTableBuilder(rows?.Length ?? table.RowCount);
        foreach (var column in table.Columns)
        {
            if (column.IsVariableLength || column.Repeat == 0)
            {
                continue; // DESI fibermaps have none; a variable-length column would need a heap writer.
            }
            int[]? shape = column.CellShape.Length > 1 ? column.CellShape : null;
            int repeat = column.TypeCode == 'A' ? 1 : column.Repeat;
            switch (column.TypeCode)
            {
                case 'L': builder.AddColumn(column.Name, Rows(table.GetColumn<bool>(column.Name), repeat, rows), shape, column.Unit); break;
                case 'B': builder.AddColumn(column.Name, Rows(table.GetColumn<byte>(column.Name), repeat, rows), shape, column.Unit); break;
                case 'I': builder.AddColumn(column.Name, Rows(table.GetColumn<short>(column.Name), repeat, rows), shape, column.Unit); break;
                case 'J': builder.AddColumn(column.Name, Rows(table.GetColumn<int>(column.Name), repeat, rows), shape, column.Unit); break;
                case 'K': builder.AddColumn(column.Name, Rows(table.GetColumn<long>(column.Name), repeat, rows), shape, column.Unit); break;
                case 'E': builder.AddColumn(column.Name, Rows(table.GetColumn<float>(column.Name), repeat, rows), shape, column.Unit); break;
                case 'D': builder.AddColumn(column.Name, Rows(table.GetColumn<double>(column.Name), repeat, rows), shape, column.Unit); break;
                case 'A': builder.AddStringColumn(column.Name, Rows(table.GetStrings(column.Name), 1, rows), column.Repeat); break;
                default: break;
            }
        }
        return builder;
    }

    /// <summary>The cells of <paramref name="rows"/> from a column flattened row by row with <paramref name="repeat"/> values a row.</summary>
    private static T[] Rows<T>(T[] values, int repeat, int[]? rows)
    {
        if (rows is null)
        {
            return values;
        }
        var picked = new T[rows.Length * repeat];
        for (int i = 0; i < rows.Length; i++)
        {
            Array.Copy(values, (long)rows[i] * repeat, picked, (long)i * repeat, repeat);
        }
        return picked;
    }
}
