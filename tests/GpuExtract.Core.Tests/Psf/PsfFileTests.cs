using GpuExtract.Core.Psf;
using GpuExtract.Fits;
using GpuExtract.Testing;

namespace GpuExtract.Core.Tests.Psf;

/// <summary>PSF files: the real specex file against astropy, round trips, and refused inputs.</summary>
public sealed class PsfFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gpuextract-psf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertSameCoefficients(GaussHermitePsfCoefficients expected, GaussHermitePsfCoefficients actual)
    {
        Assert.Equal((expected.FiberMin, expected.FiberCount, expected.NPixX, expected.NPixY), (actual.FiberMin, actual.FiberCount, actual.NPixX, actual.NPixY));
        Assert.Equal((expected.HalfSizeX, expected.HalfSizeY, expected.GhDegX, expected.GhDegY), (actual.HalfSizeX, actual.HalfSizeY, actual.GhDegX, actual.GhDegY));
        Assert.Equal((expected.XTraceWaveMin, expected.XTraceWaveMax, expected.YTraceWaveMin, expected.YTraceWaveMax, expected.WaveMin, expected.WaveMax),
            (actual.XTraceWaveMin, actual.XTraceWaveMax, actual.YTraceWaveMin, actual.YTraceWaveMax, actual.WaveMin, actual.WaveMax));
        Assert.Equal(expected.PsfError, actual.PsfError);
        Assert.Equal(expected.XTrace, actual.XTrace);
        Assert.Equal(expected.YTrace, actual.YTrace);
        Assert.Equal(expected.Parameters.Keys.Order(), actual.Parameters.Keys.Order());
        foreach (var (name, c) in expected.Parameters)
        {
            Assert.True(c.Cast<double>().SequenceEqual(actual.Parameters[name].Cast<double>()), $"parameter {name} differs");
        }
    }

    [SkippableFact]
    public void Load_ReadsTheRealPsfAsAstropyDoes()
    {
        string? path = TestEnvironment.SharedFile("data/psf-r0-00051060.fits", out string why);
        Skip.If(path is null, why);
        GaussHermitePsf psf = GaussHermitePsf.Load(path!);
        GaussHermitePsfCoefficients astropy = AstropyPsf.Read(path!);
        AssertSameCoefficients(astropy, psf.Coefficients);
        // Values stated in reference README §4.1.
        Assert.Equal((0, 500, 4114, 4128, 8, 5, 6, 6), (psf.FiberMin, psf.FiberCount, psf.NPixX, psf.NPixY, psf.HalfSizeX, psf.HalfSizeY, psf.GhDegX, psf.GhDegY));
        Assert.Equal((5543.0, 7827.0), (psf.WaveMin, psf.WaveMax));
        Assert.Equal((5543.0, 7826.0), (psf.Coefficients.YTraceWaveMin, psf.Coefficients.YTraceWaveMax));
        Assert.Equal((7, 4), (psf.Coefficients.XTrace.GetLength(1), psf.Coefficients.Parameters["GH-3-2"].GetLength(1)));
        Assert.Null(psf.Coefficients.PsfError);
        Assert.Equal(0.01, psf.PsfError);
        Assert.True(psf.Coefficients.Parameters["TAILAMP"].Cast<double>().All(v => v == 0), "TAILAMP should be 0 everywhere");
    }

    [Fact]
    public void Write_ThenLoad_RoundTripsCoefficientsAndSpots()
    {
        GaussHermitePsfCoefficients c = SyntheticPsf.Random(seed: 8);
        string path = Path.Combine(_dir, "psf.fits");
        PsfWriter.Write(path, c);
        GaussHermitePsf loaded = GaussHermitePsf.Load(path);
        AssertSameCoefficients(c, loaded.Coefficients);
        Assert.Equal(0.02, loaded.PsfError);
        var original = new GaussHermitePsf(c);
        double[] waves = [5100, 5500.5, 5900];
        Assert.Equal(original.EvaluateSpots(21, 3, waves).Values, loaded.EvaluateSpots(21, 3, waves).Values);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp")); // written through AtomicFile
    }

    [SkippableFact]
    public void Write_ProducesAFileAstropyReadsBack()
    {
        GaussHermitePsfCoefficients c = SyntheticPsf.Random(seed: 9);
        string path = Path.Combine(_dir, "psf-astropy.fits");
        PsfWriter.Write(path, c);
        AssertSameCoefficients(c, AstropyPsf.Read(path));
    }

    /// <summary>Writes a PSFVER-3-like file by hand, with the changes a test wants.</summary>
    private string WriteVariant(string name, Action<FitsHeader>? primary = null, Action<FitsHeader>? table = null,
        string? dropParameter = null, bool omitYTrace = false)
    {
        GaussHermitePsfCoefficients c = SyntheticPsf.Random(seed: 10);
        int nfiber = c.FiberCount;
        string[] names = c.Parameters.Keys.Where(k => k != dropParameter).ToArray();
        double[] coeff = names.SelectMany(n => c.Parameters[n].Cast<double>()).ToArray();
        var x = new FitsHeader();
        x.Set("EXTNAME", "XTRACE");
        x.Set("WAVEMIN", c.XTraceWaveMin);
        x.Set("WAVEMAX", c.XTraceWaveMax);
        x.Set("PSFTYPE", "GAUSS-HERMITE");
        x.Set("PSFVER", 3);
        primary?.Invoke(x);
        var y = new FitsHeader();
        y.Set("EXTNAME", "YTRACE");
        y.Set("WAVEMIN", c.YTraceWaveMin);
        y.Set("WAVEMAX", c.YTraceWaveMax);
        var p = new FitsHeader();
        p.Set("EXTNAME", "PSF");
        foreach (var (key, value) in new (string, object)[] { ("PSFTYPE", "GAUSS-HERMITE"), ("PSFVER", "3"), ("NPIX_X", c.NPixX), ("NPIX_Y", c.NPixY),
            ("HSIZEX", 8), ("HSIZEY", 5), ("FIBERMIN", c.FiberMin), ("FIBERMAX", c.FiberMin + nfiber - 1), ("GHDEGX", 6), ("GHDEGY", 6),
            ("WAVEMIN", c.WaveMin), ("WAVEMAX", c.WaveMax) })
        {
            p.Set(key, value);
        }
        table?.Invoke(p);
        string path = Path.Combine(_dir, name);
        FitsWriter.WriteFile(path, w =>
        {
            w.WriteImage<double>(x, c.XTrace.Cast<double>().ToArray(), [nfiber, c.XTrace.GetLength(1)]);
            if (!omitYTrace)
            {
                w.WriteImage<double>(y, c.YTrace.Cast<double>().ToArray(), [nfiber, c.YTrace.GetLength(1)]);
            }
            w.WriteTable(p, new FitsTableBuilder(names.Length).AddStringColumn("PARAM", names).AddColumn("COEFF", coeff, [nfiber, 4]));
        });
        return path;
    }

    private static void AssertRefused(string path, params string[] mentions)
    {
        var e = Assert.Throws<PsfFormatException>(() => GaussHermitePsf.Load(path));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains(path, e.Message);
        foreach (string m in mentions)
        {
            Assert.True(e.Message.Contains(m, StringComparison.Ordinal), $"message \"{e.Message}\" should mention {m}");
        }
    }

    [Fact]
    public void Load_AcceptsTheHandWrittenBaseline()
    {
        // The refusals below differ from this file in one respect each.
        GaussHermitePsf psf = GaussHermitePsf.Load(WriteVariant("good.fits"));
        Assert.Equal(6, psf.FiberCount);
    }

    [Fact]
    public void Load_RefusesAnotherPsfType()
    {
        AssertRefused(WriteVariant("spotgrid.fits", primary: h => h.Set("PSFTYPE", "SPOTGRID")), "XTRACE", "PSFTYPE", "SPOTGRID");
    }

    [Fact]
    public void Load_RefusesOlderPsfVersions()
    {
        AssertRefused(WriteVariant("v2.fits", primary: h => h.Set("PSFVER", 2)), "PSFVER", "2");
        AssertRefused(WriteVariant("v1.fits", primary: h => h.Set("PSFVER", "1")), "PSFVER", "1");
    }

    [Fact]
    public void Load_RefusesAMissingHermiteParameter()
    {
        AssertRefused(WriteVariant("no-gh.fits", dropParameter: "GH-2-3"), "HDU PSF", "GH-2-3");
    }

    [Fact]
    public void Load_TreatsMissingTailsAsNoTail()
    {
        GaussHermitePsf psf = GaussHermitePsf.Load(WriteVariant("no-tail.fits", dropParameter: "TAILAMP"));
        var stamp = new double[psf.StampRows * psf.StampCols];
        psf.Spot(22, 5500, stamp, out _, out _, out int rows, out _);
        Assert.True(rows == 11 && Math.Abs(stamp.Sum() - 1) < 1e-14, $"spot rows {rows}, sum {stamp.Sum()}");
    }

    [Fact]
    public void Load_RefusesMissingHdusAndKeywords()
    {
        AssertRefused(WriteVariant("no-ytrace.fits", omitYTrace: true), "YTRACE", "missing");
        AssertRefused(WriteVariant("no-hsizex.fits", table: h => h.Remove("HSIZEX")), "HDU PSF", "HSIZEX");
        AssertRefused(WriteVariant("bad-fibermax.fits", table: h => h.Set("FIBERMAX", 30)), "FIBERMAX = 30", "11 fibers");
    }

    [Fact]
    public void Load_RefusesFilesThatAreNotFits()
    {
        string garbage = Path.Combine(_dir, "garbage.fits");
        File.WriteAllText(garbage, "this is not a FITS file");
        AssertRefused(garbage);
        AssertRefused(Path.Combine(_dir, "absent.fits"), "cannot read");
    }
}
