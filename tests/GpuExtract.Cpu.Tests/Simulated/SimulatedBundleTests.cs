using GpuExtract.Core.Extraction;
using GpuExtract.Core.Simulation;
using GpuExtract.Core.Validation;
using GpuExtract.Cpu.LinearAlgebra;
using Xunit.Abstractions;

namespace GpuExtract.Cpu.Tests.Simulated;

/// <summary>
/// A simulated 25-fiber bundle over the whole r-camera range, extracted and checked against its truth:
/// flux estimates R·truth, so the pulls (flux − R·truth)·√ivar must be unit normal (the CPU engine's acceptance target: mean within
/// ±0.05, std within 5 % of 1 over a bundle). The simulation's IVAR is the model's (no noisy-weight bias).
/// </summary>
public class SimulatedBundleTests(ITestOutputHelper output)
{
    private static readonly Lazy<SimulatedFrame> Bundle = new(() => FrameSimulator.Simulate(new SimulationOptions { FiberMin = 0, FiberCount = 25 }));

    [Theory]
    [InlineData(5, 50)]
    [InlineData(6, 50)]
    [InlineData(6, 30)]
    public void Extract_SimulatedBundle_PullsAgainstTruthAreUnitNormal(int nsubbundles, int nwavestep)
    {
        SimulatedFrame simulated = Bundle.Value;
        var options = new ExtractionOptions
        {
            Wavelengths = ExtractionOptions.LinearGrid(5760, 7620, 0.8),
            SpecMin = 0,
            NSpec = 25,
            NSubBundles = nsubbundles,
            NWaveStep = nwavestep,
        };
        using var backend = new CpuBackend(Environment.ProcessorCount, LapackProvider.CreateFactory(LapackChoice.Auto, out _));
        var result = FrameExtraction.Run(simulated.Image, SyntheticPsf.Default, options, backend);
        var pulls = TruthPulls.Compute(result.Frame, simulated.Truth.Wavelengths, simulated.Truth.FluxDensity(), edgeBins: result.Frame.DiagonalCount);
        output.WriteLine($"nsub {nsubbundles}, nwavestep {nwavestep}: {pulls}; solve {result.Times.Solve:F2} s");
        Assert.True(pulls.Bins > 25 * 2000, $"too few bins compared: {pulls}");
        Assert.True(Math.Abs(pulls.Mean) <= 0.05, $"pull mean {pulls.Mean}");
        Assert.True(Math.Abs(pulls.StandardDeviation - 1) <= 0.05, $"pull std {pulls.StandardDeviation}");
        Assert.True(pulls.MaxAbsolute < 7, $"max |pull| {pulls.MaxAbsolute}: an outlier no Gaussian sample of this size explains");
    }
}
