namespace GpuExtract.Cuda.Kernels;

/// <summary>What a compiled kernel file is: machine code for one architecture, or PTX for the driver to compile.</summary>
public enum KernelImageKind : byte
{
    /// <summary>CUBIN: machine code for one sm_XX.</summary>
    Cubin = 1,

    /// <summary>PTX: virtual assembly the driver compiles at load (when the compiler does not know the GPU).</summary>
    Ptx = 2,
}

/// <summary>A compiled kernel file, as cuModuleLoadData takes it.</summary>
public sealed record CompiledKernel(KernelImageKind Kind, byte[] Image);

/// <summary>Turns a <see cref="KernelSource"/> into code for a GPU architecture (NVRTC in production; fakes in tests).</summary>
public interface IKernelCompiler
{
    /// <summary>
    /// What the output depends on besides the source and the architecture: compiler and version and the options,
    /// e.g. "nvrtc-12.4 -std=c++17". Part of the cache key, so a new compiler never reuses old binaries.
    /// </summary>
    string Identity { get; }

    /// <summary>Compiles <paramref name="source"/> for compute capability <paramref name="architecture"/> (e.g. 90).</summary>
    CompiledKernel Compile(KernelSource source, int architecture);
}
