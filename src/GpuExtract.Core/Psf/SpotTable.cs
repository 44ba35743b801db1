namespace GpuExtract.Core.Psf;

/// <summary>
/// Many PSF spots (stamps) in structure-of-arrays form: spot <c>i</c> covers CCD rows
/// <c>YMin[i] … YMin[i]+Rows[i]−1</c> and columns <c>XMin[i] … XMin[i]+Cols[i]−1</c>; its values are
/// <c>Values[(i·StampRows + r)·StampCols + c]</c> for r &lt; Rows[i], c &lt; Cols[i] (the rest is 0).
/// Stamps are already clipped to the CCD (after normalisation, as the reference does), so a spot
/// near an edge has fewer rows or columns than <see cref="StampRows"/> × <see cref="StampCols"/>.
/// Which (fiber, wavelength) spot <c>i</c> is belongs to the producer (e.g. fiber-major over a grid).
/// </summary>
public sealed class SpotTable
{
    public SpotTable(int count, int stampRows, int stampCols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stampRows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stampCols);
        Count = count;
        StampRows = stampRows;
        StampCols = stampCols;
        XMin = new int[count];
        YMin = new int[count];
        Rows = new int[count];
        Cols = new int[count];
        CenterX = new double[count];
        CenterY = new double[count];
        Values = new double[(long)count * stampRows * stampCols];
    }

    /// <summary>Number of spots.</summary>
    public int Count { get; }

    /// <summary>Full stamp height [pixels] = 2·HSIZEY + 1.</summary>
    public int StampRows { get; }

    /// <summary>Full stamp width [pixels] = 2·HSIZEX + 1.</summary>
    public int StampCols { get; }

    /// <summary>First CCD column of each stamp [pixel]; shape [Count].</summary>
    public int[] XMin { get; }

    /// <summary>First CCD row of each stamp [pixel]; shape [Count].</summary>
    public int[] YMin { get; }

    /// <summary>Rows actually covered (≤ StampRows); 0 for a spot entirely off the CCD; shape [Count].</summary>
    public int[] Rows { get; }

    /// <summary>Columns actually covered (≤ StampCols); shape [Count].</summary>
    public int[] Cols { get; }

    /// <summary>Trace centre x [pixel]; shape [Count].</summary>
    public double[] CenterX { get; }

    /// <summary>Trace centre y [pixel]; shape [Count].</summary>
    public double[] CenterY { get; }

    /// <summary>Stamp values (fraction of the spot's light per pixel); shape [Count, StampRows, StampCols].</summary>
    public double[] Values { get; }

    /// <summary>The padded stamp of spot <paramref name="i"/>, shape [StampRows, StampCols].</summary>
    public Span<double> Stamp(int i) => Values.AsSpan(i * StampRows * StampCols, StampRows * StampCols);
}
