using System.Globalization;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Simulation;
using GpuExtract.Testing;

namespace GpuExtract.Core.Tests.Simulation;

public class SyntheticPsfFileTests
{
    private static readonly GaussHermitePsf Psf = SyntheticPsf.Default;

    [Fact]
    public void SyntheticPsf_WrittenWithPsfWriter_LoadsBackIdentically()
    {
        string path = Path.Combine(Path.GetTempPath(), $"synthetic-psf-{Guid.NewGuid():N}.fits");
        try
        {
            GaussHermitePsfCoefficients written = SyntheticPsf.Coefficients();
            PsfWriter.Write(path, written);
            GaussHermitePsf loaded = GaussHermitePsf.Load(path);
            Assert.Equal((500, 4114, 4128, 8, 5, 6, 6), (loaded.FiberCount, loaded.NPixX, loaded.NPixY, loaded.HalfSizeX, loaded.HalfSizeY, loaded.GhDegX, loaded.GhDegY));
            foreach (string name in written.Parameters.Keys)
            {
                Assert.True(loaded.Coefficients.Parameters.ContainsKey(name), $"parameter {name} missing after reading back");
                Assert.Equal(written.Parameters[name], loaded.Coefficients.Parameters[name]);
            }
            foreach (int fiber in new[] { 0, 137, 499 })
            {
                foreach (double wavelength in new[] { 5760.0, 6700.0, 7620.0 })
                {
                    Assert.Equal(Psf.X(fiber, wavelength), loaded.X(fiber, wavelength));
                    Assert.Equal(Psf.Y(fiber, wavelength), loaded.Y(fiber, wavelength));
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SkippableFact]
    public void SyntheticPsf_ReadsWithAstropy()
    {
        string path = Path.Combine(Path.GetTempPath(), $"synthetic-psf-{Guid.NewGuid():N}.fits");
        try
        {
            PsfWriter.Write(path, SyntheticPsf.Coefficients());
            string output = TestEnvironment.RunPython("""
                import sys
                from astropy.io import fits
                f = fits.open(sys.argv[1])
                t = f['PSF'].data
                params = [p.strip() for p in t['PARAM']]
                h = f['PSF'].header
                print(h['PSFTYPE'].strip(), str(h['PSFVER']).strip(), h['HSIZEX'], h['HSIZEY'], h['GHDEGX'], h['GHDEGY'], h['NPIX_X'], h['NPIX_Y'])
                print(f['XTRACE'].data.shape, f['YTRACE'].data.shape, t['COEFF'].shape)
                print(repr(t['COEFF'][params.index('GHSIGX')][0][0]), repr(t['COEFF'][params.index('GH-0-0')][250][0]), 'GH-6-6' in params)
                """, path);
            string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("GAUSS-HERMITE 3 8 5 6 6 4114 4128", lines[0].Trim());
            // 59 rows: GHSIGX, GHSIGY, 49 GH-i-j, 5 tail parameters, BUNDLE, STATUS, CONT — as the real file.
            Assert.Equal("(500, 7) (500, 7) (59, 500, 4)", lines[1].Trim());
            string[] values = lines[2].Trim().Split(' ');
            // GHSIGX of fiber 0 (s = −1), coefficient 0, from the figures 1.0426 + 0.0057·s − 0.0083·s².
            Assert.Equal(1.0426 - 0.0057 - 0.0083, double.Parse(values[0], CultureInfo.InvariantCulture), 12);
            Assert.Equal(1.0, double.Parse(values[1], CultureInfo.InvariantCulture));
            Assert.Equal("True", values[2]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SkippableFact]
    public void SyntheticPsf_PassesFitsverify()
    {
        TestEnvironment.SkipUnless(TestEnvironment.FitsVerify is not null, "fitsverify is not installed", isInteropTool: true);
        string path = Path.Combine(Path.GetTempPath(), $"synthetic-psf-{Guid.NewGuid():N}.fits");
        try
        {
            PsfWriter.Write(path, SyntheticPsf.Coefficients());
            // fitsverify -q prints "verification OK" and exits 0 only with 0 warnings and 0 errors.
            var (code, stdout, stderr) = TestEnvironment.Run(TestEnvironment.FitsVerify!, ["-q", path]);
            Assert.True(code == 0 && stdout.Contains("verification OK", StringComparison.Ordinal), $"fitsverify ({code}): {stdout} {stderr}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SkippableFact]
    public void SyntheticPsf_FollowsTheRealPsf()
    {
        string? realPath = TestEnvironment.SharedFile("data/psf-r0-00051060.fits", out string why);
        Skip.If(realPath is null, why);
        GaussHermitePsf real = GaussHermitePsf.Load(realPath!);
        double worstX = 0, worstY = 0, worstSigma = 0;
        for (int fiber = 0; fiber < 500; fiber += 3)
        {
            for (double wavelength = 5760; wavelength <= 7620; wavelength += 62)
            {
                worstX = Math.Max(worstX, Math.Abs(Psf.X(fiber, wavelength) - real.X(fiber, wavelength)));
                worstY = Math.Max(worstY, Math.Abs(Psf.Y(fiber, wavelength) - real.Y(fiber, wavelength)));
                worstSigma = Math.Max(worstSigma, Math.Abs(Psf.Parameter("GHSIGY", fiber, wavelength) - real.Parameter("GHSIGY", fiber, wavelength)));
            }
        }
        // Smooth fits of the real coefficients: the real traces have per-bundle scatter of a few pixels in x
        // (gaps 16.6–19.8 px) and ~1 px in y; σ varies by ~0.03 px from fiber to fiber.
        Assert.True(worstX < 3, $"x differs from the real PSF by up to {worstX} px");
        Assert.True(worstY < 3, $"y differs from the real PSF by up to {worstY} px");
        Assert.True(worstSigma < 0.1, $"GHSIGY differs from the real PSF by up to {worstSigma} px");
    }
}
