using System.Runtime.InteropServices;

namespace GpuExtract.Cuda.Native;

/// <summary>
/// NVRTC, the run-time CUDA C++ compiler (<c>libnvrtc.so.13/.12</c>), as unmanaged function pointers. Needs no
/// GPU and no driver: it turns kernel source into CUBIN (machine code for one architecture) or PTX.
/// </summary>
internal sealed unsafe class Nvrtc
{
    private Nvrtc(LoadedLibrary library)
    {
        Library = library;
    }

    public LoadedLibrary Library { get; }

    public delegate* unmanaged[Cdecl]<int*, int*, int> nvrtcVersion;
    public delegate* unmanaged[Cdecl]<int, IntPtr> nvrtcGetErrorString;
    public delegate* unmanaged[Cdecl]<IntPtr*, byte*, byte*, int, byte**, byte**, int> nvrtcCreateProgram;
    public delegate* unmanaged[Cdecl]<IntPtr, int, byte**, int> nvrtcCompileProgram;
    public delegate* unmanaged[Cdecl]<IntPtr, nuint*, int> nvrtcGetProgramLogSize;
    public delegate* unmanaged[Cdecl]<IntPtr, byte*, int> nvrtcGetProgramLog;
    public delegate* unmanaged[Cdecl]<IntPtr, nuint*, int> nvrtcGetPTXSize;
    public delegate* unmanaged[Cdecl]<IntPtr, byte*, int> nvrtcGetPTX;
    public delegate* unmanaged[Cdecl]<IntPtr*, int> nvrtcDestroyProgram;

    /// <summary>nvrtcGetCUBINSize/nvrtcGetCUBIN (NVRTC ≥ 11.1); null when absent.</summary>
    public delegate* unmanaged[Cdecl]<IntPtr, nuint*, int> nvrtcGetCUBINSize;
    public delegate* unmanaged[Cdecl]<IntPtr, byte*, int> nvrtcGetCUBIN;

    /// <summary>nvrtcGetNumSupportedArchs/nvrtcGetSupportedArchs (NVRTC ≥ 11.2); null when absent.</summary>
    public delegate* unmanaged[Cdecl]<int*, int> nvrtcGetNumSupportedArchs;
    public delegate* unmanaged[Cdecl]<int*, int> nvrtcGetSupportedArchs;

    /// <summary>Loads NVRTC, or returns null with the reason.</summary>
    public static Nvrtc? TryLoad(out string reason, int? driverCudaMajor = null)
    {
        if (!CudaLibrarySearch.TryLoad(CudaLibrarySearch.Nvrtc, driver: false, out LoadedLibrary? library, out reason, driverCudaMajor: driverCudaMajor))
        {
            reason = $"no NVRTC: {reason}";
            return null;
        }
        var entry = new EntryPoints(library!);
        var nvrtc = new Nvrtc(library!)
        {
            nvrtcVersion = (delegate* unmanaged[Cdecl]<int*, int*, int>)entry.Need("nvrtcVersion"),
            nvrtcGetErrorString = (delegate* unmanaged[Cdecl]<int, IntPtr>)entry.Need("nvrtcGetErrorString"),
            nvrtcCreateProgram = (delegate* unmanaged[Cdecl]<IntPtr*, byte*, byte*, int, byte**, byte**, int>)entry.Need("nvrtcCreateProgram"),
            nvrtcCompileProgram = (delegate* unmanaged[Cdecl]<IntPtr, int, byte**, int>)entry.Need("nvrtcCompileProgram"),
            nvrtcGetProgramLogSize = (delegate* unmanaged[Cdecl]<IntPtr, nuint*, int>)entry.Need("nvrtcGetProgramLogSize"),
            nvrtcGetProgramLog = (delegate* unmanaged[Cdecl]<IntPtr, byte*, int>)entry.Need("nvrtcGetProgramLog"),
            nvrtcGetPTXSize = (delegate* unmanaged[Cdecl]<IntPtr, nuint*, int>)entry.Need("nvrtcGetPTXSize"),
            nvrtcGetPTX = (delegate* unmanaged[Cdecl]<IntPtr, byte*, int>)entry.Need("nvrtcGetPTX"),
            nvrtcDestroyProgram = (delegate* unmanaged[Cdecl]<IntPtr*, int>)entry.Need("nvrtcDestroyProgram"),
            nvrtcGetCUBINSize = (delegate* unmanaged[Cdecl]<IntPtr, nuint*, int>)library!.Find("nvrtcGetCUBINSize"),
            nvrtcGetCUBIN = (delegate* unmanaged[Cdecl]<IntPtr, byte*, int>)library.Find("nvrtcGetCUBIN"),
            nvrtcGetNumSupportedArchs = (delegate* unmanaged[Cdecl]<int*, int>)library.Find("nvrtcGetNumSupportedArchs"),
            nvrtcGetSupportedArchs = (delegate* unmanaged[Cdecl]<int*, int>)library.Find("nvrtcGetSupportedArchs"),
        };
        if (!entry.AllFound(out reason))
        {
            return null;
        }
        return nvrtc;
    }

    /// <summary>Whether CUBIN output is available (else PTX for the driver to compile).</summary>
    public bool HasCubin => nvrtcGetCUBIN != null && nvrtcGetCUBINSize != null;

    /// <summary>NVRTC's version (major, minor).</summary>
    public (int Major, int Minor) Version
    {
        get
        {
            int major, minor;
            Check(nvrtcVersion(&major, &minor), "nvrtcVersion");
            return (major, minor);
        }
    }

    /// <summary>The sm_XX architectures this NVRTC can compile for (as XX), or empty when it cannot say.</summary>
    public int[] SupportedArchitectures()
    {
        if (nvrtcGetNumSupportedArchs == null || nvrtcGetSupportedArchs == null)
        {
            return [];
        }
        int count;
        Check(nvrtcGetNumSupportedArchs(&count), "nvrtcGetNumSupportedArchs");
        var archs = new int[count];
        fixed (int* p = archs)
        {
            Check(nvrtcGetSupportedArchs(p), "nvrtcGetSupportedArchs");
        }
        return archs;
    }

    /// <summary>Throws <see cref="CudaException"/> unless <paramref name="result"/> is NVRTC_SUCCESS.</summary>
    public void Check(int result, string call, string? detail = null)
    {
        if (result != 0)
        {
            throw new CudaException("nvrtc", call, result, ResultName(result), detail);
        }
    }

    private string ResultName(int result)
    {
        IntPtr text = nvrtcGetErrorString(result);
        return text != IntPtr.Zero ? Marshal.PtrToStringAnsi(text) ?? CudaStatusNames.Nvrtc(result) : CudaStatusNames.Nvrtc(result);
    }
}
