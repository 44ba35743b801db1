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
}
