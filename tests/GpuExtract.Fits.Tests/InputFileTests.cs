using System.Diagnostics;
using System.IO.Compression;
using GpuExtract.Testing;

namespace GpuExtract.Fits.Tests;

/// <summary>
/// Inputs that are not FITS files one can read: special files, symlink loops, images too large for
/// one array. Each must end in one domain exception naming the file, never a hang or a crash.
/// </summary>
public class InputFileTests
{
    /// <summary>A FITS file of one primary 2-D float image (zeros) with the given axes, written sparse.</summary>
    internal static string SparseImage(TempDirectory dir, string name, long naxis1, long naxis2, int bitpix = -32)
    {
        string path = dir.File(name);
        byte[] header = new HandBuiltFits().Header(
            HandBuiltFits.Card("SIMPLE", "T"),
            HandBuiltFits.Card("BITPIX", bitpix.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            HandBuiltFits.Card("NAXIS", "2"),
            HandBuiltFits.Card("NAXIS1", naxis1.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            HandBuiltFits.Card("NAXIS2", naxis2.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        using var stream = new FileStream(path, FileMode.CreateNew);
        stream.Write(header);
        long data = naxis1 * naxis2 * Math.Abs(bitpix) / 8;
        stream.SetLength(header.Length + FitsLayout.Padded(data));
        return path;
    }

    private static string SmallImage(TempDirectory dir, string name)
    {
        string path = dir.File(name);
        FitsWriter.WriteFile(path, writer => writer.WriteImage(new FitsHeader(), new float[] { 1, 2, 3, 4 }.AsSpan(), [2, 2]));
        return path;
    }

    private static void MakeFifo(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    /// <summary>Runs <paramref name="open"/> with a deadline: a reader blocked on a special file fails the test instead of hanging it.</summary>
    private static Exception OpenWithDeadline(Action open)
    {
        var task = Task.Run(() => Record.Exception(open));
        Assert.True(task.Wait(TimeSpan.FromSeconds(10)), "opening did not return within 10 s (blocked on a special file)");
        return task.Result ?? throw new Xunit.Sdk.XunitException("opening succeeded but should have been refused");
    }

    [Fact]
    public void Open_DirectoryIsRefusedNamingIt()
    {
        using var dir = new TempDirectory();
        var error = Assert.IsType<InputFileException>(OpenWithDeadline(() => FitsFile.Open(dir.Path).Dispose()));
        Assert.Contains(dir.Path, error.Message);
        Assert.Contains("directory", error.Message);
    }

    [Fact]
    public void Open_FifoIsRefusedWithoutBlocking()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var dir = new TempDirectory();
        string fifo = dir.File("preproc.fits");
        MakeFifo(fifo);
        var error = Assert.IsType<InputFileException>(OpenWithDeadline(() => FitsFile.Open(fifo).Dispose()));
        Assert.Contains(fifo, error.Message);
        Assert.Contains("FIFO", error.Message);
    }

    [Fact]
    public void Open_PipeNamedThroughProcFdIsRefused()
    {
        // What "gzip -c preproc.fits.gz | gpuextract extract -i /dev/stdin" hands the reader: a path
        // that resolves to a pipe holding gzip bytes. It cannot be read at an offset; refuse it.
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
        pipe.Write([0x1F, 0x8B, 8, 0]);
        string path = $"/proc/self/fd/{pipe.ClientSafePipeHandle.DangerousGetHandle()}";
        var error = Assert.IsType<InputFileException>(OpenWithDeadline(() => FitsFile.Open(path).Dispose()));
        Assert.Contains(path, error.Message);
        Assert.Contains("FIFO", error.Message);
    }

    [Fact]
    public void Open_CharacterDeviceIsRefused()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var error = Assert.IsType<InputFileException>(OpenWithDeadline(() => FitsFile.Open("/dev/zero").Dispose()));
        Assert.Contains("/dev/zero", error.Message);
        Assert.Contains("device", error.Message);
    }

    [Fact]
    public void Open_SymlinkLoopIsRefused()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var dir = new TempDirectory();
        string a = dir.File("a.fits");
        string b = dir.File("b.fits");
        File.CreateSymbolicLink(a, b);
        File.CreateSymbolicLink(b, a);
        var error = Assert.IsType<InputFileException>(OpenWithDeadline(() => FitsFile.Open(a).Dispose()));
        Assert.Contains(a, error.Message);
    }

    [Fact]
    public void Open_SymlinkToRegularFileIsRead()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var dir = new TempDirectory();
        string target = SmallImage(dir, "real.fits");
        string link = dir.File("link.fits");
        File.CreateSymbolicLink(link, target);
        using var file = FitsFile.Open(link);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, file[0].ReadImage<float>());
    }

    [Fact]
    public void Open_MissingFileIsStillFileNotFound()
    {
        using var dir = new TempDirectory();
        Assert.Throws<FileNotFoundException>(() => FitsFile.Open(dir.File("absent.fits")));
    }

    [Fact]
    public void ReadImage_ImageLargerThanOneArrayIsAFormatErrorNotAnOverflow()
    {
        // 30000 × 30000 float32 = 3.6 GB: more bytes than one .NET array holds (2^31 − 1). The file is
        // sparse, so it costs no disk; the read must be refused before anything is allocated.
        using var dir = new TempDirectory();
        string path = SparseImage(dir, "huge.fits", 30000, 30000);
        using var file = FitsFile.Open(path);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<FitsFormatException>(() => file[0].ReadImage<float>());
        Assert.Contains("too large", error.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the refusal allocated the image first");

        // Read as double the same image needs 7.2 GB: refused as well.
        Assert.Throws<FitsFormatException>(() => file[0].ReadImage<double>());
    }

    [Fact]
    public void ReadImage_CompressedImageLargerThanOneArrayIsAFormatError()
    {
        // A tile-compressed image declaring ZNAXIS 30000 × 30000 in a small file.
        using var dir = new TempDirectory();
        string path = dir.File("huge-compressed.fits");
        FitsWriter.WriteFile(path, writer => writer.WriteCompressedImage<int>(new FitsHeader(), new int[4], [2, 2], TileCompression.Rice1));
        byte[] bytes = File.ReadAllBytes(path);
        string text = System.Text.Encoding.ASCII.GetString(bytes);
        foreach (string key in new[] { "ZNAXIS1", "ZNAXIS2" })
        {
            int at = text.IndexOf(key.PadRight(8) + "=", StringComparison.Ordinal);
            Assert.True(at >= 0, key);
            byte[] card = System.Text.Encoding.ASCII.GetBytes(HandBuiltFits.Card(key, "30000").PadRight(80));
            card.CopyTo(bytes, at);
        }
        // The tile table still describes 2 tiles; the CHECKSUM is now wrong but not verified here.
        File.WriteAllBytes(path, bytes);
        using var file = FitsFile.Open(path);
        var error = Assert.ThrowsAny<FitsFormatException>(() => file[1].ReadImage<float>());
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Open_GzipWithBadCrcSaysSo()
    {
        using var dir = new TempDirectory();
        string plain = SmallImage(dir, "small.fits");
        string gz = dir.File("small.fits.gz");
        using (var output = File.Create(gz))
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(File.ReadAllBytes(plain));
        }
        byte[] bytes = File.ReadAllBytes(gz);
        bytes[^8] ^= 0xFF; // the CRC-32 of the gzip trailer
        File.WriteAllBytes(gz, bytes);
        var error = Assert.Throws<FitsFormatException>(() => FitsFile.Open(gz).Dispose());
        Assert.Contains(gz, error.Message);
        Assert.DoesNotContain("unsupported compression method", error.Message);
        Assert.Contains("CRC", error.Message);
    }
}
