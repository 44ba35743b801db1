using System.Globalization;
using GpuExtract.Core.Formats;
using GpuExtract.Testing;

namespace GpuExtract.Core.Tests.Formats;

public class PreprocReferenceTests
{
    [SkippableFact]
    public void Read_ReferencePreproc_MatchesAstropy()
    {
        string? path = TestEnvironment.SharedFile("reference/small-preproc.fits.gz", out string why);
        Skip.If(path is null, why);
        var image = PreprocImage.Read(path);
        string expected = TestEnvironment.RunPython("""
            import sys, numpy as np
            from astropy.io import fits
            with fits.open(sys.argv[1]) as f:
                img = f['IMAGE'].data; ivar = f['IVAR'].data; mask = f['MASK'].data
                ys, xs = np.nonzero(mask)
                print(img.shape[0], img.shape[1], repr(float(img.astype(np.float64).sum())), repr(float(ivar.astype(np.float64).sum())), int(mask.astype(np.int64).sum()), len(f['FIBERMAP'].data))
            """, path);
        string[] parts = expected.Trim().Split(' ');
        Assert.Equal(int.Parse(parts[0]), image.NPixY);
        Assert.Equal(int.Parse(parts[1]), image.NPixX);
        Assert.Equal(double.Parse(parts[2], CultureInfo.InvariantCulture), image.Image.Sum(v => (double)v), 6);
        Assert.Equal(double.Parse(parts[3], CultureInfo.InvariantCulture), image.Ivar.Sum(v => (double)v), 6);
        Assert.Equal(long.Parse(parts[4]), image.Mask.Sum(v => (long)v));
        Assert.Equal(int.Parse(parts[5]), image.Fibermap!.RowCount);
        Assert.Equal("r0", image.Header.GetString("CAMERA"));
    }
}
