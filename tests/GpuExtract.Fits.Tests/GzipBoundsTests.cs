using System.IO.Compression;
using GpuExtract.Testing;

namespace GpuExtract.Fits.Tests;

/// <summary>
/// Gzip inflation is bounded by what the FITS headers declare, and its spill file never outlives
/// the process, even one killed with SIGKILL (it has no name while in use).
/// </summary>
public class GzipBoundsTests
{
    /// <summary>A 2 × 2 float image (one header block + one data block = 5,760 bytes) followed by <paramref name="trailingZeros"/>.</summary>
    private static byte[] GzipOfImage(long trailingZeros, byte fill = 0)
    {
        byte[] fits = new HandBuiltFits().Header(
            HandBuiltFits.Card("SIMPLE", "T"), HandBuiltFits.Card("BITPIX", "-32"), HandBuiltFits.Card("NAXIS", "2"),
            HandBuiltFits.Card("NAXIS1", "2"), HandBuiltFits.Card("NAXIS2", "2"))
            .Data(new byte[16]).ToArray();
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(fits);
            byte[] block = new byte[1 << 20];
            block.AsSpan().Fill(fill);
            for (long done = 0; done < trailingZeros; done += block.Length)
            {
                gzip.Write(block, 0, (int)Math.Min(block.Length, trailingZeros - done));
            }
        }
        return output.ToArray();
    }

    [Fact]
    public void Inflate_StopsAfterTheDeclaredHdusInsteadOfInflatingABomb()
    {
        // 256 MB of zeros after a 5,760-byte FITS file compress to a few MB at most: a small bomb. Only the
        // declared HDU and one block beyond it (to see that no XTENSION follows) may be inflated.
        byte[] gz = GzipOfImage(256L << 20);
        Assert.True(gz.Length < (256 << 20) / 64, $"bomb is {gz.Length} bytes compressed");
        using var source = GzipContent.Inflate(new MemoryStream(gz), "bomb.fits.gz");
        Assert.True(source.Length <= 2 * 2880 + 2880, $"inflated {source.Length} bytes for 5,760 declared");

        using var file = FitsFile.Open(new MemoryStream(gz), "bomb.fits.gz");
        Assert.Equal(new float[4], file[0].ReadImage<float>());
    }

    [Fact]
    public void Inflate_GarbageAfterTheLastHduIsStillReported()
    {
        byte[] gz = GzipOfImage(2880, fill: (byte)'x');
        var error = Assert.Throws<FitsFormatException>(() => FitsFile.Open(new MemoryStream(gz), "garbage.fits.gz").Dispose());
        Assert.Contains("not an XTENSION", error.Message);
    }

    [Fact]
    public void Inflate_WholeValidFileIsReadAndItsCrcChecked()
    {
        // Several HDUs: every one of them must be inflated (the bound is the sum of the declared sizes).
        using var dir = new TempDirectory();
        string path = dir.File("three.fits.gz");
        FitsWriter.WriteFile(path, writer =>
        {
            writer.WriteImage(new FitsHeader(), new float[] { 1, 2 }.AsSpan(), [2]);
            writer.WriteImage(new FitsHeader(), new double[5000].AsSpan(), [50, 100]);
            writer.WriteImage(new FitsHeader(), new int[] { 7 }.AsSpan(), [1]);
        });
        using var file = FitsFile.Open(path, verifyChecksums: true);
        Assert.Equal(3, file.Hdus.Count);
        Assert.Equal(new[] { 7 }, file[2].ReadImage<int>());
    }

    [Fact]
    public void Inflate_SpillFileHasNoNameWhileInUse()
    {
        // With a 1 MiB memory limit a 3 MB image spills; the spill file must be unlinked at once so
        // that no kill, however abrupt, leaves it behind in the temporary folder.
        using var dir = new TempDirectory();
        var values = new float[750_000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i;
        }
        var plain = new MemoryStream();
        using (var writer = new FitsWriter(plain, gzip: true))
        {
            writer.WriteImage(new FitsHeader(), values.AsSpan(), [values.Length]);
        }
        plain.Position = 0;
        // A spill file left by an earlier version killed mid-inflation (named, unlocked) is removed.
        string stale = Path.Combine(dir.Path, "gpuextract-fits-0123456789abcdef0123456789abcdef.tmp");
        File.WriteAllText(stale, "13.8 GB once");
        using var source = GzipContent.Inflate(plain, "spill.fits.gz", memoryLimit: 1 << 20, spillDirectory: dir.Path);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
        Assert.True(source.Length > 3_000_000, $"inflated {source.Length} bytes");
        var last = new byte[4];
        Assert.True(source.TryReadExactly(2880 + 4L * (values.Length - 1), last));
        Assert.Equal(values[^1], BitConverter.ToSingle([last[3], last[2], last[1], last[0]]));
    }
}
