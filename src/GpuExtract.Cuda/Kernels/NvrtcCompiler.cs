using System.Runtime.InteropServices;
using System.Text;
using GpuExtract.Cuda.Native;

namespace GpuExtract.Cuda.Kernels;

/// <summary>
/// Compiles kernels with NVRTC to CUBIN for the GPU's architecture (<c>--gpu-architecture=sm_XX</c>). When this
/// NVRTC does not know the GPU (a newer GPU than the toolkit), it compiles PTX for the newest architecture it
/// knows below the GPU's, which the driver then compiles for the GPU at load time. Needs no GPU itself.
/// </summary>
public sealed unsafe class NvrtcCompiler : IKernelCompiler
{
    /// <summary>Options every kernel is compiled with (besides the architecture). No fast math: results must match the CPU.</summary>
    public static readonly string[] Options = ["-std=c++17", "--fmad=true"];

    private readonly Nvrtc _nvrtc;
    private readonly int[] _supported;

    private NvrtcCompiler(Nvrtc nvrtc)
    {
        _nvrtc = nvrtc;
        _supported = nvrtc.SupportedArchitectures();
        (int major, int minor) = nvrtc.Version;
        Version = $"{major}.{minor}";
        Identity = $"nvrtc-{Version} {string.Join(' ', Options)}";
    }

    /// <summary>NVRTC's version, e.g. "12.4".</summary>
    public string Version { get; }

    /// <inheritdoc />
    public string Identity { get; }

    /// <summary>Where NVRTC was loaded from.</summary>
    public string LibraryPath => _nvrtc.Library.Path;

    /// <summary>A compiler on the NVRTC found by <c>CudaLibrarySearch</c>, or null with the reason.</summary>
    public static NvrtcCompiler? TryCreate(out string reason)
    {
        Nvrtc? nvrtc = CudaLibraries.Nvrtc(out reason);
        return nvrtc is null ? null : new NvrtcCompiler(nvrtc);
    }

    /// <summary>The architectures this NVRTC can produce CUBIN for (empty when it cannot say).</summary>
    public IReadOnlyList<int> SupportedArchitectures => _supported;

    /// <inheritdoc />
    public CompiledKernel Compile(KernelSource source, int architecture) => Compile(source, architecture, [], out _);

    /// <summary>
    /// Compiles as <see cref="Compile(KernelSource, int)"/> with <paramref name="extraOptions"/> added (e.g.
    /// <c>-Xptxas -v</c> for ptxas's register and spill report) and returns NVRTC's log (warnings, ptxas output)
    /// in <paramref name="log"/>, "" when empty.
    /// </summary>
    public CompiledKernel Compile(KernelSource source, int architecture, IReadOnlyList<string> extraOptions, out string log)
    {
        bool cubin = _nvrtc.HasCubin && (_supported.Length == 0 || Array.IndexOf(_supported, architecture) >= 0);
        int target = architecture;
        if (!cubin)
        {
            // PTX for the newest architecture this NVRTC knows that the GPU can run.
            target = _supported.Where(a => a <= architecture).DefaultIfEmpty(_supported.Length > 0 ? _supported.Min() : architecture).Max();
        }
        var options = new List<string>(Options) { cubin ? $"--gpu-architecture=sm_{target}" : $"--gpu-architecture=compute_{target}" };
        options.AddRange(extraOptions);

        var pinned = new List<IntPtr>();
        IntPtr Utf8(string text)
        {
            IntPtr p = Marshal.StringToCoTaskMemUTF8(text);
            pinned.Add(p);
            return p;
        }
        IntPtr program = IntPtr.Zero;
        try
        {
            string[] headerNames = source.Headers.Keys.Order(StringComparer.Ordinal).ToArray();
            byte** headers = stackalloc byte*[Math.Max(1, headerNames.Length)];
            byte** includeNames = stackalloc byte*[Math.Max(1, headerNames.Length)];
            for (int i = 0; i < headerNames.Length; i++)
            {
                headers[i] = (byte*)Utf8(source.Headers[headerNames[i]]);
                includeNames[i] = (byte*)Utf8(headerNames[i]);
            }
            _nvrtc.Check(_nvrtc.nvrtcCreateProgram(&program, (byte*)Utf8(source.Text), (byte*)Utf8(source.Name),
                headerNames.Length, headers, includeNames), "nvrtcCreateProgram");
            byte** optionPointers = stackalloc byte*[options.Count];
            for (int i = 0; i < options.Count; i++)
            {
                optionPointers[i] = (byte*)Utf8(options[i]);
            }
            int result = _nvrtc.nvrtcCompileProgram(program, options.Count, optionPointers);
            if (result != 0)
            {
                _nvrtc.Check(result, $"nvrtcCompileProgram({source.Name}, {string.Join(' ', options)})", Log(program));
            }
            log = Log(program);
            nuint size;
            byte[] image;
            if (cubin)
            {
                _nvrtc.Check(_nvrtc.nvrtcGetCUBINSize(program, &size), "nvrtcGetCUBINSize");
                image = new byte[(int)size];
                fixed (byte* p = image)
                {
                    _nvrtc.Check(_nvrtc.nvrtcGetCUBIN(program, p), "nvrtcGetCUBIN");
                }
            }
            else
            {
                _nvrtc.Check(_nvrtc.nvrtcGetPTXSize(program, &size), "nvrtcGetPTXSize");
                image = new byte[(int)size]; // includes the terminating NUL cuModuleLoadData needs for PTX
                fixed (byte* p = image)
                {
                    _nvrtc.Check(_nvrtc.nvrtcGetPTX(program, p), "nvrtcGetPTX");
                }
            }
            return new CompiledKernel(cubin ? KernelImageKind.Cubin : KernelImageKind.Ptx, image);
        }
        finally
        {
            if (program != IntPtr.Zero)
            {
                _nvrtc.nvrtcDestroyProgram(&program);
            }
            foreach (IntPtr p in pinned)
            {
                Marshal.FreeCoTaskMem(p);
            }
        }
    }

    private string Log(IntPtr program)
    {
        nuint size;
        if (_nvrtc.nvrtcGetProgramLogSize(program, &size) != 0 || size <= 1)
        {
            return "";
        }
        var log = new byte[(int)size];
        fixed (byte* p = log)
        {
            if (_nvrtc.nvrtcGetProgramLog(program, p) != 0)
            {
                return "";
            }
        }
        return Encoding.UTF8.GetString(log, 0, log.Length - 1).Trim();
    }
}
