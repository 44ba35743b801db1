using GpuExtract.Core.Psf;
using GpuExtract.Core.Simulation;

namespace GpuExtract.Batch.Tests;

public class PsfCacheTests
{
    [Fact]
    public void SameFile_IsBuiltOnce_UntilItChanges()
    {
        using var directory = new BatchDirectory();
        string path = directory.File("psf.fits");
        PsfWriter.Write(path, SyntheticPsf.Coefficients());
        var cache = new PsfCache();

        GaussHermitePsf first = cache.Load(path, out bool firstReused);
        GaussHermitePsf second = cache.Load(path, out bool secondReused);
        Assert.False(firstReused);
        Assert.True(secondReused);
        Assert.Same(first, second);

        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddMinutes(1));
        GaussHermitePsf third = cache.Load(path, out bool thirdReused);
        Assert.False(thirdReused);
        Assert.NotSame(first, third);
    }

    [Fact]
    public void OldestEntry_LeavesWhenFull()
    {
        using var directory = new BatchDirectory();
        string a = directory.File("a.fits"), b = directory.File("b.fits");
        PsfWriter.Write(a, SyntheticPsf.Coefficients());
        File.Copy(a, b);
        var cache = new PsfCache(capacity: 1);
        cache.Load(a, out _);
        cache.Load(b, out _);
        cache.Load(a, out bool reused);
        Assert.False(reused);
    }

    [Fact]
    public void MissingFile_IsFileNotFound()
    {
        using var directory = new BatchDirectory();
        var error = Assert.Throws<FileNotFoundException>(() => new PsfCache().Load(directory.File("none.fits"), out _));
        Assert.Contains("none.fits", error.Message);
    }
}
