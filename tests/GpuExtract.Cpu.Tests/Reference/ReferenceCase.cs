using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Psf;
using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Testing;
using Xunit.Abstractions;

namespace GpuExtract.Cpu.Tests.Reference;

/// <summary>
/// One case of ../shared/reference (README §2.3): our extraction of the reference's preproc file with
/// the reference's parameters, compared with the frame specter's ex2d wrote.
/// </summary>
internal static class ReferenceCase
{
    /// <summary>Agreement figures of one comparison.</summary>
    public sealed record Agreement(int Bins, double MaxPull, double FractionPullBelow001, double MaxIvarRelative, double MaxResolutionAbsolute, double MaxChi2Absolute, double MaxPixmaskAbsolute)
    {
        public override string ToString() =>
            $"bins {Bins}: max pull {MaxPull:E3}, pulls < 0.01: {100 * FractionPullBelow001:0.000}%, max rel. ivar {MaxIvarRelative:E3}, " +
            $"max abs. resolution {MaxResolutionAbsolute:E3}, max abs. chi2pix {MaxChi2Absolute:E3}, max abs. pixmask {MaxPixmaskAbsolute:E3}";
    }

    /// <summary>Loads the shared PSF, or skips the test when ../shared is absent.</summary>
    public static GaussHermitePsf LoadPsf()
    {
        string? path = TestEnvironment.SharedFile("data/psf-r0-00051060.fits", out string why);
        Skip.If(path is null, why);
        return GaussHermitePsf.Load(path);
    }

    /// <summary>Reads a shared reference file path, or skips.</summary>
    public static string Path(string name)
    {
        string? path = TestEnvironment.SharedFile("reference/" + name, out string why);
        Skip.If(path is null, why);
        return path;
    }

    /// <summary>Extracts <paramref name="image"/> as the reference's <paramref name="referenceFrame"/> was made, and compares.</summary>
    public static (Frame Ours, Agreement Agreement) ExtractAndCompare(PreprocImage image, GaussHermitePsf psf, string referenceFrame,
        int nsubbundles, bool decorrelate, ITestOutputHelper output, LapackChoice lapack = LapackChoice.Auto)
    {
        Frame reference = FrameFile.Read(Path(referenceFrame));
        var options = new ExtractionOptions
        {
            // README §4.1: read the grid from the WAVELENGTH HDU rather than regenerating it.
            Wavelengths = reference.Wavelength,
            SpecMin = (int)reference.Header.GetInt("SPECMIN"),
            NSpec = reference.NSpec,
            BundleSize = 25,
            NSubBundles = nsubbundles,
            NWaveStep = 50,
            DecorrelateFibers = decorrelate,
            PsfError = 0.01,
        };
        using var backend = new CpuBackend(Environment.ProcessorCount, LapackProvider.CreateFactory(lapack, out string lapackName));
        var result = FrameExtraction.Run(image, psf, options, backend);
        output.WriteLine($"{referenceFrame}: {result.PatchCount} patches, solve {result.Times.Solve:0.00} s, spots {result.Times.Spots:0.00} s, {lapackName}");
        var agreement = Compare(result.Frame, reference);
        output.WriteLine(agreement.ToString());
        return (result.Frame, agreement);
    }

    /// <summary>The agreement measures of DESIGN §4, over bins where the reference's ivar &gt; 0.</summary>
    public static Agreement Compare(Frame ours, Frame reference)
    {
        Assert.Equal(reference.Flux.Length, ours.Flux.Length);
        Assert.Equal(reference.DiagonalCount, ours.DiagonalCount);
        int nwave = reference.NWave;
        int ndiag = reference.DiagonalCount;
        int bins = 0, below = 0;
        double maxPull = 0, maxIvar = 0, maxRes = 0, maxChi2 = 0, maxPixmask = 0;
        for (int i = 0; i < reference.Flux.Length; i++)
        {
            Assert.True(double.IsFinite(ours.Flux[i]) && double.IsFinite(ours.Ivar[i]), $"non-finite output at bin {i}");
            if (!(reference.Ivar[i] > 0))
            {
                continue;
            }
            bins++;
            double pull = Math.Abs(ours.Flux[i] - reference.Flux[i]) * Math.Sqrt(reference.Ivar[i]);
            maxPull = Math.Max(maxPull, pull);
            below += pull < 0.01 ? 1 : 0;
            maxIvar = Math.Max(maxIvar, Math.Abs(ours.Ivar[i] / reference.Ivar[i] - 1));
            maxChi2 = Math.Max(maxChi2, Math.Abs(ours.Chi2Pix[i] - reference.Chi2Pix[i]));
            if (reference.PixmaskFraction is { } pixmask && ours.PixmaskFraction is { } ourPixmask)
            {
                maxPixmask = Math.Max(maxPixmask, Math.Abs(ourPixmask[i] - pixmask[i]));
            }
            int spec = i / nwave, bin = i % nwave;
            for (int k = 0; k < ndiag; k++)
            {
                int at = (spec * ndiag + k) * nwave + bin;
                maxRes = Math.Max(maxRes, Math.Abs(ours.Resolution[at] - reference.Resolution[at]));
            }
        }
        return new Agreement(bins, maxPull, bins > 0 ? below / (double)bins : 0, maxIvar, maxRes, maxChi2, maxPixmask);
    }

    /// <summary>DESIGN §4's targets against the reference implementation.</summary>
    public static void AssertMeetsReferenceTargets(Agreement a)
    {
        Assert.True(a.Bins > 0, "no bins with ivar > 0 in the reference");
        Assert.True(a.FractionPullBelow001 >= 0.999, $"pulls < 0.01 in only {100 * a.FractionPullBelow001:0.000}% of bins: {a}");
        Assert.True(a.MaxPull < 0.02, $"max pull {a.MaxPull}: {a}");
        Assert.True(a.MaxIvarRelative < 1e-3, $"ivar: {a}");
        Assert.True(a.MaxResolutionAbsolute < 1e-4, $"resolution: {a}");
        // chi2pix uses the same formula on the same model; 1e-3 absolute (median chi2pix is 0.81) leaves room
        // only for the small flux differences of a different floating-point order.
        Assert.True(a.MaxChi2Absolute < 1e-3, $"chi2pix: {a}");
        Assert.True(a.MaxPixmaskAbsolute < 1e-9, $"pixmask fraction: {a}");
    }
}
