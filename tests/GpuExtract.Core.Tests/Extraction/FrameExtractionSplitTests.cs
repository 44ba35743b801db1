using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Simulation;
using GpuExtract.Fits;
using GpuExtract.Testing;

namespace GpuExtract.Core.Tests.Extraction;

/// <summary>
/// <see cref="FrameExtraction.PrepareFrame"/> followed by <see cref="FrameExtraction.SolveAndAssemble"/> is
/// <see cref="FrameExtraction.Run"/> split where a batch overlaps frames: the frames must be equal array by
/// array (bit for bit: the same arithmetic on the same inputs), also when several frames are prepared before
/// any is solved, and bad input must fail in the preparation with Run's exception and message.
/// </summary>
public class FrameExtractionSplitTests
{
    private static readonly GaussHermitePsf Psf = SyntheticPsf.Default;

    /// <summary>8 fibers over 80 Å (bundle of 8, 4 subbundles): several patches, pads at both ends, masked pixels.</summary>
    private static readonly Lazy<SimulatedFrame> Plain = new(() => Simulate(fiberMin: 0, seed: 7, desiLayout: false));

    /// <summary>Another 8 fibers in DESI's preproc layout: HDU-0 pointing for the barycentric correction, a petal FIBERMAP.</summary>
    private static readonly Lazy<SimulatedFrame> Desi = new(() => Simulate(fiberMin: 8, seed: 11, desiLayout: true));

    private static SimulatedFrame Simulate(int fiberMin, int seed, bool desiLayout) => FrameSimulator.Simulate(Psf, new SimulationOptions
    {
        FiberMin = fiberMin,
        FiberCount = 8,
        WaveMin = 5760,
        WaveMax = 5840,
        WaveStep = 0.8,
        Seed = seed,
        Threads = 2,
        DesiLayout = desiLayout,
    }, SyntheticPsf.BuiltInName);

    private static ExtractionOptions Options(int specMin, bool model) => new()
    {
        Wavelengths = ExtractionOptions.LinearGrid(5760, 5840, 0.8),
        SpecMin = specMin,
        NSpec = 8,
        BundleSize = 8,
        NSubBundles = 4,
        NWaveStep = 50,
        ComputeModel = model,
        PsfError = 0.02,
    };

    [Fact]
    public void PrepareThenSolve_EqualsRun()
    {
        PreprocImage image = Plain.Value.Image;
        ExtractionOptions options = Options(specMin: 0, model: true);
        FrameExtraction.Result expected;
        using (var backend = new InputDigestBackend())
        {
            expected = FrameExtraction.Run(image, Psf, options, backend, psfPath: "psf.fits");
        }
        FrameExtraction.Result actual;
        using (var backend = new InputDigestBackend())
        {
            PreparedFrame prepared = FrameExtraction.PrepareFrame(image, Psf, options, "psf.fits");
            Assert.Empty(backend.Begun);
            actual = FrameExtraction.SolveAndAssemble(prepared, backend);
            Assert.Same(prepared.Input, Assert.Single(backend.Begun));
        }
        AssertSameResult(expected, actual);
        Assert.NotNull(actual.ModelImage);
        Assert.Contains(actual.Frame.Flux, v => v != 0);
    }

    /// <summary>
    /// Two frames prepared before either is solved (as the batch's read-ahead does), solved in the other order
    /// by one backend: each equals its own Run. The second carries a fibermap (<c>-f</c>) and the barycentric
    /// correction, so the corrected grid, HELIOCOR and FIBERMAP rows travel in the prepared frame too.
    /// </summary>
    [Fact]
    public void FramesPreparedAhead_SolvedInAnyOrder_EqualTheirRuns()
    {
        using var directory = new TempDirectory();
        string fibermapPath = directory.File("fibermap.fits");
        FitsWriter.WriteFile(fibermapPath, writer =>
        {
            writer.WriteEmptyPrimary();
            var header = new FitsHeader();
            header.Set("EXTNAME", "FIBERMAP");
            writer.WriteTable(header, Desi.Value.Fibermap());
        });
        var frames = new (PreprocImage Image, ExtractionOptions Options)[]
        {
            (Plain.Value.Image, Options(specMin: 0, model: false)),
            (Desi.Value.Image, Options(specMin: 8, model: true) with { FibermapPath = fibermapPath, BarycentricCorrection = true }),
        };
        var expected = new FrameExtraction.Result[frames.Length];
        for (int i = 0; i < frames.Length; i++)
        {
            using var fresh = new InputDigestBackend();
            expected[i] = FrameExtraction.Run(frames[i].Image, Psf, frames[i].Options, fresh, psfPath: $"psf-{i}.fits");
        }

        PreparedFrame[] prepared = [.. frames.Select((f, i) => FrameExtraction.PrepareFrame(f.Image, Psf, f.Options, $"psf-{i}.fits"))];
        using var backend = new InputDigestBackend();
        FrameExtraction.Result second = FrameExtraction.SolveAndAssemble(prepared[1], backend);
        FrameExtraction.Result first = FrameExtraction.SolveAndAssemble(prepared[0], backend);

        AssertSameResult(expected[0], first);
        AssertSameResult(expected[1], second);
        Assert.Null(first.Heliocor);
        Assert.True(second.Heliocor is > 0.999 and < 1.001, $"HELIOCOR {second.Heliocor}: a barycentric factor is within 1e-3 of 1");
        Assert.Equal(Enumerable.Range(8, 8), second.Frame.Fibermap!.Fibers);
        // desispec's convention: planned on (wmin/f, wmax/f, dw/f), written on the stated grid.
        double f = second.Heliocor!.Value;
        double[] corrected = ExtractionOptions.LinearGrid(5760 / f, 5840 / f, 0.8 / f);
        Assert.Equal(corrected, prepared[1].Plan.GridWavelengths.AsSpan(prepared[1].Plan.GridOffset, corrected.Length).ToArray());
        Assert.Equal(ExtractionOptions.LinearGrid(5760, 5840, 0.8), second.Frame.Wavelength);
        Assert.Equal([prepared[1].Input, prepared[0].Input], backend.Begun);
    }

    public static TheoryData<string> BadInputs => ["image size", "fibers beyond the PSF"];

    /// <summary>Bad input fails in the preparation, before any backend is involved, as Run fails: same type, same message.</summary>
    [Theory]
    [MemberData(nameof(BadInputs))]
    public void PrepareFrame_BadInput_ThrowsRunsException(string problem)
    {
        PreprocImage image = Plain.Value.Image;
        ExtractionOptions options = Options(specMin: 0, model: false);
        if (problem == "image size")
        {
            image = image with { NPixX = image.NPixX - 1 };
        }
        else
        {
            options = options with { SpecMin = Psf.FiberMin + Psf.FiberCount - 4 };
        }
        using var backend = new InputDigestBackend();
        var fromRun = Assert.Throws<ExtractionInputException>(() => FrameExtraction.Run(image, Psf, options, backend));
        var fromPrepare = Assert.Throws<ExtractionInputException>(() => FrameExtraction.PrepareFrame(image, Psf, options));
        Assert.Equal(fromRun.Message, fromPrepare.Message);
        Assert.Empty(backend.Begun);
    }

    private static void AssertSameResult(FrameExtraction.Result expected, FrameExtraction.Result actual)
    {
        Frame e = expected.Frame, a = actual.Frame;
        Assert.Equal((e.SpecMin, e.NSpec, e.DiagonalCount), (a.SpecMin, a.NSpec, a.DiagonalCount));
        Assert.Equal(e.Wavelength, a.Wavelength);
        Assert.Equal(e.Flux, a.Flux);
        Assert.Equal(e.Ivar, a.Ivar);
        Assert.Equal(e.Mask, a.Mask);
        Assert.Equal(e.Resolution, a.Resolution);
        Assert.Equal(e.Chi2Pix, a.Chi2Pix);
        Assert.Equal(e.PixmaskFraction, a.PixmaskFraction);
        Assert.Equal(e.Header.Select(c => (c.Key, c.Value, c.Comment)), a.Header.Select(c => (c.Key, c.Value, c.Comment)));
        Assert.Equal(e.Fibermap?.Rows, a.Fibermap?.Rows);
        Assert.Equal(e.Scores?.Select(s => s.Name), a.Scores?.Select(s => s.Name));
        for (int i = 0; i < (e.Scores?.Count ?? 0); i++)
        {
            Assert.Equal(e.Scores![i].Values, a.Scores![i].Values);
        }
        Assert.Equal(expected.ModelImage, actual.ModelImage);
        Assert.Equal((expected.PatchCount, expected.UnusablePixels, expected.Heliocor), (actual.PatchCount, actual.UnusablePixels, actual.Heliocor));
    }
}
