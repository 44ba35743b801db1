using System.Runtime.InteropServices;

namespace GpuExtract.Cuda.Native;

/// <summary>A native library loaded at run time: its handle, what was asked for and the file it came from.</summary>
internal sealed class LoadedLibrary(IntPtr handle, string soname, string path)
{
    /// <summary>The dlopen handle (never freed: CUDA libraries stay loaded for the process).</summary>
    public IntPtr Handle { get; } = handle;

    /// <summary>The soname or file name that was loaded, e.g. <c>libcublas.so.12</c>.</summary>
    public string Soname { get; } = soname;

    /// <summary>The file actually mapped (from /proc/self/maps when found, else the name that was loaded).</summary>
    public string Path { get; } = path;

    /// <summary>The address of <paramref name="symbol"/>, or zero when the library does not export it.</summary>
    public IntPtr Find(string symbol) => NativeLibrary.TryGetExport(Handle, symbol, out IntPtr address) ? address : IntPtr.Zero;
}

/// <summary>
/// Finds the CUDA libraries at run time, never at build time. Each library is looked for, in order, in
/// <c>$GPUEXTRACT_CUDA_LIBDIR</c>, <c>$CUDA_HOME/lib64</c>, <c>$CUDA_PATH/lib64</c>, <c>/usr/local/cuda/lib64</c>
/// (and, for the driver, <c>/usr/local/nvidia/lib64</c> and <c>/usr/lib/wsl/lib</c>), each under the sonames of
/// CUDA 13 then 12 (then 11), and finally by soname through the system's search path (LD_LIBRARY_PATH, ldconfig).
/// Sonames of a CUDA major version newer than the driver supports are skipped: such a library loads, but its
/// handles or its compiled modules then fail on that driver.
/// </summary>
/// <remarks>
/// A library loaded by full path from a directory outside the loader's search path would not find its own
/// dependencies there (libcublas needs libcublasLt, libcusolver needs libcublas, libcusparse and libnvJitLink,
/// NVRTC opens libnvrtc-builtins). Those companions are therefore loaded first from the same directory: the
/// loader then resolves them by their soname, which is already in the process.
/// </remarks>
internal static class CudaLibrarySearch
{
    /// <summary>Environment variable naming a directory searched first for every CUDA library.</summary>
    public const string LibraryDirectoryVariable = "GPUEXTRACT_CUDA_LIBDIR";

    /// <summary>The driver API (installed with the NVIDIA driver, not the toolkit).</summary>
    public static readonly string[] Driver = ["libcuda.so.1", "libcuda.so"];

    /// <summary>NVRTC: CUDA 13, 12, then 11.2+ (whose soname stayed libnvrtc.so.11.2).</summary>
    public static readonly string[] Nvrtc = ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"];

    /// <summary>cuBLAS: CUDA 13, 12, 11.</summary>
    public static readonly string[] Cublas = ["libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"];

    /// <summary>cuSOLVER: CUDA 13 ships libcusolver.so.12, CUDA 12 libcusolver.so.11 (CUDA 11 too).</summary>
    public static readonly string[] Cusolver = ["libcusolver.so.12", "libcusolver.so.11", "libcusolver.so"];

    /// <summary>
    /// The CUDA major version each versioned soname comes with (cuSOLVER's soname runs one behind: CUDA 13 ships
    /// libcusolver.so.12; libcusolver.so.11 came with CUDA 11 and 12, so it counts as 11). Unversioned names: 0.
    /// </summary>
    public static int CudaMajorOf(string soname) => soname switch
    {
        "libnvrtc.so.13" or "libcublas.so.13" or "libcusolver.so.12" => 13,
        "libnvrtc.so.12" or "libcublas.so.12" => 12,
        "libnvrtc.so.11.2" or "libcublas.so.11" or "libcusolver.so.11" => 11,
        _ => 0,
    };

    /// <summary>File-name prefixes of the companions loaded first from the same directory.</summary>
    private static readonly string[] Companions = ["libnvrtc-builtins.so.", "libcublasLt.so.", "libnvJitLink.so.", "libcusparse.so.", "libcublas.so."];

    /// <summary>
    /// Directories searched before the system search path, in order (only those that exist);
    /// <paramref name="environment"/> reads environment variables (default: the process environment).
    /// </summary>
    public static IReadOnlyList<string> Directories(bool driver, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var directories = new List<string>();
        void Add(string? path)
        {
            if (!string.IsNullOrWhiteSpace(path) && Directory.Exists(path) && !directories.Contains(path))
            {
                directories.Add(path);
            }
        }
        Add(environment(LibraryDirectoryVariable)?.Trim());
        foreach (string variable in (string[])["CUDA_HOME", "CUDA_PATH"])
        {
            if (environment(variable) is { Length: > 0 } root)
            {
                Add(System.IO.Path.Combine(root.Trim(), "lib64"));
            }
        }
        Add("/usr/local/cuda/lib64");
        if (driver)
        {
            Add("/usr/local/nvidia/lib64");
            Add("/usr/lib/wsl/lib");
        }
        return directories;
    }

    /// <summary>
    /// Loads the first of <paramref name="sonames"/> found (directories first, then the system search path), skipping
    /// those of a CUDA major version above <paramref name="driverCudaMajor"/> (null: no driver to compare with).
    /// On failure <paramref name="reason"/> lists what was tried and what was skipped.
    /// </summary>
    public static bool TryLoad(IReadOnlyList<string> sonames, bool driver, out LoadedLibrary? library, out string reason,
        Func<string, string?>? environment = null, int? driverCudaMajor = null)
    {
        string[] tooNew = driverCudaMajor is int major ? sonames.Where(s => CudaMajorOf(s) > major).ToArray() : [];
        sonames = sonames.Except(tooNew).ToArray();
        IReadOnlyList<string> searched = Directories(driver, environment);
        foreach (string directory in searched)
        {
            foreach (string soname in sonames)
            {
                string path = System.IO.Path.Combine(directory, soname);
                if (!File.Exists(path))
                {
                    continue;
                }
                LoadCompanions(directory, soname);
                if (NativeLibrary.TryLoad(path, out IntPtr handle))
                {
                    library = new LoadedLibrary(handle, soname, MappedPath(soname) ?? path);
                    reason = "";
                    return true;
                }
            }
        }
        foreach (string soname in sonames)
        {
            if (NativeLibrary.TryLoad(soname, out IntPtr handle))
            {
                library = new LoadedLibrary(handle, soname, MappedPath(soname) ?? soname);
                reason = "";
                return true;
            }
        }
        library = null;
        reason = $"none of {string.Join(", ", sonames)} found (searched {(searched.Count == 0 ? "" : string.Join(", ", searched) + " and ")}the system library path)";
        if (tooNew.Length > 0)
        {
            reason += $"; {string.Join(", ", tooNew)} not tried: newer than the driver, which supports CUDA {driverCudaMajor}";
        }
        return false;
    }

    private static void LoadCompanions(string directory, string soname)
    {
        foreach (string prefix in Companions)
        {
            if (soname.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }
            string[] matches;
            try
            {
                matches = Directory.GetFiles(directory, prefix + "*");
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            // The shortest name is the soname link (libcublasLt.so.12 before libcublasLt.so.12.4.5.8).
            Array.Sort(matches, (a, b) => a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b));
            if (matches.Length > 0)
            {
                NativeLibrary.TryLoad(matches[0], out _);
            }
        }
    }

    /// <summary>The file mapped into this process whose name starts with <paramref name="soname"/>, from /proc/self/maps.</summary>
    private static string? MappedPath(string soname)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash < 0)
                {
                    continue;
                }
                string path = line[slash..].Trim();
                if (System.IO.Path.GetFileName(path).StartsWith(soname, StringComparison.Ordinal))
                {
                    return path;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }
}
