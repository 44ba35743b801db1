using System.Text.Json;

namespace GpuExtract.Cuda.Tests.Device;

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
