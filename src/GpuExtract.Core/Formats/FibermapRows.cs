using GpuExtract.Core.Extraction;
using GpuExtract.Fits;

namespace GpuExtract.Core.Formats;

/// <summary>
/// The FIBERMAP rows of the extracted fibers and the table's header, as desispec's extraction carries
/// them into a frame (<c>scripts.extract.main_gpu_specter</c>: <c>fibermap[specmin:specmin+nspec]</c>).
/// </summary>
public sealed class FibermapRows
{
    private FibermapRows(FitsTable table, FitsHeader header, int[] rows, int[] fibers)
    {
        Table = table;
        Header = header;
        Rows = rows;
        Fibers = fibers;
    }

    /// <summary>The whole table the rows come from.</summary>
    public FitsTable Table { get; }

    /// <summary>The table's header (TILEID, RA, … as the fibermap file has them).</summary>
    public FitsHeader Header { get; }

    /// <summary>Table row of each extracted fiber; shape [nspec].</summary>
    public IReadOnlyList<int> Rows { get; }

    /// <summary>FIBER of each row (absolute fiber numbers); shape [nspec].</summary>
    public IReadOnlyList<int> Fibers { get; }

    /// <summary>
    /// Rows for fibers <paramref name="specMin"/> … +<paramref name="nspec"/> of a spectrograph whose PSF
    /// has <paramref name="psfFiberCount"/> fibers. A table with one row per PSF fiber (a preproc's
    /// FIBERMAP, 500 rows) is sliced by position as desispec slices it. Any other table (a whole-focal-plane
    /// fibermap of 5000 rows, say) is searched by FIBER for spectrograph·<paramref name="psfFiberCount"/> +
    /// specmin + i, the spectrograph being the digit of CAMERA (else SPECGRPH) in
    /// <paramref name="imageHeader"/>; desispec would take the first rows there, which are another petal's.
    /// </summary>
    /// <exception cref="ExtractionInputException">the table is too short, lacks FIBER, or lacks a fiber.</exception>
    public static FibermapRows Select(FitsTable table, FitsHeader header, string source, int specMin, int nspec, int psfFiberCount, FitsHeader imageHeader)
    {
        int[] fibers;
        var rows = new int[nspec];
        bool hasFiber = table.HasColumn("FIBER");
        if (table.RowCount == psfFiberCount)
        {
            for (int i = 0; i < nspec; i++)
            {
                rows[i] = specMin + i;
            }
            fibers = hasFiber ? Pick(table.GetColumn<int>("FIBER"), rows) : [.. rows];
            return new FibermapRows(table, header, rows, fibers);
        }
        if (!hasFiber)
        {
            throw new ExtractionInputException(
                $"{source}: FIBERMAP has {table.RowCount} rows, not one per PSF fiber ({psfFiberCount}), and no FIBER column to pick rows by");
        }
        int first = Spectrograph(imageHeader, source) * psfFiberCount + specMin;
        int[] all = table.GetColumn<int>("FIBER");
        var rowOf = new Dictionary<int, int>();
        for (int r = all.Length - 1; r >= 0; r--)
        {
            rowOf[all[r]] = r;
        }
        fibers = new int[nspec];
        for (int i = 0; i < nspec; i++)
        {
            fibers[i] = first + i;
            if (!rowOf.TryGetValue(fibers[i], out rows[i]))
            {
                throw new ExtractionInputException($"{source}: FIBERMAP has no row with FIBER = {fibers[i]} (fibers {first} to {first + nspec - 1} are extracted)");
            }
        }
        return new FibermapRows(table, header, rows, fibers);
    }

    /// <summary>Every row of <paramref name="table"/>, FIBER from its column (else the row number).</summary>
    public static FibermapRows All(FitsTable table, FitsHeader header)
    {
        var rows = new int[table.RowCount];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r] = r;
        }
        return new FibermapRows(table, header, rows, table.HasColumn("FIBER") ? table.GetColumn<int>("FIBER") : [.. rows]);
    }

    /// <summary>The selected rows as a table to write, every fixed-width column kept.</summary>
    public FitsTableBuilder ToBuilder() => FitsTableCopy.ToBuilder(Table, [.. Rows]);

    private static int[] Pick(int[] values, int[] rows)
    {
        var picked = new int[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            picked[i] = values[rows[i]];
        }
        return picked;
    }

    /// <summary>The spectrograph (petal) number: CAMERA's digit (b0 … z9), as desispec reads it, else SPECGRPH.</summary>
    private static int Spectrograph(FitsHeader header, string source)
    {
        if (header.Find("CAMERA")?.Value is string camera && camera.Trim().Length == 2 && char.IsAsciiDigit(camera.Trim()[1]))
        {
            return camera.Trim()[1] - '0';
        }
        if (header.Find("SPECGRPH")?.Value is long specgrph)
        {
            return (int)specgrph;
        }
        throw new ExtractionInputException($"{source}: picking FIBERMAP rows by FIBER needs CAMERA (b0 … z9) or SPECGRPH in the preproc's HDU 0");
    }
}
