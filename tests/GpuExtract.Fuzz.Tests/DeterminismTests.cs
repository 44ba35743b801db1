using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Psf;
using GpuExtract.Cpu;
using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Testing;
using Xunit.Abstractions;

namespace GpuExtract.Fuzz.Tests;

/// <summary>
/// An extraction's outputs depend on its inputs only: not on the thread count, nor on what the process (or
/// the same backend) extracted before. Compared bit for bit, as float32 (the file's type) and as float64.
/// Before, a rerun after an interrupted batch differed from a clean run by one float32 ulp in RESOLUTION,
/// and --threads 2 differed from --threads 1.
/// </summary>
public class DeterminismTests(ITestOutputHelper output)
{
    [Fact]
    public void Synthetic_SameBitsForAnyThreadCountAndHistory() => AssertDeterministic(SmallInputs.Synthetic);

    [SkippableFact]
    public void RealLayout_SameBitsForAnyThreadCountAndHistory()
    {
        FuzzInput? input = SmallInputs.RealLayout(out string reason);
        TestEnvironment.SkipUnless(input is not null, reason);
        AssertDeterministic(input!);
    }

    [SkippableFact]
    public void ReferenceSmallCase_SameBitsForAnyThreadCountAndHistory()
    {
        string? preprocPath = TestEnvironment.SharedFile("reference/small-preproc.fits.gz", out string reason);
        TestEnvironment.SkipUnless(preprocPath is not null, reason);
        string? psfPath = TestEnvironment.SharedFile("data/psf-r0-00051060.fits", out reason);
        TestEnvironment.SkipUnless(psfPath is not null, reason);
        PreprocImage image = PreprocImage.Read(preprocPath!);
        GaussHermitePsf psf = GaussHermitePsf.Load(psfPath!);
        var options = new ExtractionOptions { Wavelengths = ExtractionOptions.LinearGrid(6200, 6400, 0.8), SpecMin = 0, NSpec = 5 };
        Frame reference = Extract(image, psf, options, threads: 1, before: null);
        foreach (int threads in (int[])[2, 3, 4])
        {
            AssertSameBits(reference, Extract(image, psf, options, threads, before: null), $"{threads} threads");
        }
        // After another extraction on the same backend (a batch's next frame, a resumed run).
        var shifted = options with { Wavelengths = ExtractionOptions.LinearGrid(6230, 6380, 0.7), NSubBundles = 2 };
        AssertSameBits(reference, Extract(image, psf, options, threads: 3, before: (image, shifted)), "after another frame, 3 threads");
    }

    private void AssertDeterministic(FuzzInput input)
    {
        var psf = new GaussHermitePsf(input.PsfCoefficients);
        Frame reference = Extract(input.Image, psf, input.Options, threads: 1, before: null);
        foreach (int threads in (int[])[2, 3])
        {
            AssertSameBits(reference, Extract(input.Image, psf, input.Options, threads, before: null), $"{threads} threads");
        }
        PreprocImage other = Extraction.Copy(input.Image);
        for (int i = 0; i < other.Image.Length; i++)
        {
            other.Image[i] = 3 * other.Image[i] + 17; // different pixels leave different values in every scratch buffer
        }
        var otherOptions = input.Options with { NWaveStep = 40, NSubBundles = 2, DecorrelateFibers = true };
        AssertSameBits(reference, Extract(input.Image, psf, input.Options, threads: 1, before: (other, otherOptions)), "after another frame, 1 thread");
        AssertSameBits(reference, Extract(input.Image, psf, input.Options, threads: 3, before: (other, otherOptions)), "after another frame, 3 threads");
    }

    private static Frame Extract(PreprocImage image, GaussHermitePsf psf, ExtractionOptions options, int threads, (PreprocImage Image, ExtractionOptions Options)? before)
    {
        using var backend = new CpuBackend(threads, LapackProvider.CreateFactory(LapackChoice.Auto, out _));
        if (before is var (otherImage, otherOptions))
        {
            FrameExtraction.Run(otherImage, psf, otherOptions, backend);
        }
        return FrameExtraction.Run(image, psf, options, backend).Frame;
    }

    private void AssertSameBits(Frame expected, Frame actual, string what)
    {
        int differences = 0;
        string first = "";
        void Compare(string name, double[] a, double[] b)
        {
            Assert.Equal(a.Length, b.Length);
            for (int i = 0; i < a.Length; i++)
            {
                if (BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(b[i]))
                {
                    if (differences++ == 0)
                    {
                        first = $"{name}[{i}]: {a[i]:R} vs {b[i]:R} (float32 {(float)a[i]:R} vs {(float)b[i]:R})";
                    }
                }
            }
        }
        Compare("FLUX", expected.Flux, actual.Flux);
        Compare("IVAR", expected.Ivar, actual.Ivar);
        Compare("RESOLUTION", expected.Resolution, actual.Resolution);
        Compare("CHI2PIX", expected.Chi2Pix, actual.Chi2Pix);
        output.WriteLine($"{what}: {differences} values differ{(differences > 0 ? $", first {first}" : "")}");
        Assert.True(differences == 0, $"{what}: {differences} values differ from 1 thread, first {first}");
    }
}
