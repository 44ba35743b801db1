using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using Xunit.Abstractions;

namespace GpuExtract.Fuzz.Tests;

/// <summary>
/// Corrupt pixel values (a flipped exponent bit, IMAGE = 3e38, IVAR = 1e30) are treated like NaN pixels:
/// weight 0, counted, and every output stays finite in float32. Before the bounds, one such pixel made
/// hundreds of IVAR values +Inf and CHI2PIX reach 1e31, with exit 0.
/// </summary>
public class PixelBoundsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("IVAR", 8.7e36f)] // 0.0256 with one exponent bit flipped
    [InlineData("IVAR", 1e30f)]
    [InlineData("IVAR", float.MaxValue)]
    [InlineData("IMAGE", 3e38f)]
    [InlineData("IMAGE", -1e20f)]
    public void CorruptPixelUnderASpot_IsIgnoredAndOutputsStayFinite(string plane, float value)
    {
        FuzzInput input = SmallInputs.Synthetic;
        PreprocImage image = Extraction.Copy(input.Image);
        int at = Extraction.Brightest(image);
        (plane == "IVAR" ? image.Ivar : image.Image)[at] = value;

        FrameExtraction.Result result = Extraction.Run(image, input.PsfCoefficients, input.Options);
        string? wrong = FuzzRunner.CheckFrame(result.Frame);
        output.WriteLine($"{plane} = {value} at pixel {at}: unusable {result.UnusablePixels}, first bad output {wrong ?? "none"}");
        Assert.Null(wrong);
        Assert.Equal(1, result.UnusablePixels);

        // The corrupt pixel must have exactly the effect of a masked one: compare with IVAR = 0 there.
        PreprocImage masked = Extraction.Copy(input.Image);
        masked.Ivar[at] = 0;
        FrameExtraction.Result reference = Extraction.Run(masked, input.PsfCoefficients, input.Options);
        Assert.Equal(reference.Frame.Flux, result.Frame.Flux);
        Assert.Equal(reference.Frame.Ivar, result.Frame.Ivar);
    }

    [Fact]
    public void ImageOf3e38Everywhere_IsRefusedAsHavingNoUsablePixel()
    {
        FuzzInput input = SmallInputs.Synthetic;
        PreprocImage image = Extraction.Copy(input.Image);
        Array.Fill(image.Image, 3e38f);
        var error = Assert.Throws<ExtractionInputException>(() => Extraction.Run(image, input.PsfCoefficients, input.Options));
        output.WriteLine(error.Message);
        Assert.Contains("no usable pixel", error.Message);
        Assert.Contains(image.FileName, error.Message);
    }

    [Theory]
    [InlineData(1e10f, 1f, true)]
    [InlineData(-1e10f, 1f, true)]
    [InlineData(1.001e10f, 1f, false)]
    [InlineData(1f, 1e10f, true)]
    [InlineData(1f, 1.001e10f, false)]
    [InlineData(1f, -5f, true)] // IVAR ≤ 0 means "no information", not corruption
    [InlineData(float.NaN, 1f, false)]
    [InlineData(1f, float.PositiveInfinity, false)]
    public void HoldsPhysicalValues_BoundsAre1e10(float image, float ivar, bool expected)
    {
        Assert.Equal(expected, PreprocImage.HoldsPhysicalValues(image, ivar));
    }
}
