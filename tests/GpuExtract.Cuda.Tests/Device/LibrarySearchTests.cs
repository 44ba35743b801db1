using GpuExtract.Testing;

namespace GpuExtract.Cuda.Tests.Device;

/// <summary>
/// The CUDA library search against the driver: given a directory that holds cuBLAS of CUDA 13 and of CUDA 12
/// (empty shared objects under the real sonames, built with the system C compiler), a driver that supports CUDA
/// 12 gets the CUDA 12 one, a CUDA 13 driver the newest, and a CUDA 11 driver neither, with the reason saying so.
/// </summary>
public sealed class LibrarySearchTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"gpuextract-libsearch-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>Builds empty shared objects named <paramref name="sonames"/> in the test directory.</summary>
    private void FakeLibraries(params string[] sonames)
    {
        string? compiler = new[] { "cc", "gcc", "g++" }.FirstOrDefault(c => TestEnvironment.Run("sh", ["-c", $"command -v {c}"]).ExitCode == 0);
        Skip.If(compiler is null, "no C compiler to build stand-in shared libraries");
        Directory.CreateDirectory(_directory);
        string source = Path.Combine(_directory, "empty.c");
        File.WriteAllText(source, "int gx_stand_in;\n");
        foreach (string soname in sonames)
        {
            var (code, _, stderr) = TestEnvironment.Run(compiler!, ["-shared", "-fPIC", "-o", Path.Combine(_directory, soname), source]);
            Assert.True(code == 0, $"{compiler} failed: {stderr}");
        }
    }

    private string? Variables(string name) => name == CudaLibrarySearch.LibraryDirectoryVariable ? _directory : null;

    [SkippableTheory]
    [InlineData(12, "libcublas.so.12")]
    [InlineData(13, "libcublas.so.13")]
    public void LibraryNewerThanTheDriver_IsSkipped(int driverMajor, string expected)
    {
        FakeLibraries("libcublas.so.13", "libcublas.so.12");
        bool found = CudaLibrarySearch.TryLoad(CudaLibrarySearch.Cublas, driver: false, out LoadedLibrary? library, out string reason, Variables, driverMajor);
        Assert.True(found, reason);
        Assert.Equal(expected, library!.Soname);
        Assert.Equal(Path.Combine(_directory, expected), library.Path);
    }

    [SkippableFact]
    public void OnlyLibrariesNewerThanTheDriver_AreNotLoaded_AndTheReasonSaysWhy()
    {
        FakeLibraries("libcublas.so.13", "libcublas.so.12");
        bool found = CudaLibrarySearch.TryLoad(CudaLibrarySearch.Cublas, driver: false, out LoadedLibrary? library, out string reason, Variables, 11);
        // libcublas.so.11 is not installed here; if a system had it, it would be the right one for this driver.
        if (found)
        {
            Assert.Equal("libcublas.so.11", library!.Soname);
            return;
        }
        Assert.Contains("libcublas.so.13, libcublas.so.12 not tried: newer than the driver, which supports CUDA 11", reason);
    }

    [Fact]
    public void SonameMajorVersions_FollowTheToolkits()
    {
        Assert.Equal(13, CudaLibrarySearch.CudaMajorOf("libcusolver.so.12"));
        Assert.Equal(11, CudaLibrarySearch.CudaMajorOf("libcusolver.so.11"));
        Assert.Equal(12, CudaLibrarySearch.CudaMajorOf("libnvrtc.so.12"));
        Assert.Equal(11, CudaLibrarySearch.CudaMajorOf("libnvrtc.so.11.2"));
        Assert.Equal(0, CudaLibrarySearch.CudaMajorOf("libcublas.so"));
        // Every versioned soname searched has a major version, so none escapes the comparison with the driver.
        Assert.All(CudaLibrarySearch.Nvrtc.Concat(CudaLibrarySearch.Cublas).Concat(CudaLibrarySearch.Cusolver).Where(s => !s.EndsWith(".so", StringComparison.Ordinal)),
            s => Assert.True(CudaLibrarySearch.CudaMajorOf(s) > 0, s));
    }
}
