using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using GpuExtract.Cuda.Kernels;
using GpuExtract.Testing;

namespace GpuExtract.Cuda.Tests.Emulation;

/// <summary>
/// The embedded kernels (exactly the text NVRTC compiles) built with the system C++ compiler against
/// cuda_emulation.h into a shared library, once per content (cached in the temp directory under a hash of
/// every input), and loaded. Tests that need it skip when no C++ compiler is installed.
/// </summary>
internal static unsafe class KernelEmulator
{
    private static readonly Lazy<(IntPtr Handle, string Reason)> Library = new(Build);

    /// <summary>gx_launch(name, grid x/y/z, block x/y/z, sharedBytes, args) → 0, or a negative code.</summary>
    public static delegate* unmanaged[Cdecl]<byte*, uint, uint, uint, uint, uint, uint, uint, void**, int> Launch { get; private set; }

    /// <summary>gx_last_error().</summary>
    public static delegate* unmanaged[Cdecl]<IntPtr> LastError { get; private set; }

    /// <summary>Why the emulation is unavailable, or null when it is loaded.</summary>
    public static string? Unavailable
    {
        get
        {
            var (handle, reason) = Library.Value;
            return handle == IntPtr.Zero ? reason : null;
        }
    }

    /// <summary>Skips the calling test, with the reason <see cref="Unavailable"/> gives, where the emulation is not loaded.</summary>
    public static void SkipIfUnavailable()
    {
        string? reason = Unavailable;
        Skip.If(reason is not null, reason);
    }

    private static (IntPtr, string) Build()
    {
        string? compiler = FindCompiler();
        if (compiler is null)
        {
            return (IntPtr.Zero, "no C++ compiler (g++ or c++) on PATH to build the kernel emulation");
        }
        string emulationDirectory = Path.Combine(AppContext.BaseDirectory, "Emulation");
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["cuda_emulation.h"] = File.ReadAllText(Path.Combine(emulationDirectory, "cuda_emulation.h")),
            ["emulator.cpp"] = File.ReadAllText(Path.Combine(emulationDirectory, "emulator.cpp")),
        };
        var all = new StringBuilder();
        var table = new StringBuilder();
        foreach (KernelSource source in KernelSource.Embedded)
        {
            files[source.Name] = source.Text;
            foreach (var (name, text) in source.Headers)
            {
                files[name] = text;
            }
            all.Append("#include \"").Append(source.Name).Append("\"\n");
            foreach (string kernel in source.KernelNames)
            {
                table.Append("GX_KERNEL(").Append(kernel).Append(")\n");
            }
        }
        files["kernels_all.inc"] = all.ToString();
        files["kernel_table.inc"] = table.ToString();
        var hashInput = new StringBuilder(compiler);
        foreach (var (name, text) in files)
        {
            hashInput.Append('\0').Append(name).Append('\0').Append(text);
        }
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(hashInput.ToString())))[..16];
        string directory = Path.Combine(Path.GetTempPath(), $"gpuextract-emulator-{hash}");
        string library = Path.Combine(directory, "libgxemulated.so");
        if (!File.Exists(library))
        {
            string work = directory + $".{Environment.ProcessId}.{Guid.NewGuid():N}";
            Directory.CreateDirectory(work);
            foreach (var (name, text) in files)
            {
                File.WriteAllText(Path.Combine(work, name), text);
            }
            var (code, stdout, stderr) = TestEnvironment.Run(compiler,
                ["-O2", "-g", "-std=c++17", "-fPIC", "-shared", "-fno-strict-aliasing", "-Wall", "-Wno-unused-function", "-Wno-unused-variable",
                 "-I", work, "-o", Path.Combine(work, "libgxemulated.so"), Path.Combine(work, "emulator.cpp")], work);
            if (code != 0)
            {
                throw new InvalidOperationException($"the kernel emulation does not compile ({compiler}):\n{stdout}\n{stderr}");
            }
            try
            {
                Directory.Move(work, directory); // atomic: a concurrent build's directory wins, ours is dropped
            }
            catch (IOException)
            {
                Directory.Delete(work, recursive: true);
            }
        }
        IntPtr handle = NativeLibrary.Load(library);
        Launch = (delegate* unmanaged[Cdecl]<byte*, uint, uint, uint, uint, uint, uint, uint, void**, int>)NativeLibrary.GetExport(handle, "gx_launch");
        LastError = (delegate* unmanaged[Cdecl]<IntPtr>)NativeLibrary.GetExport(handle, "gx_last_error");
        return (handle, "");
    }

    private static string? FindCompiler()
    {
        foreach (string name in (string[])["g++", "c++", "clang++"])
        {
            foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                string path = Path.Combine(directory, name);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }
        return null;
    }
}
