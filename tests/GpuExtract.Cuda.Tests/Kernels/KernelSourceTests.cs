using GpuExtract.Cuda.Kernels;
using GpuExtract.Testing;

namespace GpuExtract.Cuda.Tests.Kernels;

public sealed class KernelSourceTests
{
    [Fact]
    public void Embedded_HoldsEveryKernelFileOfTheRepository()
    {
        string directory = Path.Combine(TestEnvironment.RepositoryRoot, "kernels");
        string[] files = Directory.GetFiles(directory, "*.cu").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(files, KernelSource.Embedded.Select(s => s.Name).ToArray());
        foreach (KernelSource source in KernelSource.Embedded)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(directory, source.Name)), source.Text);
            Assert.Contains("common.cuh", source.Headers.Keys);
            Assert.NotEmpty(source.KernelNames);
        }
    }

    [Fact]
    public void KernelNames_AreTheExternCGlobalFunctions()
    {
        var source = new KernelSource("x.cu", "extern \"C\" __global__ void first(int a) {}\n__device__ void helper() {}\nextern \"C\"  __global__ void second (double* p) {}",
            new Dictionary<string, string>());
        Assert.Equal(["first", "second"], source.KernelNames);
    }
}
