using System.Globalization;
using GpuExtract.Fits;
using GpuExtract.Testing;
using Xunit.Abstractions;

namespace GpuExtract.Cli.Tests;

/// <summary>
/// desi_proc's extraction command, <c>desi_extract_spectra -w 5760.0,7620.0,0.8 -i PREPROC -p PSF -o FRAME
/// --psferr 0.01 [--no-gpu] [--barycentric-correction]</c>, run under that name (a symlink to the
/// executable) on simulated DESI-layout preprocs, the frames checked with astropy. To fit CI the runs add
/// <c>-s/-n</c> (25 fibers, the option desispec also has), and all but the first use a 40 Å grid.
/// </summary>
public sealed class DesiExtractSpectraTests(ITestOutputHelper output, DesiExtractSpectraTests.Inputs inputs) : IClassFixture<DesiExtractSpectraTests.Inputs>
{
    /// <summary>The synthetic PSF and two simulated preprocs (fibers 0–24 over the whole r grid; 250–274 over 40 Å).</summary>
    public sealed class Inputs : IDisposable
    {
        public TempDirectory Directory { get; } = new();

        public string Psf => Directory.File("psf-r0-00000007.fits");

        public string Preproc(int specMin) => Directory.File($"preproc-r0-{specMin}.fits");

        public Inputs()
        {
            Simulate(0, "0-24", "5760,7620,0.8", withPsf: true);
            Simulate(250, "250-274", "5760,5800,0.8", withPsf: false);
        }

        private void Simulate(int specMin, string fibers, string grid, bool withPsf)
        {
            string[] psf = withPsf ? ["--synthetic-psf", Psf] : [];
            var (code, _, stderr) = CliRunner.Run(["simulate", "-o", Preproc(specMin), "--fibers", fibers, "-w", grid, "--desi-layout", "--seed", "5", .. psf]);
            Assert.True(code == 0, stderr);
        }

        public void Dispose() => Directory.Dispose();
    }

    /// <summary>The executable under DESI's name: a symlink to the apphost (skipped where there is none).</summary>
    private string DesiExtractSpectra()
    {
        string apphost = Path.Combine(AppContext.BaseDirectory, "gpuextract");
        Skip.IfNot(File.Exists(apphost), $"no apphost {apphost} to link as desi_extract_spectra");
        string link = inputs.Directory.File("desi_extract_spectra");
        if (!File.Exists(link))
        {
            File.CreateSymbolicLink(link, apphost);
        }
        return link;
    }

    private (int Code, string Stdout, string Stderr) Run(params string[] args) => TestEnvironment.Run(DesiExtractSpectra(), args);

    /// <summary>
    /// desi_proc's call of desi_extract_spectra on 25 fibers from <paramref name="specMin"/> over the grid
    /// WMIN,WMAX,DW (with --psferr 0.01, CPU only) into <paramref name="name"/>, which must exit 0, then
    /// <see cref="DesiFrameChecks.Script"/> on the frame; returns the frame's path and the checks' output.
    /// </summary>
    private (string Frame, string Checks) ExtractAndCheck(string name, int specMin, string waveMin, string waveMax, string waveStep)
    {
        string frame = inputs.Directory.File(name);
        string first = specMin.ToString(CultureInfo.InvariantCulture);
        var (code, _, stderr) = Run("-w", $"{waveMin},{waveMax},{waveStep}", "-i", inputs.Preproc(specMin), "-p", inputs.Psf, "-o", frame, "--psferr", "0.01", "--no-gpu", "-s", first, "-n", "25");
        Assert.True(code == 0, stderr);
        string checks = TestEnvironment.RunPython(DesiFrameChecks.Script, frame, inputs.Preproc(specMin), first, "25", waveMin, waveMax, waveStep);
        output.WriteLine(checks.Trim());
        return (frame, checks);
    }

    [SkippableFact]
    public void DesiProcCommandLine_FullGrid_FrameAsDesispecWritesIt()
    {
        var (frame, _) = ExtractAndCheck("frame-r0-full.fits", 0, "5760.0", "7620.0", "0.8");
        using var file = FitsFile.Open(frame);
        Assert.Equal(7620.0, file[0].Header.GetDouble("WAVEMAX"));
        Assert.Equal(0.8, file[0].Header.GetDouble("WAVESTEP"));
        Assert.Equal(2326, file["WAVELENGTH"].Shape[0]);
    }

    [SkippableFact]
    public void DesiProcCommandLine_Specmin250_FibermapRows()
    {
        var (_, checks) = ExtractAndCheck("frame-r0-250.fits", 250, "5760.0", "5800.0", "0.8");
        Assert.Contains("ok", checks);
    }

    /// <summary>
    /// With --barycentric-correction the frame equals an explicit -w run on the corrected grid (FLUX, IVAR,
    /// RESOLUTION, CHI2PIX byte for byte), WAVELENGTH is the stated grid, and HELIOCOR is astropy's factor.
    /// </summary>
    [SkippableFact]
    public void BarycentricCorrection_EqualsExplicitRunOnCorrectedGrid_HeliocorMatchesAstropy()
    {
        string corrected = inputs.Directory.File("frame-r0-bary.fits");
        var (code, _, stderr) = Run("-w", "5760.0,5800.0,0.8", "-i", inputs.Preproc(0), "-p", inputs.Psf, "-o", corrected, "--psferr", "0.01", "--no-gpu", "--barycentric-correction", "-s", "0", "-n", "25");
        Assert.True(code == 0, stderr);
        double f;
        using (var file = FitsFile.Open(corrected))
        {
            f = file[0].Header.GetDouble("HELIOCOR");
        }
        string grid = string.Create(CultureInfo.InvariantCulture, $"{5760.0 / f:R},{5800.0 / f:R},{0.8 / f:R}");
        string plain = inputs.Directory.File("frame-r0-explicit.fits");
        (code, _, stderr) = Run("-w", grid, "-i", inputs.Preproc(0), "-p", inputs.Psf, "-o", plain, "--psferr", "0.01", "--no-gpu", "-s", "0", "-n", "25");
        Assert.True(code == 0, stderr);

        string result = TestEnvironment.RunPython("""
            import sys, numpy as np
            from astropy.io import fits
            from astropy.utils import iers
            iers.conf.auto_download = False; iers.conf.auto_max_age = None; iers.conf.iers_degraded_accuracy = 'ignore'
            import astropy.units as u, astropy.constants
            from astropy.time import Time
            from astropy.coordinates import SkyCoord, EarthLocation
            a, b = fits.open(sys.argv[1]), fits.open(sys.argv[2])
            for name in ('FLUX', 'IVAR', 'RESOLUTION', 'CHI2PIX', 'MASK'):
                assert np.array_equal(a[name].data, b[name].data), name
            assert np.array_equal(a['WAVELENGTH'].data, np.arange(5760.0, 5800.0 + 0.4, 0.8))
            h = a[0].header
            kpno = EarthLocation.from_geodetic(lat=31.96403 * u.deg, lon=-111.59989 * u.deg, height=2097 * u.m)
            sc = SkyCoord(ra=h['TARGTRA'] * u.deg, dec=h['TARGTDEC'] * u.deg, frame='icrs')
            t = Time(h['MJD-OBS'] + h['EXPTIME'] / 2. / 3600. / 24., format='mjd')
            v = sc.radial_velocity_correction(obstime=t, location=kpno).to(u.km / u.s).value
            f = 1. + v / astropy.constants.c.to(u.km / u.s).value
            assert abs(h['HELIOCOR'] - f) <= 1e-8, (h['HELIOCOR'], f)
            print('ok HELIOCOR %r astropy %r |df| %.2e' % (h['HELIOCOR'], f, abs(h['HELIOCOR'] - f)))
            """, corrected, plain);
        output.WriteLine(result.Trim());
        Assert.Contains("ok", result);
    }

    [SkippableFact]
    public void Help_GivesEveryDesiExtractSpectraOption()
    {
        var (code, stdout, _) = Run("--help");
        Assert.Equal(0, code);
        foreach (string option in (string[])["-i, --input", "-f, --fibermap", "-p, --psf", "-o, --output", "-m, --model", "-w, --wavelength",
            "-s, --specmin", "-n, --nspec", "-r, --regularize", "--bundlesize", "--nsubbundles", "--nwavestep", "-v, --verbose", "--mpi",
            "--decorrelate-fibers", "--no-scores", "--psferr", "--barycentric-correction", "--use-specter", "--no-gpu", "--pixpad-frac", "--wavepad-frac"])
        {
            Assert.Contains(option, stdout);
        }
    }

    /// <summary>--mpi and --use-specter are accepted and each says in one line what it does here.</summary>
    [SkippableFact]
    public void MeaninglessOptions_AcceptedWithOneLogLine()
    {
        string frame = inputs.Directory.File("frame-r0-mpi.fits");
        var (code, _, stderr) = Run("-w", "5760.0,5800.0,0.8", "-i", inputs.Preproc(0), "-p", inputs.Psf, "-o", frame, "--no-gpu", "--mpi", "--use-specter", "--no-scores", "-s", "0", "-n", "25");
        Assert.True(code == 0, stderr);
        Assert.Single(stderr.Split('\n'), line => line.Contains("--mpi"));
        Assert.Single(stderr.Split('\n'), line => line.Contains("--use-specter"));
        using var file = FitsFile.Open(frame);
        Assert.False(file.TryGetHdu("SCORES", out _));
    }

    /// <summary>
    /// <c>gpuextract batch</c> writes the same frame as desi_extract_spectra for the same options: every
    /// HDU's data equal and the same FLUX keywords with the same values (IN_PSF and IN_IMG name the
    /// files as each was given them).
    /// </summary>
    [SkippableFact]
    public void Batch_WritesTheSameFrame()
    {
        string single = inputs.Directory.File("frame-r0-single.fits");
        string[] options = ["-w", "5760.0,5800.0,0.8", "--psferr", "0.01", "--no-gpu", "--barycentric-correction", "-s", "250", "-n", "25"];
        var (code, _, stderr) = Run(["-i", inputs.Preproc(250), "-p", inputs.Psf, "-o", single, .. options]);
        Assert.True(code == 0, stderr);
        string manifest = inputs.Directory.File("frames.csv");
        string outdir = inputs.Directory.File("batch-out");
        File.WriteAllLines(manifest, ["input,psf,output", $"{inputs.Preproc(250)},{inputs.Psf},frame-r0-batch.fits"]);
        (code, _, stderr) = CliRunner.Run(["batch", "--manifest", manifest, "--outdir", outdir, .. options]);
        Assert.True(code == 0, stderr);
        string result = TestEnvironment.RunPython("""
            import sys, numpy as np
            from astropy.io import fits
            a, b = fits.open(sys.argv[1]), fits.open(sys.argv[2])
            assert [h.name for h in a] == [h.name for h in b]
            for x, y in zip(a, b):
                assert np.array_equal(x.data, y.data) if x.data is not None else y.data is None, x.name
            ha, hb = a[0].header, b[0].header
            assert set(ha) == set(hb), set(ha) ^ set(hb)
            diff = [k for k in ha if k not in ('IN_PSF', 'IN_IMG', 'CHECKSUM', 'DATASUM', 'COMMENT', 'HISTORY') and ha[k] != hb[k]]
            assert not diff, diff
            print('ok %d HDUs, %d keywords' % (len(a), len(ha)))
            """, single, Path.Combine(outdir, "frame-r0-batch.fits"));
        output.WriteLine(result.Trim());
        Assert.Contains("ok", result);
    }

    /// <summary>Missing pointing keywords: exit 2, one line naming them, no frame.</summary>
    [SkippableFact]
    public void BarycentricCorrection_WithoutPointing_Exit2NamingKeywords()
    {
        string bare = inputs.Directory.File("preproc-nopointing.fits");
        var (code, _, stderr) = CliRunner.Run("simulate", "-o", bare, "--fibers", "0-0", "-w", "5760,5770,0.8");
        Assert.True(code == 0, stderr);
        string frame = inputs.Directory.File("frame-nopointing.fits");
        (code, _, stderr) = Run("-w", "5760.0,5770.0,0.8", "-i", bare, "-p", inputs.Psf, "-o", frame, "--no-gpu", "--barycentric-correction", "-s", "0", "-n", "1");
        Assert.Equal(2, code);
        Assert.Contains("TARGTRA or RA", stderr);
        Assert.False(File.Exists(frame));
    }
}
