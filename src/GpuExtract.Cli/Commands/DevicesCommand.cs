using GpuExtract.Cli.CommandLine;
using GpuExtract.Core.Extraction;
using GpuExtract.Cuda;

namespace GpuExtract.Cli.Commands;

/// <summary>
/// <c>gpuextract devices</c>: the CUDA driver version, the CUDA libraries found (file and version), each GPU
/// (name, memory, compute capability, SM count), the optional cuSOLVER capabilities, and whether the GPU backend
/// is usable, or exactly why not. <c>--backend auto</c> decides with the same probe.
/// </summary>
public static class DevicesCommand
{
    public static CommandSpec Spec { get; } = new CommandSpec("devices", "Show the CUDA driver, libraries and GPUs, and whether the GPU backend is usable", Run)
    {
        Details = $"Libraries are searched in $GPUEXTRACT_CUDA_LIBDIR, $CUDA_HOME/lib64, /usr/local/cuda/lib64, then the system library path. {CudaProbe.DisableVariable}=1 turns the GPU path off.",
    }
        .Flag("--json", "print the report as JSON")
        .Flag("--require-gpu", "exit with status 2 when the GPU backend is unavailable");

    private static int Run(ParsedArguments args)
    {
        CudaProbeResult probe = CudaProbe.Result;
        Console.Write(args.Has("--json") ? probe.ToJson() + Environment.NewLine : probe.ToText());
        if (args.Has("--require-gpu") && !probe.Usable)
        {
            throw new ExtractionInputException($"GPU backend unavailable: {probe.Reason}");
        }
        return 0;
    }
}
