using GpuExtract.Testing;
namespace GpuExtract.Fits.Tests;

public class ImageTests
{
    private static T[] Ramp<T>(int count, Func<int, T> value) => Enumerable.Range(0, count).Select(value).ToArray();

    private static T[] RoundTrip<T>(T[] data, int[] shape, out FitsHdu hduInfo, out int bitpix) where T : unmanaged
    {
        using var stream = new MemoryStream();
        using (var writer = new FitsWriter(stream))
        {
            var header = new FitsHeader();
            header.Set("EXTNAME", "DATA");
            writer.WriteImage(header, data.AsSpan(), shape);
        }
        stream.Position = 0;
        using var file = FitsFile.Open(stream, "roundtrip.fits", verifyChecksums: true);
        hduInfo = file["DATA"];
        bitpix = hduInfo.Bitpix;
        Assert.Equal(shape, hduInfo.Shape);
        return hduInfo.ReadImage<T>();
    }

    [Fact]
    public void RoundTrip_EveryBitpixAndUnsignedConvention()
    {
        int[] shape = [3, 5, 7];
        int n = 105;
        AssertRoundTrip(Ramp(n, i => (byte)(i * 37)), shape, 8);
        AssertRoundTrip(Ramp(n, i => (sbyte)(i * 37 - 128)), shape, 8);
        AssertRoundTrip(Ramp(n, i => (short)(i * 611 - 32768)), shape, 16);
        AssertRoundTrip(Ramp(n, i => (ushort)(i * 624)), shape, 16);
        AssertRoundTrip(Ramp(n, i => i * 40_000_001 - 2_000_000_000), shape, 32);
        AssertRoundTrip(Ramp(n, i => (uint)i * 40_000_001u), shape, 32);
        AssertRoundTrip(Ramp(n, i => i * 87_000_000_000_000_001L - long.MaxValue), shape, 64);
        AssertRoundTrip(Ramp(n, i => (ulong)i * 175_000_000_000_000_001UL), shape, 64);
        AssertRoundTrip(Ramp(n, i => i == 3 ? float.NaN : MathF.Sin(i) * 1e30f), shape, -32);
        AssertRoundTrip(Ramp(n, i => i == 4 ? double.NegativeInfinity : Math.Cos(i) * 1e-300), shape, -64);
    }

    private static void AssertRoundTrip<T>(T[] data, int[] shape, int expectedBitpix) where T : unmanaged
    {
        T[] back = RoundTrip(data, shape, out _, out int bitpix);
        Assert.Equal(expectedBitpix, bitpix);
        Assert.Equal(data, back);
    }

    [Fact]
    public void RoundTrip_NaxisZeroToFour()
    {
        Assert.Empty(RoundTrip(Array.Empty<float>(), [], out FitsHdu empty, out _));
        Assert.Empty(empty.Shape);
        for (int dims = 1; dims <= 4; dims++)
        {
            int[] shape = Enumerable.Range(2, dims).ToArray();
            int count = shape.Aggregate(1, (a, b) => a * b);
            double[] data = Ramp(count, i => i * 0.25);
            Assert.Equal(data, RoundTrip(data, shape, out _, out _));
        }
    }

    [Fact]
    public void Read_ConvertsBetweenTypesAndUnsignedConventions()
    {
        ushort[] data = [0, 1, 32767, 32768, 65535];
        using var stream = new MemoryStream();
        using (var writer = new FitsWriter(stream))
        {
            writer.WriteImage(new FitsHeader(), data.AsSpan(), [5]);
        }
        stream.Position = 0;
        using var file = FitsFile.Open(stream, "u16.fits");
        Assert.Equal(16, file[0].Bitpix);
        Assert.Equal(32768.0, file[0].Header.GetDouble("BZERO"));
        // Written as an integer card, as astropy needs to recognise the unsigned convention.
        Assert.IsType<long>(file[0].Header.Find("BZERO")!.Value);
        Assert.Equal([0f, 1f, 32767f, 32768f, 65535f], file[0].ReadImage<float>());
        Assert.Equal([0, 1, 32767, 32768, 65535], file[0].ReadImage<int>());
        Assert.Equal([0L, 1, 32767, 32768, 65535], file[0].ReadImage<long>());
        var error = Assert.Throws<FitsFormatException>(() => file[0].ReadImage<short>());
        Assert.Contains("32768", error.Message);
    }

    [Fact]
    public void Read_AppliesBscaleBzeroAndBlankFromHandBuiltFile()
    {
        byte[] bytes = new HandBuiltFits()
            .Header(
                HandBuiltFits.Card("SIMPLE", "T"), HandBuiltFits.Card("BITPIX", "16"), HandBuiltFits.Card("NAXIS", "2"),
                HandBuiltFits.Card("NAXIS1", "3"), HandBuiltFits.Card("NAXIS2", "2"),
                HandBuiltFits.Card("BSCALE", "0.5"), HandBuiltFits.Card("BZERO", "100.0"), HandBuiltFits.Card("BLANK", "-32768"))
            .Data(HandBuiltFits.BigEndian16(0, 1, -2, 300, -32768, 32767))
            .ToArray();
        using var file = FitsFile.Open(new MemoryStream(bytes), "scaled.fits");
        double[] values = file[0].ReadImage<double>();
        Assert.Equal([2, 3], file[0].Shape);
        Assert.Equal(new double[] { 100, 100.5, 99, 250, double.NaN, 16483.5 }, values);
        // Non-integer scaling cannot be read as integers.
        Assert.Throws<FitsFormatException>(() => file[0].ReadImage<int>());
    }

    [Fact]
    public void Read_ReadsBigEndianInt32RowMajor()
    {
        byte[] bytes = new HandBuiltFits()
            .Header(
                HandBuiltFits.Card("SIMPLE", "T"), HandBuiltFits.Card("BITPIX", "32"), HandBuiltFits.Card("NAXIS", "2"),
                HandBuiltFits.Card("NAXIS1", "2"), HandBuiltFits.Card("NAXIS2", "3"))
            .Data(HandBuiltFits.BigEndian32(1, 2, 3, 4, -5, 0x12345678))
            .ToArray();
        using var file = FitsFile.Open(new MemoryStream(bytes), "be.fits");
        Assert.Equal([3, 2], file[0].Shape);
        Assert.Equal([1, 2, 3, 4, -5, 0x12345678], file[0].ReadImage<int>());
        Assert.Equal([1.0, 2, 3, 4, -5, 0x12345678], file[0].ReadImage<double>());
    }

    [Fact]
    public void MultiHduFile_AccessByIndexNameAndExtver_PlainAndGzip()
    {
        using var dir = new TempDirectory();
        foreach (string name in new[] { "multi.fits", "multi.fits.gz" })
        {
            string path = dir.File(name);
            FitsWriter.WriteFile(path, writer =>
            {
                var primary = new FitsHeader();
                primary.Set("EXTNAME", "IMAGE");
                primary.Set("CAMERA", "r0");
                writer.WriteImage(primary, new float[] { 1, 2, 3, 4, 5, 6 }.AsSpan(), [2, 3]);
                var ivar = new FitsHeader();
                ivar.Set("EXTNAME", "IVAR");
                writer.WriteImage(ivar, new float[] { 6, 5, 4, 3, 2, 1 }.AsSpan(), [2, 3]);
                var second = new FitsHeader();
                second.Set("EXTNAME", "IVAR");
                second.Set("EXTVER", 2);
                writer.WriteImage(second, new short[] { 7, 8 }.AsSpan(), [2]);
                writer.WriteTable(new FitsHeader(), new FitsTableBuilder(2).AddColumn("X", new[] { 1.5, 2.5 }));
            });
            byte[] head = File.ReadAllBytes(path)[..2];
            Assert.Equal(name.EndsWith(".gz"), head[0] == 0x1F && head[1] == 0x8B);
            using var file = FitsFile.Open(path, verifyChecksums: true);
            Assert.Equal(4, file.Hdus.Count);
            Assert.Equal("IMAGE", file[0].Name);
            Assert.Equal("r0", file["image"].Header.GetString("CAMERA"));
            Assert.Equal([6f, 5, 4, 3, 2, 1], file["IVAR"].ReadImage<float>());
            Assert.True(file.TryGetHdu("IVAR", out FitsHdu ivar2, extver: 2));
            Assert.Equal([7, 8], ivar2.ReadImage<int>());
            Assert.False(file.TryGetHdu("IVAR", out _, extver: 3));
            Assert.Equal(HduKind.BinaryTable, file[3].Kind);
            Assert.Equal([1.5, 2.5], file[3].ReadTable().GetColumn<double>("X"));
            var missing = Assert.Throws<FitsFormatException>(() => file["NOPE"]);
            Assert.Contains("no HDU named NOPE in file", missing.Message);
        }
    }

    [Fact]
    public void WriteImage_DropsStructuralKeywordsOfCopiedHeaders()
    {
        var copied = new FitsHeader();
        copied.Set("NAXIS", 7);
        copied.Set("BZERO", 5.0);
        copied.Set("ZCMPTYPE", "RICE_1");
        copied.Set("TFORM1", "J");
        copied.Set("CHECKSUM", "xxxx");
        copied.Set("EXPID", 1234);
        using var stream = new MemoryStream();
        using (var writer = new FitsWriter(stream))
        {
            writer.WriteImage(copied, new int[] { 1, 2 }.AsSpan(), [2]);
        }
        stream.Position = 0;
        using var file = FitsFile.Open(stream, "copied.fits", verifyChecksums: true);
        FitsHeader header = file[0].Header;
        Assert.Equal(1, header.GetInt("NAXIS"));
        Assert.False(header.Contains("BZERO"));
        Assert.False(header.Contains("ZCMPTYPE"));
        Assert.False(header.Contains("TFORM1"));
        Assert.Equal(1234, header.GetInt("EXPID"));
        Assert.Equal([1, 2], file[0].ReadImage<int>());
    }
}
