using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Simulation;
using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Testing;
using Xunit.Abstractions;

namespace GpuExtract.Cpu.Tests.Desi;

/// <summary>
/// Frames written as desispec's extraction writes them (<c>scripts.extract.main_gpu_specter</c> and
/// <c>io.frame.write_frame</c>), from simulated DESI-layout preprocs (500-row FIBERMAP, DESI HDU-0
/// keywords), checked by astropy and numpy with desispec's formulas recomputed independently in Python.
/// </summary>
public sealed class DesiFrameTests(ITestOutputHelper output) : IClassFixture<DesiFrameTests.Directories>
{
    /// <summary>Owns the temporary directories (200 MB preprocs) and removes them after the class's tests.</summary>
    public sealed class Directories : IDisposable
    {
        private static readonly List<TempDirectory> Made = [];

        public static TempDirectory Create()
        {
            var directory = new TempDirectory();
            lock (Made)
            {
                Made.Add(directory);
            }
            return directory;
        }

        public void Dispose()
        {
            lock (Made)
            {
                Made.ForEach(d => d.Dispose());
                Made.Clear();
            }
        }
    }

    private static readonly Lazy<Run> First = new(() => Extract(specMin: 0, wmin: 5760.0, wmax: 5800.0, dw: 0.8));
    private static readonly Lazy<Run> Second = new(() => Extract(specMin: 250, wmin: 5760.0, wmax: 5800.0, dw: 0.8));

    private sealed record Run(string Directory, string Preproc, string Frame, FrameExtraction.Result Result, PreprocImage Image, ExtractionOptions Options);

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(250)]
    public void Frame_AsDesispecWritesIt(int specMin)
    {
        Run run = (specMin == 0 ? First : Second).Value;
        string result = TestEnvironment.RunPython(DesiFrameChecks.Script, run.Frame, run.Preproc, specMin.ToString(), "25", "5760.0", "5800.0", "0.8", "expect-bad2dfit");
        output.WriteLine($"specmin {specMin}: {result.Trim()}");
        Assert.Contains("ok", result);
    }

    /// <summary>
    /// The barycentric run extracts on (wmin/f, wmax/f, dw/f) and writes the stated grid: its FLUX, IVAR,
    /// RESOLUTION and CHI2PIX equal an explicit run on the corrected grid bit for bit, and HELIOCOR is
    /// astropy's factor for the header's pointing and mid-exposure time within 1e-8.
    /// </summary>
    [SkippableFact]
    public void BarycentricRun_EqualsExplicitRunOnCorrectedGrid()
    {
        Run run = Extract(specMin: 0, wmin: 7580.0, wmax: 7620.0, dw: 0.8, barycentric: true);
        double f = run.Result.Heliocor ?? throw new InvalidOperationException("no factor applied");
        Assert.Equal(f, run.Result.Frame.Header.GetDouble("HELIOCOR"));
        Assert.Equal(ExtractionOptions.LinearGrid(7580.0, 7620.0, 0.8), run.Result.Frame.Wavelength);
        Assert.Equal(7620.0, run.Result.Frame.Header.GetDouble("WAVEMAX"));

        var explicitOptions = run.Options with
        {
            Wavelengths = ExtractionOptions.LinearGrid(7580.0 / f, 7620.0 / f, 0.8 / f),
            StatedGrid = new WavelengthRange(7580.0 / f, 7620.0 / f, 0.8 / f),
            BarycentricCorrection = false,
        };
        using var backend = new CpuBackend(Environment.ProcessorCount, LapackProvider.CreateFactory(LapackChoice.Auto, out _));
        Frame corrected = FrameExtraction.Run(run.Image, SyntheticPsf.Default, explicitOptions, backend).Frame;
        Assert.Equal(corrected.Flux, run.Result.Frame.Flux);
        Assert.Equal(corrected.Ivar, run.Result.Frame.Ivar);
        Assert.Equal(corrected.Resolution, run.Result.Frame.Resolution);
        Assert.Equal(corrected.Chi2Pix, run.Result.Frame.Chi2Pix);
        Assert.Equal(corrected.Wavelength, explicitOptions.Wavelengths);

        string astropy = TestEnvironment.RunPython("""
            import sys
            from astropy.io import fits
            from astropy.utils import iers
            iers.conf.auto_download = False; iers.conf.auto_max_age = None; iers.conf.iers_degraded_accuracy = 'ignore'
            import astropy.units as u, astropy.constants
            from astropy.time import Time
            from astropy.coordinates import SkyCoord, EarthLocation
            h = fits.getheader(sys.argv[1], 'FLUX')
            kpno = EarthLocation.from_geodetic(lat=31.96403 * u.deg, lon=-111.59989 * u.deg, height=2097 * u.m)
            sc = SkyCoord(ra=h['TARGTRA'] * u.deg, dec=h['TARGTDEC'] * u.deg, frame='icrs')
            t = Time(h['MJD-OBS'] + h['EXPTIME'] / 2. / 3600. / 24., format='mjd')
            v = sc.radial_velocity_correction(obstime=t, location=kpno).to(u.km / u.s).value
            print(repr(1. + v / astropy.constants.c.to(u.km / u.s).value), repr(h['HELIOCOR']))
            """, run.Frame);
        string[] values = astropy.Trim().Split(' ');
        double expected = double.Parse(values[0], System.Globalization.CultureInfo.InvariantCulture);
        double written = double.Parse(values[1], System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"HELIOCOR {written:R}, astropy {expected:R}, |Δf| {Math.Abs(written - expected):E2}");
        Assert.Equal(f, written);
        Assert.True(Math.Abs(written - expected) <= 1e-8, $"HELIOCOR {written:R} vs astropy {expected:R}");
    }

    /// <summary>With no fibermap anywhere desispec writes no FIBERMAP HDU and its fibers are specmin … (FIBERMIN = specmin).</summary>
    [Fact]
    public void NoFibermap_NoFibermapHduAndFiberMinIsSpecMin()
    {
        Run run = First.Value;
        var bare = new PreprocImage
        {
            NPixX = run.Image.NPixX,
            NPixY = run.Image.NPixY,
            Image = run.Image.Image,
            Ivar = run.Image.Ivar,
            Mask = run.Image.Mask,
            Header = run.Image.Header,
            FileName = run.Image.FileName,
        };
        using var backend = new CpuBackend(Environment.ProcessorCount, LapackProvider.CreateFactory(LapackChoice.Auto, out _));
        Frame frame = FrameExtraction.Run(bare, SyntheticPsf.Default, run.Options with { SpecMin = 0 }, backend).Frame;
        Assert.Null(frame.Fibermap);
        Assert.Equal(0L, frame.Header.GetInt("FIBERMIN"));
    }

    /// <summary>
    /// 3000 electrons the model cannot explain, unmasked, on a 3 × 3 patch of the trace: chi2pix there rises
    /// far above both medians, so BAD2DFIT has something to flag.
    /// </summary>
    private static void AddUnmaskedBlob(PreprocImage image, int fiber, double wavelength)
    {
        int x = (int)Math.Round(SyntheticPsf.Default.X(fiber, wavelength)) + 2;
        int y = (int)Math.Round(SyntheticPsf.Default.Y(fiber, wavelength));
        for (int dy = -1; dy <= 1; dy++)
        {
            for (int dx = -1; dx <= 1; dx++)
            {
                image.Image[(y + dy) * image.NPixX + x + dx] += 3000f / 9;
            }
        }
    }

    /// <summary>
    /// <c>-f</c> with a whole-focal-plane fibermap (5000 rows, FIBER descending): the frame carries the
    /// camera's rows, picked by FIBER, and the file's header.
    /// </summary>
    [Fact]
    public void FibermapFile_RowsPickedByFiber()
    {
        Run run = First.Value;
        string path = Path.Combine(run.Directory, "fibermap-00000007.fits");
        int[] fibers = [.. Enumerable.Range(0, 5000).Reverse()];
        using (var stream = File.Create(path))
        using (var writer = new GpuExtract.Fits.FitsWriter(stream))
        {
            var header = new GpuExtract.Fits.FitsHeader();
            header.Set("EXTNAME", "FIBERMAP");
            header.Set("TILEID", 1234L);
            writer.WriteTable(header, new GpuExtract.Fits.FitsTableBuilder(fibers.Length)
                .AddColumn("FIBER", fibers).AddColumn("TARGETID", fibers.Select(f => 7000L + f).ToArray()));
        }
        using var backend = new CpuBackend(Environment.ProcessorCount, LapackProvider.CreateFactory(LapackChoice.Auto, out _));
        Frame frame = FrameExtraction.Run(run.Image, SyntheticPsf.Default, run.Options with { FibermapPath = path }, backend).Frame;
        Assert.Equal(Enumerable.Range(0, 25), frame.Fibermap!.Fibers);
        Assert.Equal(Enumerable.Range(0, 25).Select(f => 4999 - f), frame.Fibermap.Rows);
        Assert.Equal(1234L, frame.Fibermap.Header.GetInt("TILEID"));
    }

    /// <summary>The model image (<c>-m</c>): one primary image of the CCD's shape with the frame's header.</summary>
    [SkippableFact]
    public void ModelImage_PrimaryWithFrameHeader()
    {
        Run run = First.Value;
        using var backend = new CpuBackend(Environment.ProcessorCount, LapackProvider.CreateFactory(LapackChoice.Auto, out _));
        var result = FrameExtraction.Run(run.Image, SyntheticPsf.Default, run.Options with { ComputeModel = true }, backend, psfPath: "psf-r0-00000007.fits");
        string path = Path.Combine(run.Directory, "model-r0-00000007.fits");
        ModelImageFile.Write(path, result.ModelImage!, run.Image.NPixX, run.Image.NPixY, result.Frame.Header);
        string checks = TestEnvironment.RunPython("""
            import sys, numpy as np
            from astropy.io import fits
            m = fits.open(sys.argv[1]); f = fits.open(sys.argv[2])
            assert len(m) == 1 and m[0].data.shape == (int(sys.argv[3]), int(sys.argv[4])), (len(m), m[0].data.shape)
            for k in ('CAMERA', 'EXPID', 'NSPEC', 'WAVEMIN', 'WAVEMAX', 'WAVESTEP', 'IN_PSF', 'IN_IMG', 'FIBERMIN', 'TARGTRA'):
                assert m[0].header[k] == f['FLUX'].header[k], k
            assert np.max(m[0].data) > 0
            print('ok model max %.1f' % np.max(m[0].data))
            """, path, run.Frame, run.Image.NPixY.ToString(), run.Image.NPixX.ToString());
        output.WriteLine(checks.Trim());
        Assert.Contains("ok", checks);
    }

    private static Run Extract(int specMin, double wmin, double wmax, double dw, bool barycentric = false)
    {
        TempDirectory directory = Directories.Create();
        SimulatedFrame simulated = FrameSimulator.Simulate(new SimulationOptions
        {
            FiberMin = specMin,
            FiberCount = 25,
            WaveMin = wmin,
            WaveMax = wmax,
            WaveStep = dw,
            Seed = 7 + specMin,
            DesiLayout = true,
        });
        string preproc = directory.File("preproc-r0-00000007.fits");
        if (!barycentric)
        {
            AddUnmaskedBlob(simulated.Image, fiber: specMin + 7, wavelength: (wmin + wmax) / 2);
        }
        simulated.Write(preproc);
        PreprocImage image = PreprocImage.Read(preproc);
        var options = new ExtractionOptions
        {
            Wavelengths = ExtractionOptions.LinearGrid(wmin, wmax, dw),
            StatedGrid = new WavelengthRange(wmin, wmax, dw),
            SpecMin = specMin,
            NSpec = 25,
            PsfError = 0.01,
            BarycentricCorrection = barycentric,
        };
        using var backend = new CpuBackend(Environment.ProcessorCount, LapackProvider.CreateFactory(LapackChoice.Auto, out _));
        FrameExtraction.Result result = FrameExtraction.Run(image, SyntheticPsf.Default, options, backend, psfPath: "psf-r0-00000007.fits");
        string frame = directory.File("frame-r0-00000007.fits");
        FrameFile.Write(frame, result.Frame);
        return new Run(directory.Path, preproc, frame, result, image, options);
    }
}
