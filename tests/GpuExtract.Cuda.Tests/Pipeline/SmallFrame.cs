using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Simulation;

namespace GpuExtract.Cuda.Tests.Pipeline;

/// <summary>
/// A small simulated frame (built-in synthetic PSF, sky and galaxy spectra, cosmic rays, bad pixels): 8 fibers,
/// 5760–5840 Å, short enough for the host emulation of the kernels, yet with several subbundles, patches of
/// 3 and 4 fibers (padding in every batch), wavelength pads at both ends and masked pixels.
/// </summary>
internal sealed class SmallFrame
{
    private static readonly Lazy<SmallFrame> Shared = new(() => new SmallFrame());

    private SmallFrame()
    {
        Psf = SyntheticPsf.Default;
        Simulated = FrameSimulator.Simulate(Psf, new SimulationOptions
        {
            FiberMin = 0,
            FiberCount = 8,
            WaveMin = 5760,
            WaveMax = 5840,
            WaveStep = 0.8,
            Seed = 7,
            Threads = 2,
        }, SyntheticPsf.BuiltInName);
    }

    public static SmallFrame Instance => Shared.Value;

    public GaussHermitePsf Psf { get; }

    public SimulatedFrame Simulated { get; }

    public PreprocImage Image => Simulated.Image;

    /// <summary>Extraction options over the simulated fibers and grid; nsubbundles 4 gives subbundles of 2 fibers.</summary>
    public ExtractionOptions Options(bool decorrelateFibers = false, bool model = true, double regularize = 0, int nwavestep = 50) => new()
    {
        Wavelengths = ExtractionOptions.LinearGrid(5760, 5840, 0.8),
        SpecMin = 0,
        NSpec = 8,
        BundleSize = 8,
        NSubBundles = 4,
        NWaveStep = nwavestep,
        DecorrelateFibers = decorrelateFibers,
        ComputeModel = model,
        Regularize = regularize,
    };
}
