using System.Globalization;
using GpuExtract.Core.Formats;
using GpuExtract.Fits;
using GpuExtract.Testing;

namespace GpuExtract.Core.Tests.Formats;

public sealed class FrameFileTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("gpuextract-frame-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static Frame Sample()
    {
        const int nspec = 3, nwave = 7, ndiag = 5;
        var rng = new Random(5);
        double[] Values(int n) => Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 100).ToArray();
        var header = new FitsHeader();
        header.Set("CAMERA", "r0");
        var fibermap = new FitsTableBuilder(nspec)
            .AddColumn("FIBER", new[] { 10, 11, 12 })
            .AddStringColumn("OBJTYPE", ["SKY", "TGT", "TGT"]);
        string path = Path.Combine(Path.GetTempPath(), $"fibermap-{Guid.NewGuid():N}.fits");
        try
        {
            using (var stream = File.Create(path))
            using (var writer = new FitsWriter(stream))
            {
                writer.WriteEmptyPrimary();
                var h = new FitsHeader();
                h.Set("EXTNAME", "FIBERMAP");
                writer.WriteTable(h, fibermap);
            }
            using var file = FitsFile.Open(path);
            return new Frame
            {
                SpecMin = 10,
                NSpec = nspec,
                Wavelength = Enumerable.Range(0, nwave).Select(k => 5760 + 0.8 * k).ToArray(),
                Flux = Values(nspec * nwave),
                Ivar = Values(nspec * nwave),
                Mask = [.. Enumerable.Range(0, nspec * nwave).Select(i => i == 4 ? Frame.SomeBadPixels | Frame.AllBadPixels : i == 5 ? Frame.Bad2DFit : 0u)],
                DiagonalCount = ndiag,
                Resolution = Values(nspec * ndiag * nwave),
                Chi2Pix = Values(nspec * nwave),
                Header = header,
                Fibermap = FibermapRows.All(file["FIBERMAP"].ReadTable(), file["FIBERMAP"].Header),
            };
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WriteThenRead_KeepsEveryArrayToFloat32Precision()
    {
        Frame frame = Sample();
        string path = Path.Combine(directory, "frame.fits");
        FrameFile.Write(path, frame);
        Frame back = FrameFile.Read(path);
        Assert.Equal(frame.Wavelength, back.Wavelength); // float64 on disk
        Assert.Equal(frame.Mask, back.Mask);
        Assert.Equal(10, back.SpecMin);
        Assert.Equal(frame.DiagonalCount, back.DiagonalCount);
        // FLUX, IVAR, RESOLUTION, CHI2PIX are float32 in DESI frames: 6e-8 relative is float32's rounding.
        AssertClose(frame.Flux, back.Flux);
        AssertClose(frame.Ivar, back.Ivar);
        AssertClose(frame.Resolution, back.Resolution);
        AssertClose(frame.Chi2Pix, back.Chi2Pix);
        Assert.Equal("r0", back.Header.GetString("CAMERA"));
        Assert.Equal(3L, back.Header.GetInt("NSPEC"));
        Assert.Equal(new[] { 10, 11, 12 }, back.Fibermap!.Table.GetColumn<int>("FIBER"));
    }

    [Fact]
    public void Write_HduOrderIsDesiFrameLayout()
    {
        string path = Path.Combine(directory, "order.fits");
        FrameFile.Write(path, Sample());
        using var file = FitsFile.Open(path, verifyChecksums: true);
        Assert.Equal(["FLUX", "IVAR", "MASK", "WAVELENGTH", "RESOLUTION", "FIBERMAP", "CHI2PIX"], file.Hdus.Select(h => h.Name));
        foreach (var hdu in file.Hdus)
        {
            hdu.VerifyChecksum();
            Assert.True(hdu.Header.Contains("CHECKSUM") && hdu.Header.Contains("DATASUM"), $"HDU {hdu.Name} lacks CHECKSUM/DATASUM");
        }
        Assert.Equal(2147483648.0, file["MASK"].Header.GetDouble("BZERO"));
        Assert.Equal("electron/Angstrom", file["FLUX"].Header.GetString("BUNIT"));
    }

    [Fact]
    public void Write_ThroughAnOutputSet_AppearsOnlyAtCommitAndReadsBack()
    {
        Frame frame = Sample();
        string path = Path.Combine(directory, "frame.fits.gz");
        using (var outputs = new OutputSet())
        {
            FrameFile.Write(outputs.Add(path, "frame"), frame);
            Assert.False(File.Exists(path), "the frame appeared before the set was committed");
            outputs.Commit();
        }
        Frame back = FrameFile.Read(path);
        Assert.Equal(frame.Wavelength, back.Wavelength);
        Assert.Equal(frame.Flux.Select(v => (double)(float)v), back.Flux);
        Assert.Single(Directory.GetFiles(directory));
    }

    [Fact]
    public void Write_ToMissingDirectory_LeavesNothing()
    {
        string path = Path.Combine(directory, "no-such-dir", "frame.fits");
        Assert.ThrowsAny<IOException>(() => FrameFile.Write(path, Sample()));
        Assert.False(File.Exists(path));
    }

    [SkippableFact]
    public void Write_ReadByAstropyWithTheSameValues()
    {
        Frame frame = Sample();
        string path = Path.Combine(directory, "astropy.fits");
        FrameFile.Write(path, frame);
        string output = TestEnvironment.RunPython("""
            import sys, numpy as np
            from astropy.io import fits
            with fits.open(sys.argv[1], checksum=True) as f:
                print(' '.join(h.name for h in f))
                print(repr(float(f['FLUX'].data.astype(np.float64).sum())), int(f['MASK'].data.astype(np.int64).sum()), f['MASK'].data.dtype.kind,
                      f['RESOLUTION'].data.shape, repr(float(f['WAVELENGTH'].data[-1])), list(f['FIBERMAP'].data['OBJTYPE']))
            """, path);
        string[] lines = output.Trim().Split('\n');
        Assert.Equal("FLUX IVAR MASK WAVELENGTH RESOLUTION FIBERMAP CHI2PIX", lines[0].Trim());
        string[] values = lines[1].Split(' ', 3);
        double fluxSum = frame.Flux.Sum(v => (double)(float)v);
        Assert.Equal(fluxSum, double.Parse(values[0], CultureInfo.InvariantCulture), 6);
        Assert.Equal(frame.Mask.Sum(v => (long)v), long.Parse(values[1]));
        Assert.StartsWith("u ", values[2]); // BZERO 2^31 makes astropy return uint32
        Assert.Contains("(3, 5, 7)", lines[1]);
        Assert.Contains("['SKY', 'TGT', 'TGT']", lines[1]);
    }

    [SkippableFact]
    public void Write_PassesFitsverify()
    {
        string path = Path.Combine(directory, "verify.fits");
        FrameFile.Write(path, Sample());
        TestEnvironment.AssertFitsVerifyClean(path);
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 6e-8 * Math.Abs(expected[i]) + 1e-30, $"element {i}: {expected[i]} vs {actual[i]}");
        }
    }
}
