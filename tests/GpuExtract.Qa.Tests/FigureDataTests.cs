using GpuExtract.Core.Formats;
using GpuExtract.Qa.Rendering;

namespace GpuExtract.Qa.Tests;

/// <summary>The data behind the figures on inputs whose answers are known in closed form.</summary>
public class FigureDataTests
{
    [Fact]
    public void Histogram_CountsMomentsAndOverflow_MatchAHandCount()
    {
        double[] values = [-1.5, -0.2, 0, 0.2, 0.99, 1, 3, double.NaN, double.PositiveInfinity];
        var h = Histogram.Of(values, -1, 1, 4);
        // Bins [-1,-0.5) [-0.5,0) [0,0.5) [0.5,1]: -0.2 | 0, 0.2 | 0.99, 1 (the last bin holds its upper edge).
        Assert.Equal([0L, 1, 2, 2], h.Counts);
        Assert.Equal(1, h.Below);
        Assert.Equal(1, h.Above);
        Assert.Equal(7, h.Total);
        double[] finite = [-1.5, -0.2, 0, 0.2, 0.99, 1, 3];
        double mean = 3.49 / 7;
        Assert.Equal(mean, h.Mean, 1e-14);
        Assert.Equal(Math.Sqrt(finite.Sum(v => (v - mean) * (v - mean)) / 6), h.StandardDeviation, 1e-14);
        // numpy.percentile([-1.5,-0.2,0,0.2,0.99,1,3], [25, 75]) = -0.1, 0.995.
        Assert.Equal((0.995 - -0.1) / 1.3489795003921634, h.RobustWidth, 1e-12);
    }

    [Fact]
    public void Histogram_NormalCounts_AreTheTabulatedProbabilities()
    {
        // P(|z| < 1) = 0.682689492137086 and P(1 < z < 2) = 0.135905121983278 (standard normal tables).
        var h = Histogram.Of(Enumerable.Repeat(0.0, 1000).ToArray(), -2, 2, 4);
        Assert.Equal(1000 * 0.682689492137086 / 2, h.NormalCount(1), 1e-9);
        Assert.Equal(1000 * 0.682689492137086 / 2, h.NormalCount(2), 1e-9);
        Assert.Equal(1000 * 0.135905121983278, h.NormalCount(3), 1e-9);
    }

    [Theory]
    [InlineData(0.8, 0.0)]
    [InlineData(1.3, 0.3)]
    [InlineData(2.0, -0.45)]
    public void KernelFwhm_OfASampledGaussian_Is2Sqrt2Ln2Sigma(double sigma, double centre)
    {
        var kernel = new double[11];
        for (int i = 0; i < kernel.Length; i++)
        {
            double t = i - 5 - centre;
            kernel[i] = 0.37 * Math.Exp(-t * t / (2 * sigma * sigma));
        }
        // The log-parabola through three samples is exact for a Gaussian: only rounding remains.
        Assert.Equal(2 * Math.Sqrt(2 * Math.Log(2)) * sigma, ResolutionWidth.KernelFwhm(kernel), 1e-9);
    }

    [Fact]
    public void KernelFwhm_OfATriangle_IsWithinTheSamplingOfItsFwhm()
    {
        // Triangle of half-width 4 samples: FWHM 4. Not a Gaussian, so the local log-parabola is approximate.
        double[] kernel = [0, 0.25, 0.5, 0.75, 1, 0.75, 0.5, 0.25, 0];
        Assert.InRange(ResolutionWidth.KernelFwhm(kernel), 3.8, 4.2);
    }

    [Fact]
    public void Fwhm_FromTheResolutionBand_IsEachRowsGaussianWidth()
    {
        // Row i of R is a Gaussian of σ_i = 1 + 0.004·i bins, stored as desispec does, RESOLUTION[k, j] = R[j − 5 + k, j].
        // Reading columns instead of rows would mix neighbouring σ and miss by ~1e-3 relative.
        const int nwave = 200, ndiag = 11, half = 5;
        const double dw = 0.8;
        var resolution = new double[ndiag * nwave];
        for (int j = 0; j < nwave; j++)
        {
            for (int k = 0; k < ndiag; k++)
            {
                int i = j - half + k;
                if (i < 0 || i >= nwave)
                {
                    continue;
                }
                double sigma = 1 + 0.004 * i, t = i - j;
                resolution[k * nwave + j] = Math.Exp(-t * t / (2 * sigma * sigma)) / (Math.Sqrt(2 * Math.PI) * sigma);
            }
        }
        Frame frame = MakeFrame(nwave, dw, resolution, ndiag);
        double[] fwhm = ResolutionWidth.Fwhm(frame, 7);
        for (int i = 0; i < nwave; i++)
        {
            if (i < half || i >= nwave - half)
            {
                Assert.True(double.IsNaN(fwhm[i]), $"bin {i}: kernel runs off the grid, FWHM must be NaN, got {fwhm[i]}");
                continue;
            }
            double expected = 2 * Math.Sqrt(2 * Math.Log(2)) * (1 + 0.004 * i) * dw;
            Assert.True(Math.Abs(fwhm[i] - expected) < 1e-9 * expected, $"bin {i}: FWHM {fwhm[i]} A, expected {expected} A");
        }
    }

    [Fact]
    public void FiberSpectrum_SigmaIsOneOverSqrtIvar_AndMarksMaskedBins()
    {
        Frame frame = MakeFrame(6, 1.0, new double[11 * 6], 11);
        frame.Ivar[6 + 1] = 0.25;
        frame.Ivar[6 + 2] = 0;
        frame.Mask[6 + 2] = Frame.AllBadPixels;
        frame.Mask[6 + 4] = Frame.Bad2DFit;
        FiberSpectrum spectrum = FiberSpectrum.Of(frame, 8);
        Assert.Equal(2.0, spectrum.Sigma[1]);
        Assert.True(double.IsNaN(spectrum.Sigma[2]));
        Assert.Equal(1.0, spectrum.Sigma[0]);
        Assert.Equal([2, 4], spectrum.MaskedBins);
        Assert.Throws<GpuExtract.Core.Extraction.ExtractionInputException>(() => FiberSpectrum.Of(frame, 3));
    }

    [Fact]
    public void MaskImage_ShowsTheHighestBitPlusOne()
    {
        Frame frame = MakeFrame(5, 1.0, new double[11 * 5], 11);
        uint[] masks = [0, Frame.SomeBadPixels, Frame.AllBadPixels | Frame.SomeBadPixels, Frame.Bad2DFit, Frame.Bad2DFit | Frame.SomeBadPixels];
        masks.CopyTo(frame.Mask, 0);
        var image = FiberWavelengthImage.MaskBits(frame);
        Assert.Equal([0.0, 1, 2, 8, 8], image.Values.AsSpan(0, 5).ToArray());
        Assert.Equal((0.0, 8.0), (image.ColorMin, image.ColorMax));
    }

    [Fact]
    public void EmbeddedFont_HasEveryGlyphTheFiguresUse()
    {
        // A missing glyph (id 0, .notdef) would draw a box; every label's characters must be in the embedded face.
        const string text = "ÅÅσ√χ²−·±×≈ivar [electron/Å] (data − model)·√ivar N(0, 1) 0123456789";
        ushort[] glyphs = EmbeddedFont.Typeface.GetGlyphs(text);
        Assert.Equal(text.Length, glyphs.Length);
        for (int i = 0; i < text.Length; i++)
        {
            Assert.True(glyphs[i] != 0, $"'{text[i]}' (U+{(int)text[i]:X4}) has no glyph in {EmbeddedFont.Family}");
        }
        Assert.Equal(EmbeddedFont.Family, EmbeddedFont.Typeface.FamilyName);
    }

    /// <summary>A frame of 3 fibers (7, 8, 9), flux 0, ivar 1, mask 0, with the given band for every fiber.</summary>
    private static Frame MakeFrame(int nwave, double dw, double[] bandOfOneFiber, int ndiag)
    {
        const int nspec = 3;
        var resolution = new double[nspec * ndiag * nwave];
        for (int s = 0; s < nspec; s++)
        {
            bandOfOneFiber.CopyTo(resolution, s * ndiag * nwave);
        }
        return new Frame
        {
            SpecMin = 7,
            NSpec = nspec,
            Wavelength = Enumerable.Range(0, nwave).Select(j => 5000 + j * dw).ToArray(),
            Flux = new double[nspec * nwave],
            Ivar = Enumerable.Repeat(1.0, nspec * nwave).ToArray(),
            Mask = new uint[nspec * nwave],
            DiagonalCount = ndiag,
            Resolution = resolution,
            Chi2Pix = new double[nspec * nwave],
        };
    }
}
