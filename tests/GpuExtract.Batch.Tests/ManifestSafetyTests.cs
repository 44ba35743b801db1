using GpuExtract.Testing;

namespace GpuExtract.Batch.Tests;

/// <summary>
/// A manifest cannot make a batch write outside its folder, over the manifest or an input, or twice
/// to one file under two names; a NUL character in a path is a row error, not a crash.
/// </summary>
public sealed class ManifestSafetyTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string ManifestFile(string text, string name = "frames.csv")
    {
        string path = _directory.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData("../escape/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("frames/../../outside.fits")]
    public void Output_OutsideTheManifestFolder_IsRefusedUnlessAllowed(string output)
    {
        string path = ManifestFile($"input,psf,output\na.fits,p.fits,{output}\n");
        var error = Assert.Throws<ManifestException>(() => Manifest.Read(path));
        Assert.Contains("line 2", error.Message);
        Assert.Contains("--allow-outside", error.Message);
    }

    [Fact]
    public void Output_EscapingTheOutdir_IsRefused()
    {
        string outdir = _directory.File("out");
        Directory.CreateDirectory(outdir);
        string path = ManifestFile("input,psf,output\na.fits,p.fits,../frame.fits\n");
        Assert.Throws<ManifestException>(() => Manifest.Read(path, outdir));
        Assert.Equal(Path.Combine(outdir, "frame.fits"), Manifest.Read(ManifestFile("input,psf,output\na.fits,p.fits,frame.fits\n", "ok.csv"), outdir).Entries[0].Output);
    }

    [Fact]
    public void Output_ThroughASymlinkThatLeavesTheFolder_IsRefused()
    {
        string outside = _directory.File("outside");
        Directory.CreateDirectory(outside);
        string root = _directory.File("root");
        Directory.CreateDirectory(root);
        Directory.CreateSymbolicLink(Path.Combine(root, "link"), outside);
        string path = Path.Combine(root, "frames.csv");
        File.WriteAllText(path, "input,psf,output\na.fits,p.fits,link/frame.fits\n");
        Assert.Throws<ManifestException>(() => Manifest.Read(path));
    }

    [Fact]
    public void Output_ThatIsTheManifest_IsRefused()
    {
        string path = ManifestFile("input,psf,output\na.fits,p.fits,frames.csv\n");
        var error = Assert.Throws<ManifestException>(() => Manifest.Read(path));
        Assert.Contains("manifest", error.Message);
        Assert.Equal("input,psf,output\na.fits,p.fits,frames.csv\n", File.ReadAllText(path));
    }

    [Fact]
    public void Outputs_SharingAFileThroughAFolderAlias_AreRefused()
    {
        Directory.CreateDirectory(_directory.File("out"));
        Directory.CreateSymbolicLink(_directory.File("alias"), _directory.File("out"));
        string path = ManifestFile("input,psf,output\na.fits,p.fits,out/f.fits\nb.fits,p.fits,alias/f.fits\n");
        var error = Assert.Throws<ManifestException>(() => Manifest.Read(path));
        Assert.Contains("line 3", error.Message);
        Assert.Contains("already the output of line 2", error.Message);
    }

    [Fact]
    public void Output_ThatIsAnInputUnderAnotherName_IsRefused()
    {
        Directory.CreateDirectory(_directory.File("data"));
        File.WriteAllText(_directory.File("data/a.fits"), "preproc");
        Directory.CreateSymbolicLink(_directory.File("alias"), _directory.File("data"));
        string path = ManifestFile("input,psf,output\ndata/a.fits,p.fits,alias/a.fits\n");
        var error = Assert.Throws<ManifestException>(() => Manifest.Read(path));
        Assert.Contains("is an input of line 2", error.Message);
    }

    [Theory]
    [InlineData("input,psf,output\na\u0000.fits,p.fits,f.fits\n", "input")]
    [InlineData("input,psf,output\na.fits,p.fits,f\u0000.fits\n", "output")]
    [InlineData("{\"input\": \"a.fits\", \"psf\": \"p\\u0000.fits\", \"output\": \"f.fits\"}\n", "psf")]
    public void Path_WithANulCharacter_IsARowError(string text, string column)
    {
        string path = ManifestFile(text, text.StartsWith('{') ? "frames.jsonl" : "frames.csv");
        var error = Assert.Throws<ManifestException>(() => Manifest.Read(path));
        Assert.Contains("NUL", error.Message);
        Assert.Contains(column, error.Message);
    }
}
