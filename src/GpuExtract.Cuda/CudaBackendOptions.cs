using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.Cuda;

/// <summary>How the CUDA backend runs.</summary>
public sealed record CudaBackendOptions
{
    /// <summary>
    /// Whether a device failure during a frame (an error other than lack of memory) finishes the frame on the
    /// CPU with a warning (<c>--backend auto</c>); false makes it an error (<c>--backend cuda</c>).
    /// </summary>
    public bool FallbackToCpu { get; init; } = true;

    /// <summary>CPU threads for the patches solved on the CPU (failed Cholesky, device failure).</summary>
    public int CpuThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>LAPACK for those CPU patches (one instance per worker).</summary>
    public required Func<ILapack> LapackFactory { get; init; }

    /// <summary>Where warnings go (device failure, kernel cache problems); null: nowhere.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Most patches per device batch (≤ 65535, the grid's y limit).</summary>
    public int MaxBatchPatches { get; init; } = 2048;

    /// <summary>Share of the free device memory (after the frame's spots) a batch may take.</summary>
    public double MemoryFraction { get; init; } = 0.75;
}
