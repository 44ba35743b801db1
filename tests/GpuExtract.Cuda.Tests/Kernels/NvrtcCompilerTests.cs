using GpuExtract.Cuda.Kernels;
using GpuExtract.Cuda.Native;

namespace GpuExtract.Cuda.Tests.Kernels;

/// <summary>
/// Compiles the real kernels with the real NVRTC, which needs no GPU: where NVRTC is installed (or
/// GPUEXTRACT_CUDA_LIBDIR points at it) the kernels' syntax and types are checked on any machine.
/// </summary>
public sealed class NvrtcCompilerTests
{
    [SkippableFact]
    public void EveryKernel_CompilesForHopper()
    {
        NvrtcCompiler? compiler = NvrtcCompiler.TryCreate(out string reason);
        Skip.If(compiler is null, $"NVRTC not found: {reason}");
        int architecture = compiler!.SupportedArchitectures.Count == 0 || compiler.SupportedArchitectures.Contains(90)
            ? 90
            : compiler.SupportedArchitectures.Max();
        foreach (KernelSource source in KernelSource.Embedded)
        {
            CompiledKernel kernel;
            try
            {
                kernel = compiler.Compile(source, architecture);
            }
            catch (CudaException error)
            {
                Assert.Fail($"{source.Name} does not compile with {compiler.Identity} for sm_{architecture}: {error.Message}");
                return;
            }
            Assert.Equal(KernelImageKind.Cubin, kernel.Kind);
            // A CUBIN is an ELF file.
            Assert.True(kernel.Image.Length > 4 && kernel.Image[0] == 0x7f && kernel.Image[1] == (byte)'E' && kernel.Image[2] == (byte)'L' && kernel.Image[3] == (byte)'F',
                $"{source.Name}: output of {kernel.Image.Length} bytes is not an ELF CUBIN");
            foreach (string name in source.KernelNames)
            {
                // extern "C" names appear unmangled in the CUBIN's symbol table.
                Assert.True(Contains(kernel.Image, System.Text.Encoding.ASCII.GetBytes(name)), $"{source.Name}: CUBIN lacks kernel {name}");
            }
        }
    }

    [SkippableFact]
    public void CompileError_NamesTheFileAndCarriesTheCompilerLog()
    {
        NvrtcCompiler? compiler = NvrtcCompiler.TryCreate(out string reason);
        Skip.If(compiler is null, $"NVRTC not found: {reason}");
        var broken = new KernelSource("broken.cu", "extern \"C\" __global__ void k(int* p) { p[0] = undefined_name; }", new Dictionary<string, string>());
        var error = Assert.Throws<CudaException>(() => compiler!.Compile(broken, 80));
        Assert.Equal("NVRTC_ERROR_COMPILATION", error.StatusName);
        Assert.Contains("broken.cu", error.Message);
        Assert.Contains("undefined_name", error.Message);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
