using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Fits;

namespace GpuExtract.Core.Tests.Formats;

/// <summary>FIBERMAP row choice, dependency keywords and scores on hand-made inputs.</summary>
public sealed class DesiFrameOutputTests
{
    private static FitsTable Table(int[] fibers)
    {
        using var dir = new GpuExtract.Testing.TempDirectory();
        string path = dir.File("fm.fits");
        using (var stream = File.Create(path))
        using (var writer = new FitsWriter(stream))
        {
            var header = new FitsHeader();
            header.Set("EXTNAME", "FIBERMAP");
            var table = new FitsTableBuilder(fibers.Length).AddColumn("FIBER", fibers).AddColumn("TARGETID", fibers.Select(f => 1000L + f).ToArray());
            writer.WriteTable(header, table);
        }
        using var file = FitsFile.Open(path);
        return file["FIBERMAP"].ReadTable();
    }

    [Fact]
    public void Fibermap_WholeFocalPlaneTable_RowsPickedByFiberOfTheCameraPetal()
    {
        FitsTable table = Table([.. Enumerable.Range(0, 5000).Reverse()]); // 5000 rows, FIBER descending
        var image = new FitsHeader();
        image.Set("CAMERA", "z3");
        FibermapRows rows = FibermapRows.Select(table, new FitsHeader(), "fm.fits", specMin: 250, nspec: 3, psfFiberCount: 500, image);
        Assert.Equal([1750, 1751, 1752], rows.Fibers);
        Assert.Equal([5000 - 1 - 1750, 5000 - 1 - 1751, 5000 - 1 - 1752], rows.Rows);
    }

    [Fact]
    public void Fibermap_OneRowPerPsfFiber_SlicedByPosition()
    {
        FitsTable table = Table([.. Enumerable.Range(500, 500)]);
        FibermapRows rows = FibermapRows.Select(table, new FitsHeader(), "pre.fits", specMin: 250, nspec: 2, psfFiberCount: 500, new FitsHeader());
        Assert.Equal([250, 251], rows.Rows);
        Assert.Equal([750, 751], rows.Fibers);
    }

    [Fact]
    public void Fibermap_MissingFiber_IsInputError()
    {
        FitsTable table = Table([0, 1, 2]);
        var image = new FitsHeader();
        image.Set("CAMERA", "b0");
        var error = Assert.Throws<ExtractionInputException>(() => FibermapRows.Select(table, new FitsHeader(), "fm.fits", 0, 5, 500, image));
        Assert.Contains("FIBER = 3", error.Message);
    }

    /// <summary>desiutil's setdep: a known name keeps its slot, a new one takes the first free DEPNAMnn.</summary>
    [Fact]
    public void Dependencies_FollowDesiutilSetdep()
    {
        var header = new FitsHeader();
        header.Set("DEPNAM00", "python");
        header.Set("DEPVER00", "3.10.1");
        header.Set("DEPNAM01", "gpuextract");
        header.Set("DEPVER01", "0.0");
        Dependencies.Set(header, "gpuextract", "1.2.3");
        Dependencies.Set(header, "numpy", "1.24");
        Assert.Equal("1.2.3", header.GetString("DEPVER01"));
        Assert.Equal(("numpy", "1.24"), (header.GetString("DEPNAM02"), header.GetString("DEPVER02")));
    }

    /// <summary>
    /// Scores on a 2-fiber frame over 5796–5800.8 Å (mean 5798.4 ≤ 5800: arm B, top hat [4000, 5800)):
    /// the bins 5796 … 5799.2 (5 bins, Δλ 0.8) count. Fiber 0 flux 1, 2, 3, 4, 5 (then 100 outside):
    /// sum 15, median counts 3/0.8, median S/N with ivar 4: 2·3/√0.8.
    /// </summary>
    [Fact]
    public void Scores_DesispecRawFormulas()
    {
        double[] wave = [5796.0, 5796.8, 5797.6, 5798.4, 5799.2, 5800.0, 5800.8];
        double[] flux = [1, 2, 3, 4, 5, 100, 100, 2, 2, 2, 2, 2, 100, 100];
        double[] ivar = [4, 4, 4, 4, 4, 4, 4, 1, 1, 1, 1, -1, 1, 1];
        IReadOnlyList<FrameScore> scores = FrameScores.Compute(wave, flux, ivar, 2);
        Assert.Equal(["SUM_RAW_COUNT_B", "MEDIAN_RAW_COUNT_B", "MEDIAN_RAW_SNR_B"], scores.Select(s => s.Name));
        Assert.Equal(15.0, scores[0].Values[0], 10);
        Assert.Equal(3 / 0.8, scores[1].Values[0], 10);
        Assert.Equal(2 * 3 / Math.Sqrt(0.8), scores[2].Values[0], 10);
        Assert.Equal(10.0, scores[0].Values[1], 10);
        Assert.Equal(2 / Math.Sqrt(0.8), scores[2].Values[1], 10); // the negative ivar counts as 0, median of [a, a, a, a, 0]
        Assert.Equal("sum counts in wave. range 4000,5800A", scores[0].Comment);
    }
}
