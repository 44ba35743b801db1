using GpuExtract.Testing;

namespace GpuExtract.Batch.Tests;

/// <summary><c>--allow-outside</c> lets a manifest name outputs anywhere, as it did before outputs were confined.</summary>
public class ManifestAllowOutsideTests
{
    [Fact]
    public void AllowOutside_AcceptsAbsoluteAndEscapingOutputs()
    {
        using var directory = new TempDirectory();
        string path = directory.File("frames.csv");
        File.WriteAllText(path, "input,psf,output\na.fits,p.fits,../escape/f.fits\nb.fits,p.fits,/abs/g.fits\n");
        Manifest manifest = Manifest.Read(path, allowOutside: true);
        Assert.Equal(Path.GetFullPath(Path.Combine(directory.Path, "..", "escape", "f.fits")), manifest.Entries[0].Output);
        Assert.Equal("/abs/g.fits", manifest.Entries[1].Output);
    }
}
