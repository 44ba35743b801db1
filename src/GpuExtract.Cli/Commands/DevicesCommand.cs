using System.CommandLine;
using GpuExtract.Core.Extraction;
using GpuExtract.Cuda;

namespace GpuExtract.Cli.Commands;

/// <summary>
/// <c>gpuextract devices</c>: the CUDA driver version, the CUDA libraries found (file and version), each GPU
/// (name, memory, compute capability, SM count), the optional cuSOLVER capabilities, and whether the GPU backend
/// is usable, or exactly why not. <c>--backend auto</c> decides with the same probe.
/// </summary>
public sealed class DevicesCommand : DocumentedCommand
{
    private readonly Option<bool> json = new("--json") { Description = "print the report as JSON" };
    private readonly Option<bool> requireGpu = new("--require-gpu") { Description = "exit with status 2 when the GPU backend is unavailable" };

    public DevicesCommand() : base("devices", "Show the CUDA driver, libraries and GPUs, and whether the GPU backend is usable")
    {
        Details = $"Libraries are searched in $GPUEXTRACT_CUDA_LIBDIR, $CUDA_HOME/lib64, /usr/local/cuda/lib64, then the system library path. {CudaProbe.DisableVariable}=1 turns the GPU path off.";
        Add(json);
        Add(requireGpu);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        CudaProbeResult probe = CudaProbe.Result;
        Console.Write(parse.GetValue(json) ? probe.ToJson() + Environment.NewLine : probe.ToText());
        if (parse.GetValue(requireGpu) && !probe.Usable)
        {
            throw new ExtractionInputException($"GPU backend unavailable: {probe.Reason}");
        }
        return 0;
    }
}
