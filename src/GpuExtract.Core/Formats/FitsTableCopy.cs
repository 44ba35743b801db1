using GpuExtract.Fits;

namespace GpuExtract.Core.Formats;

/// <summary>Turns a table that was read back into one that can be written, column by column (FIBERMAP pass-through).</summary>
public static class FitsTableCopy
{
    /// <summary>A builder holding every fixed-length column of <paramref name="table"/> with its cell shape and unit.</summary>
    public static FitsTableBuilder ToBuilder(FitsTable table)
    {
        var builder = new FitsTableBuilder(table.RowCount);
        foreach (var column in table.Columns)
        {
            if (column.IsVariableLength)
            {
                continue; // DESI fibermaps have none; a variable-length column would need a heap writer.
            }
            int[]? shape = column.CellShape.Length > 1 ? column.CellShape : null;
            switch (column.TypeCode)
            {
                case 'L': builder.AddColumn(column.Name, table.GetColumn<bool>(column.Name), shape, column.Unit); break;
                case 'B': builder.AddColumn(column.Name, table.GetColumn<byte>(column.Name), shape, column.Unit); break;
                case 'I': builder.AddColumn(column.Name, table.GetColumn<short>(column.Name), shape, column.Unit); break;
                case 'J': builder.AddColumn(column.Name, table.GetColumn<int>(column.Name), shape, column.Unit); break;
                case 'K': builder.AddColumn(column.Name, table.GetColumn<long>(column.Name), shape, column.Unit); break;
                case 'E': builder.AddColumn(column.Name, table.GetColumn<float>(column.Name), shape, column.Unit); break;
                case 'D': builder.AddColumn(column.Name, table.GetColumn<double>(column.Name), shape, column.Unit); break;
                case 'A': builder.AddStringColumn(column.Name, table.GetStrings(column.Name), column.Repeat); break;
                default: break;
            }
        }
        return builder;
    }
}
