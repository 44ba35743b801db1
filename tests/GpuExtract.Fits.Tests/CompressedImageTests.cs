using GpuExtract.Fits.Compression;
using GpuExtract.Testing;
using Xunit.Abstractions;

namespace GpuExtract.Fits.Tests;

/// <summary>
/// Tile-compressed images written by <see cref="FitsWriter.WriteCompressedImage{T}"/>: bit-exact round
/// trips through our reader, the RICE_1 bit stream against streams coded by hand from the algorithm,
/// the header keywords and checksums.
/// </summary>
public class CompressedImageTests(ITestOutputHelper output)
{
    private static readonly TileCompression[] Methods = [TileCompression.Rice1, TileCompression.Gzip1, TileCompression.Gzip2];

    /// <summary>Tile shapes for a 37 × 53 image: rows (default), partial 2-D tiles, single pixels, the whole image, oversize (clipped).</summary>
    private static readonly int[]?[] TileShapes = [null, [10, 16], [1, 1], [37, 53], [100, 7], [4, 53]];

    private static byte[] WriteToMemory<T>(T[] data, int[] shape, TileCompression compression, FitsHeader? header = null) where T : unmanaged
    {
        using var stream = new MemoryStream();
        using (var writer = new FitsWriter(stream))
        {
            header ??= new FitsHeader();
            header.Set("EXTNAME", "PACKED");
            writer.WriteCompressedImage(header, data.AsSpan(), shape, compression);
        }
        return stream.ToArray();
    }

    private static T[] ReadBack<T>(byte[] file, out FitsHdu hdu) where T : unmanaged
    {
        var fits = FitsFile.Open(new MemoryStream(file), "compressed.fits", verifyChecksums: true);
        hdu = fits["PACKED"];
        return hdu.ReadImage<T>();
    }

    private static string? FirstDifference<T>(T[] expected, T[] actual) where T : unmanaged
    {
        if (expected.Length != actual.Length)
        {
            return $"{actual.Length} values read, {expected.Length} written";
        }
        for (int i = 0; i < expected.Length; i++)
        {
            if (!expected[i].Equals(actual[i]))
            {
                return $"value {i}: wrote {expected[i]}, read {actual[i]}";
            }
        }
        return null;
    }

    private void AssertRoundTrips<T>(string type) where T : unmanaged
    {
        int[] shape = [37, 53];
        T[] data = CompressedImages.EdgeCases<T>(shape[0], shape[1], seed: 3);
        var failures = new List<string>();
        foreach (TileCompression method in Methods)
        {
            foreach (int[]? tiles in TileShapes)
            {
                var compression = new TileCompression { Method = method.Method, TileShape = tiles };
                byte[] file = WriteToMemory(data, shape, compression);
                T[] back = ReadBack<T>(file, out FitsHdu hdu);
                string label = $"{type} {compression.Name} tiles [{string.Join(",", tiles ?? [])}]";
                string? difference = FirstDifference(data, back);
                if (difference is not null || hdu.Kind != HduKind.CompressedImage || !hdu.Shape.SequenceEqual(shape))
                {
                    failures.Add($"{label}: {difference ?? $"kind {hdu.Kind}, shape ({string.Join(",", hdu.Shape)})"}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void RoundTrip_Int16_EveryMethodAndTileShape() => AssertRoundTrips<short>("int16");

    [Fact]
    public void RoundTrip_Int32_EveryMethodAndTileShape() => AssertRoundTrips<int>("int32");

    [Fact]
    public void RoundTrip_UInt8_EveryMethodAndTileShape() => AssertRoundTrips<byte>("uint8");

    [Fact]
    public void RoundTrip_OneDimensionalCubeAndSinglePixelImages()
    {
        var random = new Random(9);
        short[] line = Enumerable.Range(0, 1000).Select(i => (short)(i % 97 == 0 ? short.MinValue : random.Next(-40, 40))).ToArray();
        int[] cube = Enumerable.Range(0, 3 * 9 * 10).Select(i => random.Next(int.MinValue, int.MaxValue)).ToArray();
        foreach (TileCompression method in Methods)
        {
            Assert.Equal(line, ReadBack<short>(WriteToMemory(line, [1000], method), out _));
            Assert.Equal(line, ReadBack<short>(WriteToMemory(line, [1000], new TileCompression { Method = method.Method, TileShape = [64] }), out _));
            var cubeTiles = new TileCompression { Method = method.Method, TileShape = [2, 4, 3] };
            Assert.Equal(cube, ReadBack<int>(WriteToMemory(cube, [3, 9, 10], cubeTiles), out _));
            Assert.Equal(cube, ReadBack<int>(WriteToMemory(cube, [3, 9, 10], method), out _));
            Assert.Equal([int.MaxValue], ReadBack<int>(WriteToMemory(new[] { int.MaxValue }, [1, 1], method), out _));
            Assert.Equal([short.MinValue], ReadBack<short>(WriteToMemory(new[] { short.MinValue }, [1], method), out _));
            Assert.Equal([(byte)255], ReadBack<byte>(WriteToMemory(new byte[] { 255 }, [1, 1], method), out _));
        }
    }

    [Fact]
    public void RoundTrip_RiceBlockSizesOtherThan32()
    {
        short[] data = CompressedImages.EdgeCases<short>(12, 101, seed: 4);
        foreach (int blockSize in new[] { 1, 7, 16, 64, 200 })
        {
            var compression = new TileCompression { BlockSize = blockSize };
            byte[] file = WriteToMemory(data, [12, 101], compression);
            Assert.Equal(data, ReadBack<short>(file, out FitsHdu hdu));
            Assert.Equal(blockSize, hdu.Header.GetInt("ZVAL1"));
        }
    }

    [Fact]
    public void Header_CarriesTheTiledImageKeywordsLikeDesiPreprocMask()
    {
        // The reference preproc MASK (../shared/reference/README.md §3.1): RICE_1, ZBITPIX 16,
        // one-row tiles, BLOCKSIZE 32, BYTEPIX 2, a 1PB column.
        short[] mask = new short[40 * 30];
        mask[77] = 16;
        var header = new FitsHeader();
        header.Set("BUNIT", "bits");
        header.AddComment("DESI ccdmask bits");
        byte[] file = WriteToMemory(mask, [40, 30], TileCompression.Rice1, header);
        using var fits = FitsFile.Open(new MemoryStream(file), "mask.fits", verifyChecksums: true);
        Assert.Equal(2, fits.Hdus.Count);
        FitsHeader h = fits["PACKED"].Header;
        Assert.Equal("BINTABLE", h.GetString("XTENSION"));
        Assert.True(h.GetBool("ZIMAGE"));
        Assert.Equal(16, h.GetInt("ZBITPIX"));
        Assert.Equal(2, h.GetInt("ZNAXIS"));
        Assert.Equal(30, h.GetInt("ZNAXIS1"));
        Assert.Equal(40, h.GetInt("ZNAXIS2"));
        Assert.Equal(30, h.GetInt("ZTILE1"));
        Assert.Equal(1, h.GetInt("ZTILE2"));
        Assert.Equal(40, h.GetInt("NAXIS2"));
        Assert.Equal(8, h.GetInt("NAXIS1"));
        Assert.Equal("RICE_1", h.GetString("ZCMPTYPE"));
        Assert.Equal(("BLOCKSIZE", 32L), (h.GetString("ZNAME1"), h.GetInt("ZVAL1")));
        Assert.Equal(("BYTEPIX", 2L), (h.GetString("ZNAME2"), h.GetInt("ZVAL2")));
        Assert.Equal("COMPRESSED_DATA", h.GetString("TTYPE1"));
        // A zero row of 30 pixels: 2 bytes of first value + one 4-bit zero-block code, rounded up = 3 bytes.
        // Row 2 holds the 16 at column 17: differences +16, −16 map to 32, 31 (sum 63 over 30 pixels);
        // k = 1 costs 60 + 31 = 91 bits (k = 0: 93, k = 2: 105): 16 + 4 + 91 = 111 bits = 14 bytes, the longest.
        byte[][] cells = fits["PACKED"].ReadTable().GetVariableColumn<byte>("COMPRESSED_DATA");
        Assert.Equal(3, cells[0].Length);
        Assert.Equal(14, cells[2].Length);
        Assert.Equal("1PB(14)", h.GetString("TFORM1"));
        Assert.Equal("bits", h.GetString("BUNIT"));
        Assert.Contains(h, c => c.Key == "COMMENT" && (string?)c.Value == "DESI ccdmask bits");
        Assert.Equal(cells.Sum(cell => (long)cell.Length), h.GetInt("PCOUNT"));
    }

    [Fact]
    public void ZChecksums_AreThoseOfTheSameImageWrittenUncompressed()
    {
        int[] data = CompressedImages.EdgeCases<int>(9, 14, seed: 5);
        var header = new FitsHeader();
        header.Set("BUNIT", "count");
        header.Set("LONGSTR", new string('x', 100), "continued over cards");
        byte[] compressed = WriteToMemory(data, [9, 14], TileCompression.Gzip2, header);
        using var stream = new MemoryStream();
        using (var writer = new FitsWriter(stream))
        {
            writer.WriteEmptyPrimary();
            writer.WriteImage(header, data.AsSpan(), [9, 14]);
        }
        using var plain = FitsFile.Open(new MemoryStream(stream.ToArray()), "plain.fits", verifyChecksums: true);
        using var packed = FitsFile.Open(new MemoryStream(compressed), "packed.fits", verifyChecksums: true);
        Assert.Equal(plain[1].Header.GetString("DATASUM"), packed[1].Header.GetString("ZDATASUM"));
        Assert.Equal(plain[1].Header.GetString("CHECKSUM"), packed[1].Header.GetString("ZHECKSUM"));
        // The table's own sums differ (they cover the compressed tiles).
        Assert.NotEqual(packed[1].Header.GetString("ZDATASUM"), packed[1].Header.GetString("DATASUM"));
    }

    [Fact]
    public void Write_ToGzipStreamAndAfterOtherHdus()
    {
        short[] mask = CompressedImages.EdgeCases<short>(20, 33, seed: 6);
        using var stream = new MemoryStream();
        using (var writer = new FitsWriter(stream, gzip: true))
        {
            writer.WriteImage(new FitsHeader(), new float[] { 1, 2, 3 }.AsSpan(), [3]);
            var header = new FitsHeader();
            header.Set("EXTNAME", "MASK");
            writer.WriteCompressedImage(header, mask.AsSpan(), [20, 33], TileCompression.Rice1);
            writer.WriteTable(new FitsHeader(), new FitsTableBuilder(2).AddColumn("X", new[] { 1.0, 2.0 }));
        }
        using var file = FitsFile.Open(new MemoryStream(stream.ToArray()), "mixed.fits.gz", verifyChecksums: true);
        Assert.Equal(3, file.Hdus.Count);
        Assert.Equal(HduKind.CompressedImage, file[1].Kind);
        Assert.Equal(mask, file["MASK"].ReadImage<short>());
        Assert.Equal([1.0, 2.0], file[2].ReadTable().GetColumn<double>("X"));
    }

    [Fact]
    public void Write_RejectsUnsupportedTypesAndShapes()
    {
        using var writer = new FitsWriter(new MemoryStream());
        var header = new FitsHeader();
        Assert.Throws<NotSupportedException>(() => writer.WriteCompressedImage(header, new float[4].AsSpan(), [2, 2], TileCompression.Rice1));
        Assert.Throws<NotSupportedException>(() => writer.WriteCompressedImage(header, new long[4].AsSpan(), [2, 2], TileCompression.Gzip1));
        Assert.Throws<ArgumentException>(() => writer.WriteCompressedImage(header, new short[5].AsSpan(), [2, 2], TileCompression.Rice1));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteCompressedImage(header, new short[0].AsSpan(), [0, 2], TileCompression.Rice1));
        Assert.Throws<ArgumentException>(() => writer.WriteCompressedImage(header, new short[4].AsSpan(), [2, 2], new TileCompression { TileShape = [2] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteCompressedImage(header, new short[4].AsSpan(), [2, 2], new TileCompression { TileShape = [0, 2] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteCompressedImage(header, new short[4].AsSpan(), [2, 2], new TileCompression { BlockSize = 0 }));
        Assert.Equal(0, writer.HduCount);
    }

    /// <summary>Streams coded by hand from the RICE_1 description (FITS Standard 4.0 §10.4.1), see each case.</summary>
    public static TheoryData<int, int, int[], string> HandCodedStreams => new()
    {
        // int16 [3,3,4,2]: first value 0x0003; differences 0,0,1,−2 map to 0,0,2,3 (sum 5): k = 0 costs
        // 4 + 5 = 9 bits, k = 1 costs 8 + 2 = 10, so code 0001, then unary 1 1 001 0001 → 0001 1100 1000 1(000).
        { 2, 4, [3, 3, 4, 2], "00031C88" },
        // int16 constant: first value 0x0007, then two zero blocks (code 0000 each) → one 0x00 byte.
        { 2, 4, [7, 7, 7, 7, 7], "000700" },
        // int16 [0, 32767, −32768, 0]: 16-bit wrapped differences 0, 32767, 1, −32768 map to 0, 65534, 2,
        // 65535; the best split (k = 13) needs 4·14 + 14 = 70 bits, verbatim 64: code 1111 + the four values.
        { 2, 4, [0, 32767, -32768, 0], "0000F0000FFFE0002FFFF0" },
        // uint8 [200, 201]: first byte 0xC8; differences 0, 1 map to 0, 2: k = 0 (4 bits) beats k = 1 (5):
        // code 001 (3 bits), then 1, 001 → 0011 001(0).
        { 1, 32, [200, 201], "C832" },
        // int32 [−1, −1, 1]: first value 0xFFFFFFFF; differences 0, 0, 2 map to 0, 0, 4: k = 1 costs 6 + 2 = 8,
        // k = 0 costs 3 + 4 = 7, k = 2 costs 9 + 1 = 10 → code 00001 (5 bits), then 1 1 00001 → 0000 1110 0001 (0000).
        { 4, 32, [-1, -1, 1], "FFFFFFFF0E10" },
    };

    [Theory]
    [MemberData(nameof(HandCodedStreams))]
    public void RiceEncoder_MatchesStreamsCodedByHand(int bytePix, int blockSize, int[] values, string expectedHex)
    {
        var buffer = new byte[RiceEncoder.MaxEncodedLength(values.Length, bytePix, blockSize)];
        int length = bytePix switch
        {
            1 => RiceEncoder.Encode<byte>(values.Select(v => (byte)v).ToArray(), blockSize, buffer),
            2 => RiceEncoder.Encode<short>(values.Select(v => (short)v).ToArray(), blockSize, buffer),
            _ => RiceEncoder.Encode<int>(values, blockSize, buffer),
        };
        string actual = Convert.ToHexString(buffer, 0, length);
        output.WriteLine($"BYTEPIX {bytePix} [{string.Join(",", values)}]: {actual}, expected {expectedHex}");
        Assert.Equal(expectedHex, actual);
        var decoded = new int[values.Length];
        RiceDecoder.Decode(buffer.AsSpan(0, length), bytePix, blockSize, decoded);
        Assert.Equal(values, decoded);
    }

    [SkippableFact]
    public void RiceEncoder_ReproducesCfitsioTilesOfReferenceMask()
    {
        // bundle0's MASK (cosmic hits) was RICE_1-coded by cfitsio through astropy. Our encoder picks the
        // cheapest code per block, so no tile may come out longer; zero rows must be byte-identical, and
        // for this mask (isolated cosmic bits) cfitsio's choice of k is the cheapest too: every tile matches.
        string? path = TestEnvironment.SharedFile("reference/bundle0-preproc.fits.gz", out string why);
        Skip.If(path is null, why);
        using var file = FitsFile.Open(path!);
        FitsHdu hdu = file["MASK"];
        short[] mask = hdu.ReadImage<short>();
        byte[][] reference = hdu.ReadTable().GetVariableColumn<byte>("COMPRESSED_DATA");
        int width = hdu.Shape[1];
        var buffer = new byte[RiceEncoder.MaxEncodedLength(width, 2, 32)];
        long ours = 0, theirs = 0;
        int identical = 0, longer = 0, nonZeroRows = 0;
        for (int row = 0; row < reference.Length; row++)
        {
            ReadOnlySpan<short> pixels = mask.AsSpan(row * width, width);
            int length = RiceEncoder.Encode(pixels, 32, buffer);
            ours += length;
            theirs += reference[row].Length;
            identical += buffer.AsSpan(0, length).SequenceEqual(reference[row]) ? 1 : 0;
            longer += length > reference[row].Length ? 1 : 0;
            bool zero = !pixels.ContainsAnyExcept((short)0);
            nonZeroRows += zero ? 0 : 1;
            Assert.True(!zero || buffer.AsSpan(0, length).SequenceEqual(reference[row]), $"zero row {row} differs from cfitsio's coding");
        }
        output.WriteLine($"{reference.Length} tiles ({nonZeroRows} with mask bits): ours {ours} bytes, cfitsio {theirs}; {identical} identical, {longer} longer");
        Assert.True(nonZeroRows > 10, $"only {nonZeroRows} rows with mask bits: the comparison would only cover zero rows");
        Assert.Equal(0, longer);
        Assert.Equal(reference.Length, identical);
    }

    [Fact]
    public void RiceEncoder_ZeroRowOfADesiCcdTakes67Bytes()
    {
        // A 4114-pixel zero row: 2 bytes of first value + 129 blocks × 4 bits = 516 bits → 67 bytes,
        // the TFORM '1PB(67)' cfitsio wrote for the reference MASK (../shared/reference, §3.1).
        var zeros = new short[4114];
        var buffer = new byte[RiceEncoder.MaxEncodedLength(zeros.Length, 2, 32)];
        Assert.Equal(67, RiceEncoder.Encode<short>(zeros, 32, buffer));
    }
}
