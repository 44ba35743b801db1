using GpuExtract.Cli;
using GpuExtract.Core.Extraction;
using GpuExtract.Cpu;
using GpuExtract.Cuda;

namespace GpuExtract.Cli.Tests;

public sealed class BackendChoiceTests
{
    [SkippableFact]
    public void Cuda_WithoutAUsableGpu_IsAnInputErrorCarryingTheProbesReason()
    {
        CudaProbeResult probe = CudaProbe.Result;
        Skip.If(probe.Usable, "this machine has a usable GPU");
        var error = Assert.Throws<ExtractionInputException>(() => Backends.Create("cuda", 1, "auto", TextWriter.Null));
        Assert.Equal($"--backend cuda: {probe.Reason}", error.Message);
        Assert.True(ErrorReport.IsInputError(error)); // exit code 2
    }

    [SkippableFact]
    public void Auto_WithoutAUsableGpu_ChoosesTheCpuAndSaysSoInOneShortLine()
    {
        CudaProbeResult probe = CudaProbe.Result;
        Skip.If(probe.Usable, "this machine has a usable GPU");
        var log = new StringWriter();
        using IExtractionBackend backend = Backends.Create("auto", 1, "auto", log);
        Assert.IsType<CpuBackend>(backend);
        Assert.Equal("backend: cpu (no usable GPU: see 'gpuextract devices')", log.ToString().Trim());
    }

    [SkippableFact]
    public void Auto_WithAUsableGpu_ChoosesCuda()
    {
        CudaProbeResult probe = CudaProbe.Result;
        Skip.IfNot(probe.Usable, $"no usable GPU: {probe.Reason}");
        var log = new StringWriter();
        using IExtractionBackend backend = Backends.Create("auto", 2, "auto", log);
        Assert.IsType<CudaBackend>(backend);
        Assert.StartsWith("backend: cuda: GPU 0", log.ToString());
    }

    [SkippableFact]
    public void Cuda_OnAGpuThatDoesNotExist_IsAnInputError()
    {
        CudaProbeResult probe = CudaProbe.Result;
        Skip.IfNot(probe.Usable, $"no usable GPU: {probe.Reason}");
        var error = Assert.Throws<ExtractionInputException>(() => Backends.Create("cuda", 1, "auto", TextWriter.Null, device: probe.Gpus.Count));
        Assert.Contains($"there is no GPU {probe.Gpus.Count}", error.Message);
    }

    [Fact]
    public void UnknownBackend_IsAUsageError()
    {
        var error = Assert.Throws<UsageException>(() => Backends.Create("opencl", 1, "auto", TextWriter.Null));
        Assert.Contains("auto, cpu or cuda", error.Message);
    }

    [Fact]
    public void Devices_ParsesListsAndRejectsBadOnes()
    {
        Assert.Equal([0], Backends.ParseDevices(null));
        Assert.Equal([0], Backends.ParseDevices(" "));
        Assert.Equal([0, 1, 3], Backends.ParseDevices("0, 1,3", gpuCount: 4));
        Assert.Throws<UsageException>(() => Backends.ParseDevices("0,x"));
        Assert.Throws<UsageException>(() => Backends.ParseDevices("-1"));
        Assert.Contains("twice", Assert.Throws<UsageException>(() => Backends.ParseDevices("1,1")).Message);
        Assert.Contains("no GPU 2", Assert.Throws<ExtractionInputException>(() => Backends.ParseDevices("0,2", gpuCount: 2)).Message);
    }
}
