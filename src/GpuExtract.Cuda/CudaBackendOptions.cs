using GpuExtract.Core.Extraction;
using GpuExtract.Cuda.Pipeline;

namespace GpuExtract.Cuda;

/// <summary>How the CUDA backend runs.</summary>
public sealed record CudaBackendOptions
{
    /// <summary>
    /// Whether a device failure during a frame (an error other than lack of memory) finishes the frame on the
    /// CPU with a warning (<c>--backend auto</c>); false makes it an error (<c>--backend cuda</c>).
    /// </summary>
    public bool FallbackToCpu { get; init; } = true;

    /// <summary>
    /// Makes the backend that solves the patches the device cannot (failed Cholesky or eigh, and everything after a
    /// device failure): the CPU backend, built by the composition root (the command line's backend factory). One
    /// instance is made per use and disposed after it.
    /// </summary>
    public required Func<IExtractionBackend> FallbackBackend { get; init; }

    /// <summary>Where warnings go (device failure, kernel cache problems); null: nowhere.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>How the device solves the patches (<c>--device-solver</c>): the band solver unless told otherwise.</summary>
    public DeviceSolver Solver { get; init; } = DeviceSolver.Band;

    /// <summary>
    /// Whether the host waits for the device after every pipeline stage, so that <see cref="CudaBackend.StageTimes"/>
    /// holds each stage's device time (gpu-benchmark); otherwise it waits once per batch and stage times only say
    /// how long queuing took, the download's holding the rest.
    /// </summary>
    public bool StageTiming { get; init; }

    /// <summary>Most patches per device batch (≤ 65535, the grid's y limit).</summary>
    public int MaxBatchPatches { get; init; } = 2048;

    /// <summary>Share of the free device memory (after the frame's spots) the ranks on this device may take together.</summary>
    public double MemoryFraction { get; init; } = 0.75;

    /// <summary>
    /// Processes that drive this device at once (batch ranks on a node with fewer GPUs than ranks): each plans its
    /// batches on its share of <see cref="MemoryFraction"/> of the free memory, not on all of it.
    /// </summary>
    public int RanksPerDevice { get; init; } = 1;
}
