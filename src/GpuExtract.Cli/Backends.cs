using GpuExtract.Core.Extraction;
using GpuExtract.Cpu;
using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Cuda;
using GpuExtract.Cuda.Native;
using GpuExtract.Cuda.Pipeline;

namespace GpuExtract.Cli;

/// <summary>Chooses the extraction backend for <c>--backend auto|cpu|cuda</c> and says why.</summary>
public static class Backends
{
    /// <summary>
    /// The backend the user asked for. <c>auto</c> takes CUDA when the probe finds a usable GPU (else the CPU, saying
    /// so in one line; <c>gpuextract devices</c> tells why); a device failure during a frame then finishes it on the CPU with a warning. <c>cuda</c> without a usable
    /// GPU is an input error (exit 2) carrying the probe's reason, and a device failure is an error.
    /// <paramref name="device"/> is the GPU to drive (0 … <see cref="GpuCount"/>−1), e.g. a batch rank's
    /// local rank modulo the GPU count; <paramref name="ranksPerDevice"/> is how many processes drive that GPU at
    /// once (each then plans on its share of the device memory). <paramref name="gpuSettings"/> says how the GPU solves
    /// (<c>--device-solver</c>) and whether it times every stage (gpu-benchmark); null: the band solver, untimed.
    /// </summary>
    public static IExtractionBackend Create(string name, int threads, string lapack, TextWriter log, int device = 0, int ranksPerDevice = 1,
        GpuSettings? gpuSettings = null)
    {
        gpuSettings ??= new GpuSettings();
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
                {
                    CudaProbeResult probe = CudaProbe.Result;
                    if (!probe.Usable)
                    {
                        // One short line: the probe's full report (libraries searched, versions) is 'gpuextract devices'.
                        log.WriteLine(NoUsableGpuLine);
                        return CreateCpu(threads, choice);
                    }
                    if (device < 0 || device >= probe.Gpus.Count)
                    {
                        log.WriteLine($"backend: cpu (auto: there is no GPU {device}; the driver sees {probe.Gpus.Count})");
                        return CreateCpu(threads, choice);
                    }
                    try
                    {
                        CudaBackend gpu = CreateCuda(threads, choice, log, fallbackToCpu: true, device, ranksPerDevice, gpuSettings);
                        log.WriteLine($"backend: {gpu.Description} (auto)");
                        return gpu;
                    }
                    catch (Exception error) when (error is CudaException or InvalidOperationException)
                    {
                        log.WriteLine($"backend: cpu (auto: the GPU could not be opened: {ErrorReport.OneLine(error)})");
                        return CreateCpu(threads, choice);
                    }
                }
            case "cuda":
                {
                    CudaProbeResult probe = CudaProbe.Result;
                    if (!probe.Usable)
                    {
                        throw new ExtractionInputException($"--backend cuda: {probe.Reason}");
                    }
                    if (device < 0 || device >= probe.Gpus.Count)
                    {
                        throw new ExtractionInputException($"--backend cuda: there is no GPU {device} (the driver sees {probe.Gpus.Count})");
                    }
                    try
                    {
                        return CreateCuda(threads, choice, log, fallbackToCpu: false, device, ranksPerDevice, gpuSettings);
                    }
                    catch (InvalidOperationException error)
                    {
                        throw new ExtractionInputException($"--backend cuda: {error.Message}");
                    }
                }
            default:
                throw new UsageException($"--backend must be auto, cpu or cuda, got '{name}'");
        }
    }

    /// <summary>What <c>--backend auto</c> says when it falls back to the CPU because no GPU is usable.</summary>
    public const string NoUsableGpuLine = "backend: cpu (no usable GPU: see 'gpuextract devices')";

    /// <summary>GPUs the CUDA driver sees (0 without a usable driver).</summary>
    public static int GpuCount => CudaProbe.Result.Gpus.Count;

    /// <summary>Why the GPU path cannot be used here ("" when it can): the probe's answer.</summary>
    public static string CudaUnavailableReason => CudaProbe.Result.Usable ? "" : CudaProbe.Result.Reason;

    /// <summary>
    /// Device ordinals from <c>--devices 0,1,...</c> (null or empty: GPU 0). Only the first is driven in this
    /// version; the list is validated against the GPUs the probe found when <paramref name="gpuCount"/> is given.
    /// </summary>
    public static int[] ParseDevices(string? text, int? gpuCount = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [0];
        }
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var devices = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out devices[i]))
            {
                throw new UsageException($"--devices expects comma-separated GPU numbers like 0,1, got '{text}'");
            }
            if (gpuCount is int count && devices[i] >= count)
            {
                throw new ExtractionInputException($"--devices {text}: there is no GPU {devices[i]} (the driver sees {count})");
            }
            if (Array.IndexOf(devices, devices[i], 0, i) >= 0)
            {
                throw new UsageException($"--devices lists GPU {devices[i]} twice in '{text}'");
            }
        }
        return devices;
    }

    /// <summary>How the GPU backend runs, where one is used.</summary>
    /// <param name="Solver">The device solver (<c>--device-solver band|dense</c>).</param>
    /// <param name="StageTiming">Whether the host waits after every device stage to time it.</param>
    public sealed record GpuSettings(DeviceSolver Solver = DeviceSolver.Band, bool StageTiming = false);

    private static CudaBackend CreateCuda(int threads, LapackChoice choice, TextWriter log, bool fallbackToCpu, int device, int ranksPerDevice, GpuSettings gpu)
    {
        // The CUDA backend does not know the CPU backend: the patches the device cannot solve go to this one.
        return CudaBackend.Create(device, new CudaBackendOptions
        {
            FallbackToCpu = fallbackToCpu,
            FallbackBackend = () => CreateCpu(threads, choice),
            Log = log,
            RanksPerDevice = ranksPerDevice,
            Solver = gpu.Solver,
            StageTiming = gpu.StageTiming,
        });
    }

    private static CpuBackend CreateCpu(int threads, LapackChoice choice)
    {
        Func<ILapack> factory = LapackProvider.CreateFactory(choice, out _);
        return new CpuBackend(threads, factory);
    }
}
