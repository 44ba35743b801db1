using GpuExtract.Testing;

namespace GpuExtract.Fits.Tests;

/// <summary>
/// A run's outputs are checked against its inputs and each other by real path and file identity
/// before anything is computed, and appear together at the end or not at all.
/// </summary>
public class OutputSetTests
{
    private static string Existing(TempDirectory dir, string name, string content = "input")
    {
        string path = dir.File(name);
        File.WriteAllText(path, content);
        return path;
    }

    private static void Write(OutputSet.Output output, string content) =>
        output.Write(stream => stream.Write(System.Text.Encoding.ASCII.GetBytes(content)));

    [Fact]
    public void Add_OutputThatIsAnInputIsRefusedAndTheInputKept()
    {
        using var dir = new TempDirectory();
        string preproc = Existing(dir, "preproc.fits");
        using var outputs = new OutputSet();
        outputs.AddInput(preproc, "input preproc");
        var error = Assert.Throws<OutputFileException>(() => outputs.Add(preproc, "frame"));
        Assert.Contains(preproc, error.Message);
        Assert.Contains("input preproc", error.Message);
        Assert.Equal("input", File.ReadAllText(preproc));
    }

    [Fact]
    public void Add_InputReachedThroughASymlinkedFolderOrHardLinkIsRefused()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("data"));
        string psf = Existing(dir, "data/psf.fits");
        string alias = dir.File("alias");
        Directory.CreateSymbolicLink(alias, dir.File("data"));
        string hardLink = dir.File("hard.fits");
        Assert.Equal(0, Link(psf, hardLink));

        using var outputs = new OutputSet();
        outputs.AddInput(psf, "PSF");
        Assert.Throws<OutputFileException>(() => outputs.Add(Path.Combine(alias, "psf.fits"), "frame"));
        Assert.Throws<OutputFileException>(() => outputs.Add(Path.Combine(alias, "..", "data", "psf.fits"), "frame"));
        var error = Assert.Throws<OutputFileException>(() => outputs.Add(hardLink, "frame"));
        Assert.Contains("PSF", error.Message);
    }

    [Fact]
    public void Add_TwoOutputsUnderOneNameAreRefusedEvenThroughAnAlias()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("out"));
        Directory.CreateSymbolicLink(dir.File("alias"), dir.File("out"));
        using var outputs = new OutputSet();
        outputs.Add(dir.File("out/frame.fits"), "frame");
        var error = Assert.Throws<OutputFileException>(() => outputs.Add(dir.File("alias/frame.fits"), "model"));
        Assert.Contains("frame", error.Message);
        Assert.Throws<OutputFileException>(() => outputs.Add(dir.File("out/./frame.fits"), "JSON report"));
    }

    [Fact]
    public void Add_NonRegularExistingOutputIsRefused()
    {
        using var dir = new TempDirectory();
        using var outputs = new OutputSet();
        Directory.CreateDirectory(dir.File("folder.fits"));
        Assert.Throws<OutputFileException>(() => outputs.Add(dir.File("folder.fits"), "frame"));
        if (OperatingSystem.IsLinux())
        {
            var error = Assert.Throws<OutputFileException>(() => outputs.Add("/dev/null", "frame"));
            Assert.Contains("/dev/null", error.Message);
            Assert.Contains("not a regular file", error.Message);
            Assert.True(new FileInfo("/dev/null").Attributes.HasFlag(FileAttributes.Device) || File.Exists("/dev/null"));
        }
    }

    [Fact]
    public void Add_EmptyNulOrFolderlessNamesAreRefusedUpFront()
    {
        using var dir = new TempDirectory();
        using var outputs = new OutputSet();
        Assert.Throws<OutputFileException>(() => outputs.Add("", "frame"));
        Assert.Throws<OutputFileException>(() => outputs.Add("   ", "frame"));
        Assert.Throws<OutputFileException>(() => outputs.Add(dir.File("fr\0ame.fits"), "frame"));
        Assert.Throws<OutputFileException>(() => outputs.Add(dir.File("sub") + Path.DirectorySeparatorChar, "frame"));
        var missing = Assert.Throws<OutputFileException>(() => outputs.Add(dir.File("no/such/frame.fits"), "frame"));
        Assert.Contains("does not exist", missing.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Commit_WritesEverythingTogetherOrNothing()
    {
        using var dir = new TempDirectory();
        string frame = Existing(dir, "frame.fits", "old frame");
        string model = dir.File("model.fits");
        using (var outputs = new OutputSet())
        {
            OutputSet.Output f = outputs.Add(frame, "frame");
            OutputSet.Output m = outputs.Add(model, "model");
            Write(f, "new frame");
            // The second output fails: the run ends without Commit, and the first must not appear.
            Assert.Throws<InvalidOperationException>(() => m.Write(_ => throw new InvalidOperationException("model failed")));
        }
        Assert.Equal("old frame", File.ReadAllText(frame));
        Assert.False(File.Exists(model));
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));

        using (var outputs = new OutputSet())
        {
            OutputSet.Output f = outputs.Add(frame, "frame");
            OutputSet.Output m = outputs.Add(model, "model");
            OutputSet.Output unused = outputs.Add(dir.File("report.json"), "JSON report");
            Write(f, "new frame");
            Write(m, "model");
            outputs.Commit();
        }
        Assert.Equal("new frame", File.ReadAllText(frame));
        Assert.Equal("model", File.ReadAllText(model));
        Assert.False(File.Exists(dir.File("report.json")), "an output never written appeared");
        Assert.Equal(2, Directory.GetFileSystemEntries(dir.Path).Length);
    }

    [Fact]
    public void Add_ReservesTheTemporaryFileSoAnUnwritableFolderIsFoundFirst()
    {
        using var dir = new TempDirectory();
        using var outputs = new OutputSet();
        outputs.Add(dir.File("frame.fits"), "frame");
        // The temporary file exists from Add on: a folder that refuses it fails here, before any work.
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
        if (OperatingSystem.IsLinux() && Environment.UserName != "root")
        {
            string readOnly = dir.File("ro");
            Directory.CreateDirectory(readOnly);
            File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            Assert.Throws<OutputFileException>(() => outputs.Add(Path.Combine(readOnly, "model.fits"), "model"));
            File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void IsWithin_FollowsRealPaths()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var dir = new TempDirectory();
        string root = dir.File("root");
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(dir.File("outside"));
        Directory.CreateSymbolicLink(Path.Combine(root, "escape"), dir.File("outside"));
        Assert.True(RealPath.IsWithin(Path.Combine(root, "a", "frame.fits"), root));
        Assert.True(RealPath.IsWithin(Path.Combine(root, "frame.fits"), root));
        Assert.False(RealPath.IsWithin(Path.Combine(root, "..", "escape", "passwd"), root));
        Assert.False(RealPath.IsWithin(Path.Combine(root, "escape", "passwd"), root));
        Assert.False(RealPath.IsWithin("/etc/passwd", root));
        Assert.False(RealPath.IsWithin(dir.File("rootless/frame.fits"), root));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string existing, string created);
}
