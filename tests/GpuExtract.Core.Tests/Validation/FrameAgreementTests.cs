using System.Text.Json;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Validation;

namespace GpuExtract.Core.Tests.Validation;

/// <summary>
/// <see cref="FrameAgreement"/> on two frames of 2 fibers × 3 bins whose figures are worked out by hand below.
/// Every difference is a power of two, so each figure is exact in float64 and compared exactly.
/// </summary>
public class FrameAgreementTests
{
    // Bins in order (fiber, bin) = (0,0) (0,1) (0,2) (1,0) (1,1) (1,2):
    //   (0,0) ivar_ref 4:   Δflux 1/1024 → pull 1/512 (< 0.01); ivar 5 vs 4 → 0.25 rel.; chi2pix 1.5 vs 1 → 0.5 abs., 0.5 rel.
    //   (0,1) ivar_ref 0:   left out of every figure, although flux and resolution differ wildly; ivar 1 vs 0 → one mismatch
    //   (0,2) ivar_ref 1:   Δflux 1/32 → pull 1/32; ivar 0.875 vs 1 → 0.125 rel.; chi2pix 5 vs 4 → 1 abs., 0.25 rel.; pixmask 0.25 vs 0.5
    //   (1,0) ivar_ref 16:  Δflux 1/16 → pull 1/4 (the largest); resolution centre 0.625 vs 0.5 → 0.125
    //   (1,1) ivar_ref 1:   same flux → pull 0; ivar 0 vs 1 → 1 rel. (the largest) and a mismatch; mask 0 vs 1 → one difference
    //   (1,2) ivar_ref 1/4: Δflux 1/128 → pull 1/256 (< 0.01)
    // Bins compared: 5; pulls below 0.01: 3 of 5.
    private static Frame Reference() => new()
    {
        SpecMin = 10,
        NSpec = 2,
        Wavelength = [6000, 6000.8, 6001.6],
        Flux = [1, 2, 3, 4, 5, 6],
        Ivar = [4, 0, 1, 16, 1, 0.25],
        Mask = [0, 0, 0, 0, 1, 0],
        DiagonalCount = 3,
        Resolution = Band(3, (1, 1, 0, 0.5)),
        Chi2Pix = [1, 1, 4, 2, 1, 1],
        PixmaskFraction = [0, 0, 0.5, 0, 0, 0],
    };

    /// <summary>
    /// The frame under test stores 5 diagonals: its central 3 line up with the reference's, and its outer two hold
    /// 100 everywhere, which the comparison must not see.
    /// </summary>
    private static Frame Actual(double firstFlux = 1 + 1.0 / 1024)
    {
        double[] resolution = Band(5, (1, 2, 0, 0.625), (0, 2, 1, 50));
        for (int s = 0; s < 2; s++)
        {
            for (int w = 0; w < 3; w++)
            {
                resolution[(s * 5 + 0) * 3 + w] = 100;
                resolution[(s * 5 + 4) * 3 + w] = 100;
            }
        }
        return new Frame
        {
            SpecMin = 10,
            NSpec = 2,
            Wavelength = [6000, 6000.8, 6001.6],
            Flux = [firstFlux, 100, 3 + 1.0 / 32, 4 + 1.0 / 16, 5, 6 + 1.0 / 128],
            Ivar = [5, 1, 0.875, 16, 0, 0.25],
            Mask = [0, 0, 0, 0, 0, 0],
            DiagonalCount = 5,
            Resolution = resolution,
            Chi2Pix = [1.5, 7, 5, 2, 1, 1],
            PixmaskFraction = [0, 0, 0.25, 0, 0, 0],
        };
    }

    /// <summary>A resolution band [2 fibers, <paramref name="diagonals"/>, 3 bins] of zeros with the given (fiber, k, bin, value) entries.</summary>
    private static double[] Band(int diagonals, params (int Spec, int K, int Bin, double Value)[] entries)
    {
        var band = new double[2 * diagonals * 3];
        foreach (var (spec, k, bin, value) in entries)
        {
            band[(spec * diagonals + k) * 3 + bin] = value;
        }
        return band;
    }

    [Fact]
    public void Measure_GivesTheHandComputedFigures()
    {
        FrameAgreement a = FrameAgreement.Measure(Actual(), Reference());
        Assert.Equal(5, a.Bins);
        Assert.Equal(0.25, a.MaxPull);
        Assert.Equal(0.6, a.FractionPullBelow001);
        Assert.Equal(1.0, a.MaxIvarRelative);
        Assert.Equal(0.125, a.MaxResolution);
        Assert.Equal(1.0, a.MaxChi2Absolute);
        Assert.Equal(0.5, a.MaxChi2Relative);
        Assert.Equal(0.25, a.MaxPixmask);
        Assert.Equal(1, a.MaskDifferences);
        Assert.Equal(2, a.IvarPositiveMismatches);
    }

    [Fact]
    public void Measure_WithAFilter_SeesOnlyTheBinsItAdmits()
    {
        // Fiber 1 only: bins (1,0) (1,1) (1,2); pulls 1/4, 0, 1/256.
        FrameAgreement fiber1 = FrameAgreement.Measure(Actual(), Reference(), (spec, _) => spec == 1);
        Assert.Equal(3, fiber1.Bins);
        Assert.Equal(0.25, fiber1.MaxPull);
        Assert.Equal(2 / 3.0, fiber1.FractionPullBelow001);
        Assert.Equal(0.125, fiber1.MaxResolution);
        Assert.Equal(0.0, fiber1.MaxChi2Absolute);
        Assert.Equal(0.0, fiber1.MaxPixmask);
        Assert.Equal(1, fiber1.MaskDifferences);
        Assert.Equal(1, fiber1.IvarPositiveMismatches);

        // Without (1,0): the largest pull is (0,2)'s 1/32, and no resolution entry differs.
        FrameAgreement without = FrameAgreement.Measure(Actual(), Reference(), (spec, bin) => !(spec == 1 && bin == 0));
        Assert.Equal(4, without.Bins);
        Assert.Equal(1.0 / 32, without.MaxPull);
        Assert.Equal(0.0, without.MaxResolution);
    }

    [Fact]
    public void Measure_NaNFlux_IsAnInfinitePull()
    {
        FrameAgreement a = FrameAgreement.Measure(Actual(firstFlux: double.NaN), Reference());
        Assert.Equal(double.PositiveInfinity, a.MaxPull);
        Assert.False(a.Within(double.MaxValue, 0, double.MaxValue, double.MaxValue));
    }

    [Fact]
    public void Measure_FramesOfDifferentShape_IsAnInputError()
    {
        Frame reference = Reference();
        Frame other = reference with { SpecMin = 11 };
        var error = Assert.Throws<ExtractionInputException>(() => FrameAgreement.Measure(other, reference));
        Assert.Contains("differ in shape", error.Message);
    }

    [Fact]
    public void Within_HoldsEachFigureToItsLimit()
    {
        FrameAgreement a = FrameAgreement.Measure(Actual(), Reference());
        Assert.True(a.Within(0.3, 0.6, 1.5, 0.2));
        Assert.False(a.Within(0.25, 0.6, 1.5, 0.2)); // the pull limit is strict
        Assert.False(a.Within(0.3, 0.61, 1.5, 0.2));
        Assert.False(a.Within(0.3, 0.6, 1.0, 0.2));
        Assert.False(a.Within(0.3, 0.6, 1.5, 0.125));
    }

    [Fact]
    public void ToJson_CarriesTheFiguresLimitsAndVerdict()
    {
        FrameAgreement a = FrameAgreement.Measure(Actual(), Reference());
        using JsonDocument json = JsonDocument.Parse(a.ToJson(false, new Dictionary<string, double> { ["max_pull"] = 0.1 }));
        JsonElement root = json.RootElement;
        Assert.Equal(5, root.GetProperty("bins").GetInt32());
        Assert.Equal(0.25, root.GetProperty("max_pull").GetDouble());
        Assert.Equal(0.6, root.GetProperty("share_pull_below_0.01").GetDouble());
        Assert.Equal(1.0, root.GetProperty("max_chi2pix").GetDouble());
        Assert.Equal(2, root.GetProperty("ivar_zero_mismatches").GetInt32());
        Assert.Equal(0.1, root.GetProperty("limits").GetProperty("max_pull").GetDouble());
        Assert.False(root.GetProperty("pass").GetBoolean());
    }
}
