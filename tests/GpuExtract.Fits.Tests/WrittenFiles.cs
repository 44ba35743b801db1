using System.Runtime.InteropServices;

namespace GpuExtract.Fits.Tests;

/// <summary>
/// Files of every kind this library writes (images of each BITPIX and unsigned convention, tables
/// of every column type including variable-length arrays, tile-compressed images of every method,
/// multi-HDU, long strings, gzip), with the values written recorded as
/// little-endian .bin files and manifest lines "file|hdu|kind|name|dtype|bin" for an independent reader.
/// </summary>
public sealed class WrittenFiles
{
    private readonly string _directory;
    private readonly List<string> _manifest = [];
    private int _count;

    public WrittenFiles(string directory)
    {
        _directory = directory;
        Files = [];
        WriteImages("images.fits");
        WriteImages("images.fits.gz");
        WriteTables("tables.fits");
        WriteLongHeader("longheader.fits");
        WriteCompressed("compressed.fits");
        WriteCompressed("compressed.fits.gz");
    }

    /// <summary>Paths of the files written.</summary>
    public List<string> Files { get; }

    /// <summary>The manifest text for the python checker.</summary>
    public string Manifest => string.Join("\n", _manifest);

    /// <summary>The long string value written to LONGSTR (quotes, more than three cards).</summary>
    public const string LongString = "A long value with 'quotes', & ampersands and more than sixty-eight characters, so that it continues over several CONTINUE cards: 0123456789 abcdefghij";

    private void Expect<T>(string file, int hdu, string kind, string name, T[] values) where T : unmanaged
    {
        string bin = $"ours-{++_count}.bin";
        File.WriteAllBytes(Path.Combine(_directory, bin), MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
        string dtype = typeof(T).Name switch
        {
            "Byte" => "uint8",
            "SByte" => "int8",
            "Int16" => "int16",
            "UInt16" => "uint16",
            "Int32" => "int32",
            "UInt32" => "uint32",
            "Int64" => "int64",
            "UInt64" => "uint64",
            "Single" => "float32",
            "Double" => "float64",
            "Boolean" => "bool",
            _ => throw new NotSupportedException(typeof(T).Name),
        };
        _manifest.Add($"{file}|{hdu}|{kind}|{name}|{dtype}|{bin}");
    }

    /// <summary>A variable-length column: the values concatenated in the .bin, the row lengths (int64) in .bin.len.</summary>
    private void ExpectVariable<T>(string file, int hdu, string column, T[][] rows) where T : unmanaged
    {
        Expect(file, hdu, "vla", column, rows.SelectMany(r => r).ToArray());
        string bin = _manifest[^1].Split('|')[^1];
        File.WriteAllBytes(Path.Combine(_directory, bin + ".len"), MemoryMarshal.AsBytes(rows.Select(r => (long)r.Length).ToArray().AsSpan()).ToArray());
    }

    private void WriteImages(string name)
    {
        string path = Path.Combine(_directory, name);
        Files.Add(path);
        var random = new Random(5);
        int hdu = 0;
        FitsWriter.WriteFile(path, writer =>
        {
            void Image<T>(string extname, T[] data, int[] shape) where T : unmanaged
            {
                var header = new FitsHeader();
                header.Set("EXTNAME", extname, "extension name");
                if (hdu == 0)
                {
                    header.Set("LONGSTR", LongString, "a long string");
                    header.Set("EXPTIME", 900.123456789012, "[s] exposure");
                    header.Set("TINY", -1.25e-300);
                    header.Set("FLAG", true);
                    header.Set("NIGHT", 20201231L);
                    header.Set("QUOTED", "it's");
                    header.AddComment("written by GpuExtract.Fits tests");
                    header.AddHistory("history card");
                }
                writer.WriteImage(header, data.AsSpan(), shape);
                Expect(name, hdu, "image", extname, data);
                hdu++;
            }

            int[] shape = [6, 7];
            Image("U8", Enumerable.Range(0, 42).Select(i => (byte)random.Next(256)).ToArray(), shape);
            Image("I8", Enumerable.Range(0, 42).Select(i => (sbyte)random.Next(-128, 128)).ToArray(), shape);
            Image("I16", Enumerable.Range(0, 42).Select(i => (short)random.Next(short.MinValue, short.MaxValue + 1)).ToArray(), shape);
            Image("U16", Enumerable.Range(0, 42).Select(i => (ushort)random.Next(0, 65536)).ToArray(), shape);
            Image("I32", Enumerable.Range(0, 42).Select(i => random.Next(int.MinValue, int.MaxValue)).ToArray(), shape);
            Image("U32", Enumerable.Range(0, 42).Select(i => (uint)random.NextInt64(0, uint.MaxValue + 1L)).ToArray(), shape);
            Image("I64", Enumerable.Range(0, 42).Select(i => random.NextInt64(long.MinValue, long.MaxValue)).ToArray(), shape);
            Image("U64", Enumerable.Range(0, 42).Select(i => (ulong)random.NextInt64() * 2 + (ulong)(i & 1)).ToArray(), shape);
            Image("F32", Enumerable.Range(0, 42).Select(i => i == 5 ? float.NaN : (float)(random.NextDouble() * 1e6 - 5e5)).ToArray(), shape);
            Image("F64", Enumerable.Range(0, 42).Select(i => i == 6 ? double.NaN : random.NextDouble() * 1e-200).ToArray(), shape);
            Image("CUBE3", Enumerable.Range(0, 24).Select(i => (float)i).ToArray(), [2, 3, 4]);
            Image("CUBE4", Enumerable.Range(0, 48).Select(i => (short)(i - 24)).ToArray(), [2, 2, 3, 4]);
            Image("VECTOR", Enumerable.Range(0, 5).Select(i => i * 1.5).ToArray(), [5]);
        });
    }

    private void WriteTables(string name)
    {
        string path = Path.Combine(_directory, name);
        Files.Add(path);
        const int rows = 5;
        bool[] flags = Enumerable.Range(0, rows * 2).Select(i => i % 3 == 0).ToArray();
        byte[] bytes = [0, 1, 127, 128, 255];
        sbyte[] sbytes = [-128, -1, 0, 1, 127];
        short[] grid = Enumerable.Range(0, rows * 6).Select(i => (short)(i * 100 - 1500)).ToArray();
        ushort[] ushorts = [0, 1, 32767, 32768, 65535];
        int[] ints = [int.MinValue, -1, 0, 1, int.MaxValue];
        uint[] uints = [0, 1, 2147483647, 2147483648, uint.MaxValue];
        long[] longs = [long.MinValue, -1, 0, 1, long.MaxValue];
        ulong[] ulongs = [0, 1, 9223372036854775807, 9223372036854775808, ulong.MaxValue];
        float[] spectra = Enumerable.Range(0, rows * 4).Select(i => i == 3 ? float.NaN : i * 0.1f).ToArray();
        double[] cube = Enumerable.Range(0, rows * 24).Select(i => Math.Sqrt(i)).ToArray();
        string[] names = ["ELG", "QSO", "", "a long name", "x"];
        short[][] varShorts = [[1, -2, short.MaxValue], [], [short.MinValue], [0, 0, 0, 0, 0, 7], [5]];
        int[][] varInts = [[int.MinValue], [1, 2], [], [int.MaxValue, -1], [3, 3, 3]];
        float[][] varFloats = [[1.5f, float.NaN], [0f], [], [-2f, 3e30f, 1e-30f], []];
        double[][] varDoubles = [[Math.PI], [], [1, 2, 3, 4, 5, 6, 7, 8], [-0.0], [double.MaxValue]];
        byte[][] varBytes = [[0, 255], [1], [], [], [7, 8, 9]];
        FitsWriter.WriteFile(path, writer =>
        {
            var primary = new FitsHeader();
            primary.Set("ORIGIN", "GpuExtract tests");
            writer.WriteEmptyPrimary(primary);
            var header = new FitsHeader();
            header.Set("EXTNAME", "FIBERMAP");
            header.Set("LONGSTR", LongString);
            writer.WriteTable(header, new FitsTableBuilder(rows)
                .AddColumn("FLAGS", flags, [2])
                .AddColumn("BYTE", bytes)
                .AddColumn("SBYTE", sbytes)
                .AddColumn("GRID", grid, [2, 3], unit: "count")
                .AddColumn("USHORT", ushorts)
                .AddColumn("INT", ints)
                .AddColumn("UINT", uints)
                .AddColumn("LONG", longs)
                .AddColumn("ULONG", ulongs)
                .AddColumn("SPEC", spectra, [4], unit: "erg/s/cm2/Angstrom")
                .AddColumn("CUBE", cube, [2, 3, 4])
                .AddStringColumn("NAME", names)
                .AddVariableColumn("VSHORT", varShorts)
                .AddVariableColumn("VINT", varInts, unit: "count")
                .AddVariableColumn("VFLOAT", varFloats)
                .AddVariableColumn("VDOUBLE", varDoubles)
                .AddVariableColumn("VBYTE", varBytes));
            var second = new FitsHeader();
            second.Set("EXTNAME", "EMPTYISH");
            writer.WriteTable(second, new FitsTableBuilder(0).AddColumn("X", Array.Empty<double>()));
        });
        Expect(name, 1, "column", "FLAGS", flags);
        Expect(name, 1, "column", "BYTE", bytes);
        Expect(name, 1, "column", "SBYTE", sbytes);
        Expect(name, 1, "column", "GRID", grid);
        Expect(name, 1, "column", "USHORT", ushorts);
        Expect(name, 1, "column", "INT", ints);
        Expect(name, 1, "column", "UINT", uints);
        Expect(name, 1, "column", "LONG", longs);
        Expect(name, 1, "column", "ULONG", ulongs);
        Expect(name, 1, "column", "SPEC", spectra);
        Expect(name, 1, "column", "CUBE", cube);
        ExpectVariable(name, 1, "VSHORT", varShorts);
        ExpectVariable(name, 1, "VINT", varInts);
        ExpectVariable(name, 1, "VFLOAT", varFloats);
        ExpectVariable(name, 1, "VDOUBLE", varDoubles);
        ExpectVariable(name, 1, "VBYTE", varBytes);
        File.WriteAllText(Path.Combine(_directory, "names.txt"), string.Join("\n", names));
        _manifest.Add($"{name}|1|strings|NAME|str|names.txt");
    }

    /// <summary>Tile-compressed HDUs: RICE_1 (int16 with DESI's row tiles, 2-D partial tiles, int32, uint8, a cube), GZIP_1, GZIP_2.</summary>
    private void WriteCompressed(string name)
    {
        string path = Path.Combine(_directory, name);
        Files.Add(path);
        int hdu = 1;
        FitsWriter.WriteFile(path, writer =>
        {
            var primary = new FitsHeader();
            primary.Set("ORIGIN", "GpuExtract tests");
            writer.WriteEmptyPrimary(primary);

            void Compressed<T>(string extname, T[] data, int[] shape, TileCompressionMethod method, int[]? tiles = null) where T : unmanaged
            {
                var header = new FitsHeader();
                header.Set("EXTNAME", extname, "extension name");
                header.Set("BUNIT", "count");
                header.AddComment("tile-compressed by GpuExtract.Fits tests");
                writer.WriteCompressedImage(header, data.AsSpan(), shape, new TileCompression { Method = method, TileShape = tiles });
                Expect(name, hdu++, "image", extname, data);
            }

            short[] i16 = CompressedImages.EdgeCases<short>(37, 53, seed: 1);
            int[] i32 = CompressedImages.EdgeCases<int>(37, 53, seed: 2);
            byte[] u8 = CompressedImages.EdgeCases<byte>(20, 70, seed: 3);
            short[] mask = new short[64 * 4114];
            mask[3 * 4114 + 1000] = 16;
            mask[3 * 4114 + 1001] = 16;
            mask[40 * 4114 + 4113] = 2;
            int[] cube = CompressedImages.EdgeCases<int>(3 * 9, 10, seed: 4);
            Compressed("MASK", mask, [64, 4114], TileCompressionMethod.Rice1);
            Compressed("R16", i16, [37, 53], TileCompressionMethod.Rice1);
            Compressed("R16T", i16, [37, 53], TileCompressionMethod.Rice1, [10, 16]);
            Compressed("R32", i32, [37, 53], TileCompressionMethod.Rice1);
            Compressed("R32T", i32, [37, 53], TileCompressionMethod.Rice1, [1, 1]);
            Compressed("R8", u8, [20, 70], TileCompressionMethod.Rice1);
            Compressed("CUBE", cube, [3, 9, 10], TileCompressionMethod.Rice1, [2, 4, 3]);
            Compressed("G16", i16, [37, 53], TileCompressionMethod.Gzip1);
            Compressed("G32", i32, [37, 53], TileCompressionMethod.Gzip1, [4, 53]);
            Compressed("G8", u8, [20, 70], TileCompressionMethod.Gzip1);
            Compressed("G2_16", i16, [37, 53], TileCompressionMethod.Gzip2);
            Compressed("G2_32", i32, [37, 53], TileCompressionMethod.Gzip2, [10, 16]);
            Compressed("PIXEL", new short[] { -7 }, [1, 1], TileCompressionMethod.Rice1);
        });
    }

    private void WriteLongHeader(string name)
    {
        string path = Path.Combine(_directory, name);
        Files.Add(path);
        FitsWriter.WriteFile(path, writer =>
        {
            var header = new FitsHeader();
            for (int i = 0; i < 60; i++)
            {
                header.Set($"KEY{i}", i % 2 == 0 ? $"value {i} with 'quote'" : i * 1.5, $"comment {i}");
            }
            header.Set("LONGSTR", LongString + " " + LongString);
            header.AddComment(new string('c', 200));
            writer.WriteEmptyPrimary(header);
        });
        File.WriteAllText(Path.Combine(_directory, "long.txt"), LongString + " " + LongString);
        _manifest.Add($"{name}|0|header|LONGSTR|str|long.txt");
    }
}
