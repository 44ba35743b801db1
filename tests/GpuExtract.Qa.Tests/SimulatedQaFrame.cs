using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Simulation;
using GpuExtract.Core.Validation;
using GpuExtract.Cpu;
using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.Qa.Tests;

/// <summary>
/// A small simulated frame (fibers 0–9, 6000–6400 Å, built-in synthetic PSF, the simulator's default noise,
/// cosmic rays and bad column) extracted by the CPU backend with the model image, shared by the tests.
/// </summary>
public static class SimulatedQaFrame
{
    public const int FiberMin = 0, FiberCount = 10;
    public const double WaveMin = 6000, WaveMax = 6400, WaveStep = 0.8;

    private static readonly Lazy<(SimulatedFrame Simulated, Frame Frame, float[] Model)> Value = new(Make);

    public static SimulatedFrame Simulated => Value.Value.Simulated;

    public static Frame Frame => Value.Value.Frame;

    /// <summary>Model image A·f [electron]; shape [NPIX_Y, NPIX_X].</summary>
    public static float[] Model => Value.Value.Model;

    /// <summary>The truth as the preproc file holds it.</summary>
    public static TruthSpectra Truth => new(Simulated.Truth.FiberMin, Simulated.Truth.FiberCount, Simulated.Truth.Wavelengths, Simulated.Truth.FluxDensity());

    private static (SimulatedFrame, Frame, float[]) Make()
    {
        var simulated = FrameSimulator.Simulate(SyntheticPsf.Default, new SimulationOptions
        {
            FiberMin = FiberMin,
            FiberCount = FiberCount,
            WaveMin = WaveMin,
            WaveMax = WaveMax,
            WaveStep = WaveStep,
        }, SyntheticPsf.BuiltInName);
        var options = new ExtractionOptions
        {
            Wavelengths = ExtractionOptions.LinearGrid(WaveMin, WaveMax, WaveStep),
            SpecMin = FiberMin,
            NSpec = FiberCount,
            ComputeModel = true,
        };
        using var backend = new CpuBackend(Environment.ProcessorCount, LapackProvider.CreateFactory(LapackChoice.Auto, out _));
        var result = FrameExtraction.Run(simulated.Image, SyntheticPsf.Default, options, backend);
        return (simulated, result.Frame, result.ModelImage!);
    }
}
