using GpuExtract.Core.Psf;
using Xunit.Abstractions;

namespace GpuExtract.Fuzz.Tests;

/// <summary>
/// PSF coefficients that describe no usable spots are refused with a <see cref="PsfFormatException"/> naming
/// the HDU, the parameter and the fiber, instead of crashing (flat or runaway traces: "invalid domain",
/// "rank-deficient Legendre fit", ArgumentOutOfRange) or returning a frame of zeros (GHSIGX ≤ 0, a tiny trace
/// domain) with exit 0, or taking tens of GB (HSIZE 200).
/// </summary>
public class PsfDegeneracyTests(ITestOutputHelper output)
{
    [Fact]
    public void FlatYTrace_IsRefusedNamingYTraceAndFiber()
    {
        var c = Extraction.With(SmallInputs.Synthetic.PsfCoefficients, (_, _, y) =>
        {
            for (int k = 1; k < y.GetLength(1); k++)
            {
                y[2, k] = 0; // fiber 2: y constant in λ
            }
        });
        AssertRefused(c, "YTRACE", "fiber 2");
    }

    [Fact]
    public void YTraceOf1e300_IsRefusedNamingYTraceAndFiber()
    {
        var c = Extraction.With(SmallInputs.Synthetic.PsfCoefficients, (_, _, y) => y[0, 0] = 1e300);
        AssertRefused(c, "YTRACE", "fiber 0");
    }

    [Fact]
    public void XTraceCoefficientOf1e6_IsRefusedNamingXTraceAndFiber()
    {
        var c = Extraction.With(SmallInputs.Synthetic.PsfCoefficients, (_, x, _) => x[3, 1] = 1e6);
        AssertRefused(c, "XTRACE", "fiber 3");
    }

    [Theory]
    [InlineData("GHSIGX", 0.0)]
    [InlineData("GHSIGX", -1.0)]
    [InlineData("GHSIGY", -0.5)]
    public void NonPositiveSpotWidth_IsRefusedNamingParameterAndFiber(string parameter, double value)
    {
        var c = Extraction.With(SmallInputs.Synthetic.PsfCoefficients, (p, _, _) =>
        {
            for (int k = 0; k < p[parameter].GetLength(1); k++)
            {
                p[parameter][1, k] = k == 0 ? value : 0;
            }
        });
        AssertRefused(c, parameter, "fiber 1");
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(1.0)]
    public void CrossedTraces_AreRefusedNamingTheFibers(double x)
    {
        // Fiber 1's trace moved to column x, left of fiber 0: before, a patch box of negative width threw
        // ArgumentOutOfRangeException (exit 1).
        var c = Extraction.With(SmallInputs.Synthetic.PsfCoefficients, (_, xt, _) =>
        {
            for (int k = 0; k < xt.GetLength(1); k++)
            {
                xt[1, k] = k == 0 ? x : 0;
            }
        });
        AssertRefused(c, "XTRACE", "fibers 0 and 1");
    }

    [Fact]
    public void TinyYTraceDomain_IsRefusedNamingTheFiber()
    {
        FuzzInput input = SmallInputs.Synthetic;
        double lo = input.PsfCoefficients.YTraceWaveMin;
        var c = Extraction.With(input.PsfCoefficients, yDomain: (lo, lo + 0.01));
        AssertRefused(c, "fiber", "");
    }

    [Theory]
    [InlineData(200, 5)]
    [InlineData(8, 65)]
    public void HugeHalfSize_IsRefusedBeforeAnySpotIsEvaluated(int hsizex, int hsizey)
    {
        var c = Extraction.With(SmallInputs.Synthetic.PsfCoefficients, halfSizeX: hsizex, halfSizeY: hsizey);
        AssertRefused(c, "HSIZEX", "");
    }

    [Fact]
    public void HalfSizeWiderThanTheCcd_IsRefused()
    {
        GaussHermitePsfCoefficients baseline = SmallInputs.Synthetic.PsfCoefficients;
        int half = baseline.NPixX / 2; // 2·half + 1 > NPIX_X
        Assert.True(half <= GaussHermitePsfCoefficients.MaxHalfSize, $"the small CCD is {baseline.NPixX} columns wide");
        AssertRefused(Extraction.With(baseline, halfSizeX: half), "do not fit", "");
    }

    private void AssertRefused(GaussHermitePsfCoefficients c, string what, string fiber)
    {
        FuzzInput input = SmallInputs.Synthetic;
        var error = Assert.Throws<PsfFormatException>(() => Extraction.Run(input.Image, c, input.Options));
        output.WriteLine(error.Message);
        Assert.Contains(what, error.Message);
        Assert.Contains(fiber, error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }
}
