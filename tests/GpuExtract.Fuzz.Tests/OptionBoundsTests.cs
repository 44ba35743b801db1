using System.Diagnostics;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Planning;
using Xunit.Abstractions;

namespace GpuExtract.Fuzz.Tests;

/// <summary>
/// Options that would overflow, exhaust memory or run for minutes are refused up front with an
/// <see cref="ExtractionInputException"/> naming the option: before, --wavepad-frac 1e9 threw
/// OverflowException, a -w step of 1e-12 ran out of memory, 1e-3 threw IndexOutOfRange after 18.5 GB, and
/// 0.01 ran for more than a minute.
/// </summary>
public class OptionBoundsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1e9, 0.8)]
    [InlineData(0.2, 1e9)]
    [InlineData(double.NaN, 0.8)]
    [InlineData(-1, 0.8)]
    [InlineData(10.01, 0.8)]
    public void PadFractionsOutOfRange_AreRefusedNamingTheOption(double wavepad, double pixpad)
    {
        FuzzInput input = SmallInputs.Synthetic;
        var options = input.Options with { WavePadFrac = wavepad, PixPadFrac = pixpad };
        var error = Assert.Throws<ExtractionInputException>(() => Extraction.Run(input.Image, input.PsfCoefficients, options));
        output.WriteLine(error.Message);
        Assert.Contains(wavepad != 0.2 ? "wavepad-frac" : "pixpad-frac", error.Message);
    }

    [Fact]
    public void LargestPadFractions_StillExtract()
    {
        FuzzInput input = SmallInputs.Synthetic;
        var options = input.Options with { WavePadFrac = ExtractionOptions.MaxPadFraction, PixPadFrac = ExtractionOptions.MaxPadFraction };
        FrameExtraction.Result result = Extraction.Run(input.Image, input.PsfCoefficients, options);
        Assert.Null(FuzzRunner.CheckFrame(result.Frame));
    }

    [Fact]
    public void StepOf1e12_IsRefusedBeforeTheGridIsAllocated()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ExtractionInputException>(() => ExtractionOptions.LinearGrid(5760, 7620, 1e-12));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{error.Message} ({allocated} bytes allocated)");
        Assert.Contains("bins", error.Message);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated before refusing");
    }

    [Theory]
    [InlineData(1e-3)]
    [InlineData(0.01)]
    [InlineData(0.05)]
    public void StepFinerThanTheRowsCanConstrain_IsRefusedQuickly(double dw)
    {
        FuzzInput input = SmallInputs.Synthetic;
        double[] w = input.Options.Wavelengths;
        var options = input.Options with { Wavelengths = ExtractionOptions.LinearGrid(w[0], w[^1], dw) };
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<ExtractionInputException>(() => Extraction.Run(input.Image, input.PsfCoefficients, options));
        output.WriteLine($"{error.Message} ({clock.Elapsed.TotalSeconds:0.000} s)");
        Assert.Contains("bins per row", error.Message);
        Assert.True(clock.Elapsed.TotalSeconds < 5, $"refusal took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public void StepOfAQuarterRow_StillExtracts()
    {
        // The synthetic r camera has ~0.53 Å per row over the small input's range; 0.2 Å is ~2.7 bins per row.
        FuzzInput input = SmallInputs.Synthetic;
        double[] w = input.Options.Wavelengths;
        var options = input.Options with { Wavelengths = ExtractionOptions.LinearGrid(w[0], w[0] + 10, 0.2) };
        FrameExtraction.Result result = Extraction.Run(input.Image, input.PsfCoefficients, options);
        Assert.Null(FuzzRunner.CheckFrame(result.Frame));
    }

    [Fact]
    public void PatchOfTooManyUnknowns_IsRefusedNamingTheOptions()
    {
        FuzzInput input = SmallInputs.Synthetic;
        var options = input.Options with { NWaveStep = 100_000, NSubBundles = 1 };
        double[] w = input.Options.Wavelengths;
        options = options with { Wavelengths = ExtractionOptions.LinearGrid(w[0], w[^1], 0.15) };
        var error = Assert.Throws<ExtractionInputException>(() => Extraction.Run(input.Image, input.PsfCoefficients, options));
        output.WriteLine(error.Message);
        Assert.Contains("unknowns", error.Message);
        Assert.Contains("nwavestep", error.Message);
    }

    [Theory]
    [InlineData(int.MaxValue, 5)]
    [InlineData(0, int.MaxValue)]
    [InlineData(-1, 5)]
    public void FiberRangesThatOverflow_AreRefused(int specmin, int nspec)
    {
        FuzzInput input = SmallInputs.Synthetic;
        var options = input.Options with { SpecMin = specmin, NSpec = nspec };
        var error = Assert.Throws<ExtractionInputException>(() => Extraction.Run(input.Image, input.PsfCoefficients, options));
        output.WriteLine(error.Message);
    }

    [Theory]
    [InlineData(1e300)]
    [InlineData(double.NaN)]
    [InlineData(-1e-3)]
    public void RegularizeOutOfRange_IsRefused(double regularize)
    {
        // 1e300 made the eigensolver fail with an InvalidOperationException (exit 1).
        FuzzInput input = SmallInputs.Synthetic;
        var options = input.Options with { Regularize = regularize };
        var error = Assert.Throws<ExtractionInputException>(() => Extraction.Run(input.Image, input.PsfCoefficients, options));
        output.WriteLine(error.Message);
        Assert.Contains("regularize", error.Message);
    }

    [Fact]
    public void SpotTableBound_IsHalfTheAvailableMemory()
    {
        // 500 fibers × 1,000,000 wavelengths of 11 × 17 stamps is 748 GB: refused on any machine.
        var psf = new Core.Psf.GaussHermitePsf(SmallInputs.Synthetic.PsfCoefficients);
        var error = Assert.Throws<ExtractionInputException>(() => PlanLimits.RequireSpotTableFits(psf, 500, 1_000_000));
        output.WriteLine(error.Message);
        Assert.Contains("GB", error.Message);
        PlanLimits.RequireSpotTableFits(psf, 5, 200); // 1.5 MB: accepted
    }
}
