using GpuExtract.Core.Simulation;
using GpuExtract.Core.Validation;
using Xunit.Abstractions;

namespace GpuExtract.Qa.Tests;

/// <summary>The data behind the residual and pull figures, on a simulated frame whose answer is known: N(0, 1).</summary>
public class SimulatedFrameQaTests(ITestOutputHelper output)
{
    [Fact]
    public void Residuals_OfTheFrameProjectedThroughThePsf_AreUnitNormal()
    {
        var frame = SimulatedQaFrame.Frame;
        var image = SimulatedQaFrame.Simulated.Image;
        var region = PixelResiduals.ClipToCcd(image, ResidualRegion.AroundFibers(SyntheticPsf.Default, [0, 5, 9], frame.Wavelength[frame.NWave / 2]));
        var residuals = PixelResiduals.FromRegionModel(image, ProjectedModel.Compute(frame, SyntheticPsf.Default, region), region);
        Histogram h = residuals.Histogram;
        output.WriteLine($"region {region}: n {h.Total}, mean {h.Mean:F4}, std {h.StandardDeviation:F4}, IQR/1.349 {h.RobustWidth:F4}, outside ±5: {h.Below + h.Above}");
        Assert.True(h.Total > 10_000, $"only {h.Total} residuals in {region}");
        // Mean: a right model leaves no offset; ±0.05 is > 4 standard errors (1/√n ≈ 0.01 for n ≈ 10,000 pixels).
        Assert.True(Math.Abs(h.Mean) < 0.05, $"residual mean {h.Mean}");
        // Width: unit normal, less the share of degrees of freedom the fit took (one unknown per ~10 pixels:
        // √(1 − 1/10) ≈ 0.95); the robust width ignores the rare cosmic-ray tails the mask misses.
        Assert.InRange(h.RobustWidth, 0.90, 1.05);
        Assert.InRange(h.StandardDeviation, 0.90, 1.10);
    }

    [Fact]
    public void Residuals_OfTheExtractModelImage_MissLightWherePatchBoxesOverlap()
    {
        // extract --model writes each patch's box over its neighbours' (the reference's quirk): where a later
        // subbundle's box covers an earlier subbundle's fiber that it does not fit, that fiber's light is missing,
        // so the residuals are skewed positive there. The projected model has no such seams.
        var frame = SimulatedQaFrame.Frame;
        var image = SimulatedQaFrame.Simulated.Image;
        var region = PixelResiduals.ClipToCcd(image, ResidualRegion.AroundFibers(SyntheticPsf.Default, [0, 5, 9], frame.Wavelength[frame.NWave / 2]));
        Histogram patches = PixelResiduals.Compute(image, SimulatedQaFrame.Model, region).Histogram;
        Histogram projected = PixelResiduals.FromRegionModel(image, ProjectedModel.Compute(frame, SyntheticPsf.Default, region), region).Histogram;
        output.WriteLine($"extract --model: mean {patches.Mean:F3}, std {patches.StandardDeviation:F3}; projected: mean {projected.Mean:F3}, std {projected.StandardDeviation:F3}");
        Assert.True(patches.Mean > projected.Mean + 0.2, $"extract --model residual mean {patches.Mean} vs projected {projected.Mean}");
    }

    [Fact]
    public void Pulls_AgainstTheTruth_AreUnitNormal_AndMatchTheDemoCheck()
    {
        var frame = SimulatedQaFrame.Frame;
        var map = TruthPullMap.Compute(frame, SimulatedQaFrame.Truth);
        Histogram h = map.Histogram;
        var demo = TruthPulls.Compute(frame, SimulatedQaFrame.Simulated.Truth.Wavelengths, SimulatedQaFrame.Simulated.Truth.FluxDensity(), frame.DiagonalCount);
        output.WriteLine($"pulls: n {h.Total}, mean {h.Mean:F4}, std {h.StandardDeviation:F4}, IQR/1.349 {h.RobustWidth:F4}; demo {demo}");
        Assert.True(h.Total > 4000, $"only {h.Total} pulls");
        // Decorrelated bins are independent: standard errors 1/√n ≈ 0.015 (mean) and 1/√(2n) ≈ 0.01 (std) for n ≈ 4,500;
        // ±0.05 is over 3 of them, and is the bundle test's tolerance.
        Assert.True(Math.Abs(h.Mean) < 0.05, $"pull mean {h.Mean}");
        Assert.True(Math.Abs(h.StandardDeviation - 1) < 0.05, $"pull std {h.StandardDeviation}");
        // The figure shows the same bins as the demo's check (same count, same moments to rounding).
        Assert.Equal(demo.Bins, h.Total);
        Assert.Equal(demo.Mean, h.Mean, 1e-12);
        Assert.Equal(demo.StandardDeviation, h.StandardDeviation, 1e-12);
        for (int spec = 0; spec < map.Fibers; spec++)
        {
            Assert.True(Math.Abs(map.FiberMean[spec]) < 0.15 && Math.Abs(map.FiberStandardDeviation[spec] - 1) < 0.15,
                $"fiber {spec}: mean {map.FiberMean[spec]}, std {map.FiberStandardDeviation[spec]} (±0.15: ~4 standard errors for ~450 bins)");
        }
    }

    [Fact]
    public void ResolutionFwhm_OfTheSyntheticPsf_IsNearItsDispersion()
    {
        // Extraction decorrelates to about the PSF's own line spread: FWHM ≈ 2.3548·wdisp within 40 % (the
        // resolution kernel is the PSF's dispersion reshaped by the deconvolution, not equal to it).
        var frame = SimulatedQaFrame.Frame;
        double[] fwhm = ResolutionWidth.Fwhm(frame, 5);
        int j = frame.NWave / 2;
        double expected = 2.3548 * SyntheticPsf.Default.WDisp(5, frame.Wavelength[j]);
        output.WriteLine($"fiber 5 at {frame.Wavelength[j]} A: FWHM {fwhm[j]:F3} A, 2.3548 wdisp {expected:F3} A");
        Assert.InRange(fwhm[j], 0.6 * expected, 1.4 * expected);
        Assert.True(double.IsNaN(fwhm[0]) && double.IsNaN(fwhm[^1]), "bins whose kernel runs off the grid must be NaN");
    }
}
