using GpuExtract.Cli.CommandLine;
using GpuExtract.Core.Extraction;
using GpuExtract.Cpu;
using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.Cli;

/// <summary>Chooses the extraction backend for <c>--backend auto|cpu|cuda</c> and says why.</summary>
public static class Backends
{
    /// <summary>
    /// The backend the user asked for. <c>auto</c> takes CUDA when a usable device is present, else the
    /// CPU; <c>cuda</c> without a usable device is an input error (exit 2).
    /// </summary>
    public static IExtractionBackend Create(string name, int threads, string lapack, TextWriter log)
    {
        var choice = lapack switch
        {
            "auto" => LapackChoice.Auto,
            "native" => LapackChoice.Native,
            "managed" => LapackChoice.Managed,
            _ => throw new UsageException($"--lapack must be auto, native or managed, got '{lapack}'"),
        };
        switch (name)
        {
            case "cpu":
                return CreateCpu(threads, choice);
            case "auto":
                log.WriteLine($"backend: cpu (auto: {CudaUnavailableReason})");
                return CreateCpu(threads, choice);
            case "cuda":
                throw new ExtractionInputException($"--backend cuda: {CudaUnavailableReason}");
            default:
                throw new UsageException($"--backend must be auto, cpu or cuda, got '{name}'");
        }
    }

    /// <summary>Why the GPU path cannot be used in this build.</summary>
    public static string CudaUnavailableReason => "this build has no CUDA backend yet";

    private static CpuBackend CreateCpu(int threads, LapackChoice choice)
    {
        Func<ILapack> factory = LapackProvider.CreateFactory(choice, out _);
        return new CpuBackend(threads, factory);
    }
}
