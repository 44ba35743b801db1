using GpuExtract.Testing;
namespace GpuExtract.Fits.Tests;

public class StreamTests
{
    /// <summary>A read-only stream that counts the bytes read through it and can hide its seekability.</summary>
    private sealed class CountingStream(Stream inner, bool seekable) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => seekable;

        public override bool CanWrite => false;

        public override long Length => seekable ? inner.Length : throw new NotSupportedException();

        public override long Position
        {
            get => seekable ? inner.Position : throw new NotSupportedException();
            set
            {
                if (!seekable)
                {
                    throw new NotSupportedException();
                }
                inner.Position = value;
            }
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => seekable ? inner.Seek(offset, origin) : throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static byte[] TwoImageFile(bool gzip)
    {
        using var stream = new MemoryStream();
        using (var writer = new FitsWriter(stream, gzip))
        {
            var big = new FitsHeader();
            big.Set("EXTNAME", "BIG");
            writer.WriteImage(big, new double[500_000].AsSpan(), [500, 1000]);
            var small = new FitsHeader();
            small.Set("EXTNAME", "SMALL");
            writer.WriteImage(small, new short[] { 1, -2, 3 }.AsSpan(), [3]);
        }
        return stream.ToArray();
    }

    [Fact]
    public void Open_ReadingOneHduSkipsOtherHdusData()
    {
        byte[] bytes = TwoImageFile(gzip: false);
        var counting = new CountingStream(new MemoryStream(bytes), seekable: true);
        using var file = FitsFile.Open(counting, "two.fits");
        Assert.Equal([1, -2, 3], file["SMALL"].ReadImage<short>());
        // Two headers and the 3-value data unit, not the 4 MB image before them.
        Assert.True(counting.BytesRead < 4 * 2880, $"read {counting.BytesRead} bytes of a {bytes.Length}-byte file to get one small HDU");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Open_AcceptsNonSeekableStreamsPlainAndGzip(bool gzip)
    {
        byte[] bytes = TwoImageFile(gzip);
        Assert.Equal(gzip, bytes[0] == 0x1F && bytes[1] == 0x8B);
        using var file = FitsFile.Open(new CountingStream(new MemoryStream(bytes), seekable: false), "pipe.fits", verifyChecksums: true);
        Assert.Equal([500, 1000], file["BIG"].Shape);
        Assert.Equal([1.0f, -2, 3], file["SMALL"].ReadImage<float>());
    }

    [Fact]
    public void Writer_NonSeekableStreamGivesTheSameBytesAsSeekable()
    {
        var header = new FitsHeader();
        header.Set("EXTNAME", "X");
        float[] data = Enumerable.Range(0, 300_001).Select(i => i * 0.25f).ToArray();
        using var seekable = new MemoryStream();
        using (var writer = new FitsWriter(seekable))
        {
            writer.WriteImage(header, data.AsSpan(), [data.Length]);
        }
        using var sink = new MemoryStream();
        using (var writer = new FitsWriter(new WriteOnlyStream(sink)))
        {
            writer.WriteImage(header, data.AsSpan(), [data.Length]);
        }
        Assert.Equal(seekable.ToArray(), sink.ToArray());
    }

    /// <summary>A forward-only stream, like a pipe or socket.</summary>
    private sealed class WriteOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }

    [Fact]
    public void Open_UnreadablePathsThrowIOException()
    {
        using var dir = new TempDirectory();
        Assert.Throws<FileNotFoundException>(() => FitsFile.Open(dir.File("missing.fits")));
        Assert.ThrowsAny<IOException>(() => FitsFile.Open(dir.Path));
        File.WriteAllBytes(dir.File("empty.fits"), []);
        var empty = Assert.Throws<FitsFormatException>(() => FitsFile.Open(dir.File("empty.fits")));
        Assert.Contains("empty.fits", empty.Message);
        File.WriteAllText(dir.File("text.fits"), "hello, this is not FITS");
        var text = Assert.Throws<FitsFormatException>(() => FitsFile.Open(dir.File("text.fits")));
        Assert.Contains("text.fits", text.Message);
        Assert.Contains("not a FITS file", text.Message);
    }
}
