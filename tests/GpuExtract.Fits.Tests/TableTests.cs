namespace GpuExtract.Fits.Tests;

public class TableTests
{
    private static FitsTable RoundTrip(FitsTableBuilder builder, out FitsHeader header)
    {
        using var stream = new MemoryStream();
        using (var writer = new FitsWriter(stream))
        {
            var h = new FitsHeader();
            h.Set("EXTNAME", "TAB");
            writer.WriteTable(h, builder);
        }
        stream.Position = 0;
        var file = FitsFile.Open(stream, "table.fits", verifyChecksums: true);
        header = file["TAB"].Header;
        return file["TAB"].ReadTable();
    }

    [Fact]
    public void RoundTrip_VariableLengthColumnsBesideFixedOnes()
    {
        short[][] shorts = [[1, -2], [], [short.MinValue, short.MaxValue, 0]];
        ushort[][] ushorts = [[0, 65535], [32768], []];
        double[][] doubles = [[], [], [Math.E]];
        bool[][] flags = [[true], [false, true], []];
        long[][] empty = [[], [], []];
        var builder = new FitsTableBuilder(3)
            .AddColumn("FIBER", new[] { 7, 8, 9 })
            .AddVariableColumn("VI", shorts, unit: "count")
            .AddVariableColumn("VU", ushorts)
            .AddStringColumn("NAME", ["a", "bb", "ccc"])
            .AddVariableColumn("VD", doubles)
            .AddVariableColumn("VL", flags)
            .AddVariableColumn("NONE", empty);
        FitsTable table = RoundTrip(builder, out FitsHeader header);
        Assert.Equal([7, 8, 9], table.GetColumn<int>("FIBER"));
        Assert.Equal(["a", "bb", "ccc"], table.GetStrings("NAME"));
        Assert.Equal(shorts, table.GetVariableColumn<short>("VI"));
        Assert.Equal(ushorts, table.GetVariableColumn<ushort>("VU"));
        Assert.Equal(doubles, table.GetVariableColumn<double>("VD"));
        Assert.Equal(flags, table.GetVariableColumn<bool>("VL"));
        Assert.Equal(empty, table.GetVariableColumn<long>("NONE"));
        // Descriptors are 8 bytes a row; the heap holds 2·5 + 2·3 + 8·1 + 1·3 bytes after the rows.
        Assert.Equal("1PI(3)", header.GetString("TFORM2"));
        Assert.Equal("1PI(2)", header.GetString("TFORM3"));
        Assert.Equal(32768L, header.GetInt("TZERO3"));
        Assert.Equal("1PK(0)", header.GetString("TFORM7"));
        Assert.Equal("count", header.GetString("TUNIT2"));
        Assert.Equal(4 + 3 + 5 * 8, header.GetInt("NAXIS1"));
        Assert.Equal(10 + 6 + 8 + 3, header.GetInt("PCOUNT"));
    }

    [Fact]
    public void AddVariableColumn_RejectsWrongRowCount()
    {
        var builder = new FitsTableBuilder(2);
        var error = Assert.Throws<ArgumentException>(() => builder.AddVariableColumn("V", new int[][] { [1] }));
        Assert.Contains("V", error.Message);
    }

    [Fact]
    public void RoundTrip_EveryColumnTypeWithRepeatAndTdim()
    {
        const int rows = 3;
        bool[] flags = [true, false, true, true, false, false];
        byte[] bytes = [0, 1, 255];
        sbyte[] sbytes = [-128, 0, 127];
        short[] shorts = Enumerable.Range(0, rows * 6).Select(i => (short)(i * 1000 - 9000)).ToArray();
        ushort[] ushorts = [0, 32768, 65535];
        int[] ints = [int.MinValue, 0, int.MaxValue];
        uint[] uints = [0, 2147483648u, uint.MaxValue];
        long[] longs = [long.MinValue, 42, long.MaxValue];
        ulong[] ulongs = [0, 9223372036854775808UL, ulong.MaxValue];
        float[] floats = Enumerable.Range(0, rows * 24).Select(i => i * 0.5f).ToArray();
        double[] doubles = [Math.PI, double.NaN, -1e300];
        var builder = new FitsTableBuilder(rows)
            .AddColumn("FLAGS", flags, [2])
            .AddColumn("B", bytes)
            .AddColumn("SB", sbytes)
            .AddColumn("I2D", shorts, [2, 3], unit: "count")
            .AddColumn("U16", ushorts)
            .AddColumn("J", ints)
            .AddColumn("U32", uints)
            .AddColumn("K", longs)
            .AddColumn("U64", ulongs)
            .AddColumn("CUBE", floats, [2, 3, 4])
            .AddColumn("D", doubles, unit: "Angstrom")
            .AddStringColumn("NAME", ["ELG", "", "a longer one"]);
        FitsTable table = RoundTrip(builder, out FitsHeader header);
        Assert.Equal(rows, table.RowCount);
        Assert.Equal(flags, table.GetColumn<bool>("flags"));
        Assert.Equal(bytes, table.GetColumn<byte>("B"));
        Assert.Equal(sbytes, table.GetColumn<sbyte>("SB"));
        Assert.Equal(shorts, table.GetColumn<short>("I2D"));
        Assert.Equal([2, 3], table.Column("I2D").CellShape);
        Assert.Equal("(3,2)", header.GetString("TDIM4"));
        Assert.Equal("count", table.Column("I2D").Unit);
        Assert.Equal(ushorts, table.GetColumn<ushort>("U16"));
        Assert.Equal(ints, table.GetColumn<int>("J"));
        Assert.Equal(uints, table.GetColumn<uint>("U32"));
        Assert.Equal(longs, table.GetColumn<long>("K"));
        Assert.Equal(ulongs, table.GetColumn<ulong>("U64"));
        Assert.Equal(floats, table.GetColumn<float>("CUBE"));
        Assert.Equal([2, 3, 4], table.Column("CUBE").CellShape);
        Assert.Equal(24, table.Column("CUBE").Repeat);
        Assert.Equal(doubles, table.GetColumn<double>("D"));
        Assert.Equal(["ELG", "", "a longer one"], table.GetStrings("NAME"));
        Assert.Equal('A', table.Column("NAME").TypeCode);
        Assert.Equal([0.0, 32768, 65535], table.GetColumn<double>("U16"));
        var missing = Assert.Throws<FitsFormatException>(() => table.Column("NOSUCH"));
        Assert.Contains("NOSUCH", missing.Message);
        Assert.Contains("TAB", missing.Message);
    }

    [Fact]
    public void Read_HandBuiltTableWithTscalTzeroAndVariableLengthArrays()
    {
        // Two rows: J with TSCAL 0.5 / TZERO 10, a 2-character string, PJ variable-length arrays.
        var rows = new List<byte>();
        var heap = new List<byte>();
        int[][] vla = [[1, 2, 3], []];
        int[] scaled = [4, -6];
        string[] names = ["ab", "c "];
        for (int r = 0; r < 2; r++)
        {
            rows.AddRange(HandBuiltFits.BigEndian32(scaled[r]));
            rows.AddRange(System.Text.Encoding.ASCII.GetBytes(names[r]));
            rows.AddRange(HandBuiltFits.BigEndian32(vla[r].Length, heap.Count));
            heap.AddRange(HandBuiltFits.BigEndian32(vla[r]));
        }
        byte[] data = [.. rows, .. heap];
        byte[] file = new HandBuiltFits()
            .Header(HandBuiltFits.Card("SIMPLE", "T"), HandBuiltFits.Card("BITPIX", "8"), HandBuiltFits.Card("NAXIS", "0"))
            .Header(
                "XTENSION= 'BINTABLE'", HandBuiltFits.Card("BITPIX", "8"), HandBuiltFits.Card("NAXIS", "2"),
                HandBuiltFits.Card("NAXIS1", "14"), HandBuiltFits.Card("NAXIS2", "2"),
                HandBuiltFits.Card("PCOUNT", heap.Count.ToString()), HandBuiltFits.Card("GCOUNT", "1"),
                HandBuiltFits.Card("TFIELDS", "3"),
                "TTYPE1  = 'SCALED'", "TFORM1  = 'J'", HandBuiltFits.Card("TSCAL1", "0.5"), HandBuiltFits.Card("TZERO1", "10"),
                "TTYPE2  = 'NAME'", "TFORM2  = '2A'",
                "TTYPE3  = 'ARR'", "TFORM3  = '1PJ(3)'",
                "EXTNAME = 'VLA'")
            .Data(data)
            .ToArray();
        using var fits = FitsFile.Open(new MemoryStream(file), "vla.fits");
        FitsTable table = fits["VLA"].ReadTable();
        Assert.Equal([12.0, 7.0], table.GetColumn<double>("SCALED"));
        Assert.Equal(["ab", "c"], table.GetStrings("NAME"));
        Assert.True(table.Column("ARR").IsVariableLength);
        int[][] arrays = table.GetVariableColumn<int>("ARR");
        Assert.Equal([1, 2, 3], arrays[0]);
        Assert.Empty(arrays[1]);
        Assert.Equal([[1.0, 2.0, 3.0], []], table.GetVariableColumn<double>("ARR"));
        Assert.Throws<FitsFormatException>(() => table.GetColumn<int>("ARR"));
        // TSCAL 0.5 makes J values non-integral: not readable as int.
        Assert.Throws<FitsFormatException>(() => table.GetColumn<int>("SCALED"));
    }
}
