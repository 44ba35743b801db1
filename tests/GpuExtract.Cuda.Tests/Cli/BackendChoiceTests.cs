using System.Text.Json;
using GpuExtract.Cli;
using GpuExtract.Cli.CommandLine;
using GpuExtract.Core.Extraction;
using GpuExtract.Cpu;
using GpuExtract.Cuda.Native;

namespace GpuExtract.Cuda.Tests.Cli;

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
    public void Auto_WithoutAUsableGpu_ChoosesTheCpuAndSaysWhy()
    {
        CudaProbeResult probe = CudaProbe.Result;
        Skip.If(probe.Usable, "this machine has a usable GPU");
        var log = new StringWriter();
        using IExtractionBackend backend = Backends.Create("auto", 1, "auto", log);
        Assert.IsType<CpuBackend>(backend);
        Assert.Equal($"backend: cpu (auto: {probe.Reason})", log.ToString().Trim());
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

public sealed class ProbeTests
{
    [Fact]
    public void Disabled_ByTheEnvironmentVariable_SaysSo()
    {
        CudaProbeResult probe = CudaProbe.Run(name => name == CudaProbe.DisableVariable ? "1" : null);
        Assert.False(probe.Usable);
        Assert.Equal("disabled by GPUEXTRACT_DISABLE_CUDA=1", probe.Reason);
    }

    [Fact]
    public void Report_TextAndJsonTellTheSameStory()
    {
        CudaProbeResult probe = CudaProbe.Result;
        string text = probe.ToText();
        using JsonDocument json = JsonDocument.Parse(probe.ToJson());
        JsonElement root = json.RootElement;
        Assert.Equal(probe.Usable, root.GetProperty("usable").GetBoolean());
        Assert.Equal(probe.Reason, root.GetProperty("reason").GetString());
        Assert.Equal(4, root.GetProperty("libraries").GetArrayLength());
        Assert.Equal(probe.Gpus.Count, root.GetProperty("gpus").GetArrayLength());
        Assert.Contains(probe.Usable ? "GPU backend: usable" : $"GPU backend: unavailable: {probe.Reason}", text);
        foreach (JsonElement library in root.GetProperty("libraries").EnumerateArray())
        {
            string name = library.GetProperty("name").GetString()!;
            Assert.Contains(library.GetProperty("found").GetBoolean() ? $"{name}: {library.GetProperty("version").GetString()}" : $"{name}: not found", text);
        }
    }

    [Fact]
    public void LibraryDirectory_IsSearchedBeforeTheSystemPath()
    {
        // A real shared object under a CUDA soname in a private directory: the search must take it from there.
        string directory = Path.Combine(Path.GetTempPath(), $"gpuextract-libdir-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            string source = new[] { "/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libm.so.6", "/lib64/libm.so.6" }.FirstOrDefault(File.Exists)
                ?? throw new SkipException("no libm.so.6 to stand in for a CUDA library");
            File.Copy(source, Path.Combine(directory, "libcusolver.so.11"));
            Func<string, string?> environment = name => name == CudaLibrarySearch.LibraryDirectoryVariable ? directory : null;
            Assert.Equal(directory, CudaLibrarySearch.Directories(driver: false, environment)[0]);
            Assert.True(CudaLibrarySearch.TryLoad(CudaLibrarySearch.Cusolver, driver: false, out LoadedLibrary? library, out string reason, environment), reason);
            Assert.Equal("libcusolver.so.11", library!.Soname);
            Assert.StartsWith(directory, library.Path);
            Assert.Equal(IntPtr.Zero, library.Find("cusolverDnDpotrfBatched"));

            Assert.False(CudaLibrarySearch.TryLoad(["libgpuextract-absent.so.9"], driver: false, out _, out reason, environment));
            Assert.Contains("libgpuextract-absent.so.9", reason);
            Assert.Contains(directory, reason);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
