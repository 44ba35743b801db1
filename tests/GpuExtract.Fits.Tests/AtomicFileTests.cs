using GpuExtract.Testing;
namespace GpuExtract.Fits.Tests;

public class AtomicFileTests
{
    [Fact]
    public void Write_ReplacesTargetOnlyWhenComplete()
    {
        using var dir = new TempDirectory();
        string path = dir.File("out.bin");
        File.WriteAllText(path, "old");
        AtomicFile.Write(path, stream => stream.Write("new content"u8));
        Assert.Equal("new content", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Write_ExceptionMidWriteLeavesNoFileAndNoTempFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("frame.fits");
        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100_000]);
            throw new InvalidOperationException("crash mid-write");
        }));
        Assert.Equal("crash mid-write", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));

        // Also through FitsWriter.WriteFile: an exception after one HDU leaves nothing.
        Assert.Throws<ArgumentException>(() => FitsWriter.WriteFile(path, writer =>
        {
            writer.WriteImage(new FitsHeader(), new float[] { 1, 2 }.AsSpan(), [2]);
            writer.WriteImage(new FitsHeader(), new float[] { 1, 2 }.AsSpan(), [3]);
        }));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Write_UnwritableDirectoryThrowsOutputFileExceptionNamingPath()
    {
        using var dir = new TempDirectory();
        string missing = Path.Combine(dir.Path, "no", "such", "dir", "frame.fits");
        var error = Assert.Throws<OutputFileException>(() => AtomicFile.Write(missing, stream => stream.WriteByte(1)));
        Assert.Contains(missing, error.Message);
        Assert.IsAssignableFrom<IOException>(error);
        Assert.DoesNotContain('\n', error.Message);

        if (!OperatingSystem.IsWindows() && Environment.UserName != "root")
        {
            string readOnly = Path.Combine(dir.Path, "readonly");
            Directory.CreateDirectory(readOnly);
            File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            string target = Path.Combine(readOnly, "frame.fits");
            var denied = Assert.Throws<OutputFileException>(() => AtomicFile.Write(target, stream => stream.WriteByte(1)));
            Assert.Contains(target, denied.Message);
            File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void Write_LegalLongNameSucceeds()
    {
        // 245 characters is a legal file name (the limit is 255 bytes); the temporary name beside it
        // must shorten itself instead of failing with "File name too long".
        using var dir = new TempDirectory();
        string path = dir.File(new string('f', 240) + ".fits");
        AtomicFile.Write(path, stream => stream.Write("frame"u8));
        Assert.Equal("frame", File.ReadAllText(path));
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Write_RemovesStaleTemporaryFilesOfItsOwnNaming()
    {
        using var dir = new TempDirectory();
        string path = dir.File("frame.fits");
        string stale = dir.File(".frame.fits.0123456789abcdef0123456789abcdef.tmp");
        string staleOther = dir.File(".other.fits.fedcba9876543210fedcba9876543210.tmp");
        string foreign = dir.File(".frame.fits.notours.tmp");
        string inUse = dir.File(".busy.fits.00000000000000000000000000000000.tmp");
        foreach (string file in new[] { stale, staleOther, foreign, inUse })
        {
            File.WriteAllText(file, "left by a killed writer");
        }
        // A writer still at work holds its temporary file exclusively: it must be left alone.
        using (new FileStream(inUse, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            AtomicFile.Write(path, stream => stream.Write("new"u8));
        }
        Assert.False(File.Exists(stale), "stale temporary file of the output kept");
        Assert.False(File.Exists(staleOther), "stale temporary file of another output in the folder kept");
        Assert.True(File.Exists(foreign), "a file not of our naming was removed");
        Assert.True(File.Exists(inUse), "a temporary file in use by another writer was removed");
        Assert.Equal("new", File.ReadAllText(path));
    }

    [Fact]
    public void Write_IoErrorWhileWritingIsOutputFileExceptionNamingTheFile()
    {
        // A full disk surfaces as an IOException from Write or Flush (ENOSPC); it is the output's
        // problem and must say which output, and leave nothing behind.
        using var dir = new TempDirectory();
        string path = dir.File("frame.fits");
        var error = Assert.Throws<OutputFileException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new IOException("No space left on device", 28);
        }));
        Assert.Contains(path, error.Message);
        Assert.Contains("No space left on device", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Write_DiskFullOnRealDeviceIsOutputFileException()
    {
        // /dev/full answers every write with ENOSPC. A symlink to it as the temporary folder is not
        // possible, so the writer's own stream is copied there: the exception type is what matters.
        if (!OperatingSystem.IsLinux() || !File.Exists("/dev/full"))
        {
            return;
        }
        using var dir = new TempDirectory();
        string path = dir.File("frame.fits");
        var error = Assert.Throws<OutputFileException>(() => AtomicFile.Write(path, stream =>
        {
            using var full = new FileStream("/dev/full", FileMode.Open, FileAccess.Write);
            full.Write(new byte[1 << 16]);
            full.Flush();
        }));
        Assert.Contains(path, error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Write_ExistingDeviceOrDirectoryUnderTheNameIsRefused()
    {
        using var dir = new TempDirectory();
        string folder = dir.File("frame.fits");
        Directory.CreateDirectory(folder);
        var error = Assert.Throws<OutputFileException>(() => AtomicFile.Write(folder, stream => stream.WriteByte(1)));
        Assert.Contains("directory", error.Message);
        if (OperatingSystem.IsLinux())
        {
            string device = dir.File("null.fits");
            File.CreateSymbolicLink(device, "/dev/null");
            var refused = Assert.Throws<OutputFileException>(() => AtomicFile.Write(device, stream => stream.WriteByte(1)));
            Assert.Contains("not a regular file", refused.Message);
        }
    }
}
