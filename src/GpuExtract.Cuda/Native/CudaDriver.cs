using System.Runtime.InteropServices;

namespace GpuExtract.Cuda.Native;

/// <summary>
/// The CUDA driver API (<c>libcuda.so.1</c>) as unmanaged function pointers, resolved by name at run time.
/// Where cuda.h maps a name to a versioned entry point (<c>#define cuMemAlloc cuMemAlloc_v2</c>) the
/// versioned symbol is bound, as a program compiled against cuda.h would. Handles are IntPtr, device
/// addresses (CUdeviceptr) are ulong, CUresult is int. Every call goes through <see cref="Check"/>.
/// </summary>
internal sealed unsafe class CudaDriver
{
    /// <summary>CUresult of success.</summary>
    public const int Success = 0;

    /// <summary>CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT.</summary>
    public const int AttributeMultiprocessorCount = 16;

    /// <summary>CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR.</summary>
    public const int AttributeComputeCapabilityMajor = 75;

    /// <summary>CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR.</summary>
    public const int AttributeComputeCapabilityMinor = 76;

    /// <summary>CU_DEVICE_ATTRIBUTE_PCI_BUS_ID.</summary>
    public const int AttributePciBusId = 33;

    /// <summary>CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN: shared memory a block may use after opting in [bytes].</summary>
    public const int AttributeMaxSharedPerBlockOptIn = 97;

    /// <summary>CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES.</summary>
    public const int FunctionAttributeMaxDynamicSharedBytes = 8;

    private CudaDriver(LoadedLibrary library)
    {
        Library = library;
    }

    /// <summary>The loaded libcuda.</summary>
    public LoadedLibrary Library { get; }

    public delegate* unmanaged[Cdecl]<uint, int> cuInit;
    public delegate* unmanaged[Cdecl]<int*, int> cuDriverGetVersion;
    public delegate* unmanaged[Cdecl]<int, IntPtr*, int> cuGetErrorName;
    public delegate* unmanaged[Cdecl]<int, IntPtr*, int> cuGetErrorString;
    public delegate* unmanaged[Cdecl]<int*, int> cuDeviceGetCount;
    public delegate* unmanaged[Cdecl]<int*, int, int> cuDeviceGet;
    public delegate* unmanaged[Cdecl]<byte*, int, int, int> cuDeviceGetName;
    public delegate* unmanaged[Cdecl]<nuint*, int, int> cuDeviceTotalMem_v2;
    public delegate* unmanaged[Cdecl]<int*, int, int, int> cuDeviceGetAttribute;
    public delegate* unmanaged[Cdecl]<IntPtr*, int, int> cuDevicePrimaryCtxRetain;
    public delegate* unmanaged[Cdecl]<int, int> cuDevicePrimaryCtxRelease_v2;
    public delegate* unmanaged[Cdecl]<IntPtr, int> cuCtxSetCurrent;
    public delegate* unmanaged[Cdecl]<int> cuCtxSynchronize;
    public delegate* unmanaged[Cdecl]<nuint*, nuint*, int> cuMemGetInfo_v2;
    public delegate* unmanaged[Cdecl]<ulong*, nuint, int> cuMemAlloc_v2;
    public delegate* unmanaged[Cdecl]<ulong, int> cuMemFree_v2;
    public delegate* unmanaged[Cdecl]<void**, nuint, int> cuMemAllocHost_v2;
    public delegate* unmanaged[Cdecl]<void*, int> cuMemFreeHost;
    public delegate* unmanaged[Cdecl]<ulong, void*, nuint, IntPtr, int> cuMemcpyHtoDAsync_v2;
    public delegate* unmanaged[Cdecl]<void*, ulong, nuint, IntPtr, int> cuMemcpyDtoHAsync_v2;
    public delegate* unmanaged[Cdecl]<ulong, ulong, nuint, IntPtr, int> cuMemcpyDtoDAsync_v2;
    public delegate* unmanaged[Cdecl]<ulong, byte, nuint, IntPtr, int> cuMemsetD8Async;
    public delegate* unmanaged[Cdecl]<IntPtr*, void*, int> cuModuleLoadData;
    public delegate* unmanaged[Cdecl]<IntPtr, int> cuModuleUnload;
    public delegate* unmanaged[Cdecl]<IntPtr*, IntPtr, byte*, int> cuModuleGetFunction;
    public delegate* unmanaged[Cdecl]<IntPtr, int, int, int> cuFuncSetAttribute;
    public delegate* unmanaged[Cdecl]<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, void**, void**, int> cuLaunchKernel;
    public delegate* unmanaged[Cdecl]<IntPtr*, uint, int> cuStreamCreate;
    public delegate* unmanaged[Cdecl]<IntPtr, int> cuStreamDestroy_v2;
    public delegate* unmanaged[Cdecl]<IntPtr, int> cuStreamSynchronize;
    public delegate* unmanaged[Cdecl]<IntPtr*, uint, int> cuEventCreate;
    public delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int> cuEventRecord;
    public delegate* unmanaged[Cdecl]<IntPtr, int> cuEventSynchronize;
    public delegate* unmanaged[Cdecl]<float*, IntPtr, IntPtr, int> cuEventElapsedTime;
    public delegate* unmanaged[Cdecl]<IntPtr, int> cuEventDestroy_v2;

    /// <summary>Loads libcuda and resolves every entry point, or returns null with the reason.</summary>
    public static CudaDriver? TryLoad(out string reason)
    {
        if (!CudaLibrarySearch.TryLoad(CudaLibrarySearch.Driver, driver: true, out LoadedLibrary? library, out reason))
        {
            reason = $"no CUDA driver: {reason}";
            return null;
        }
        var entry = new EntryPoints(library!);
        var driver = new CudaDriver(library!)
        {
            cuInit = (delegate* unmanaged[Cdecl]<uint, int>)entry.Need("cuInit"),
            cuDriverGetVersion = (delegate* unmanaged[Cdecl]<int*, int>)entry.Need("cuDriverGetVersion"),
            cuGetErrorName = (delegate* unmanaged[Cdecl]<int, IntPtr*, int>)entry.Need("cuGetErrorName"),
            cuGetErrorString = (delegate* unmanaged[Cdecl]<int, IntPtr*, int>)entry.Need("cuGetErrorString"),
            cuDeviceGetCount = (delegate* unmanaged[Cdecl]<int*, int>)entry.Need("cuDeviceGetCount"),
            cuDeviceGet = (delegate* unmanaged[Cdecl]<int*, int, int>)entry.Need("cuDeviceGet"),
            cuDeviceGetName = (delegate* unmanaged[Cdecl]<byte*, int, int, int>)entry.Need("cuDeviceGetName"),
            cuDeviceTotalMem_v2 = (delegate* unmanaged[Cdecl]<nuint*, int, int>)entry.Need("cuDeviceTotalMem_v2"),
            cuDeviceGetAttribute = (delegate* unmanaged[Cdecl]<int*, int, int, int>)entry.Need("cuDeviceGetAttribute"),
            cuDevicePrimaryCtxRetain = (delegate* unmanaged[Cdecl]<IntPtr*, int, int>)entry.Need("cuDevicePrimaryCtxRetain"),
            cuDevicePrimaryCtxRelease_v2 = (delegate* unmanaged[Cdecl]<int, int>)entry.Need("cuDevicePrimaryCtxRelease_v2"),
            cuCtxSetCurrent = (delegate* unmanaged[Cdecl]<IntPtr, int>)entry.Need("cuCtxSetCurrent"),
            cuCtxSynchronize = (delegate* unmanaged[Cdecl]<int>)entry.Need("cuCtxSynchronize"),
            cuMemGetInfo_v2 = (delegate* unmanaged[Cdecl]<nuint*, nuint*, int>)entry.Need("cuMemGetInfo_v2"),
            cuMemAlloc_v2 = (delegate* unmanaged[Cdecl]<ulong*, nuint, int>)entry.Need("cuMemAlloc_v2"),
            cuMemFree_v2 = (delegate* unmanaged[Cdecl]<ulong, int>)entry.Need("cuMemFree_v2"),
            cuMemAllocHost_v2 = (delegate* unmanaged[Cdecl]<void**, nuint, int>)entry.Need("cuMemAllocHost_v2"),
            cuMemFreeHost = (delegate* unmanaged[Cdecl]<void*, int>)entry.Need("cuMemFreeHost"),
            cuMemcpyHtoDAsync_v2 = (delegate* unmanaged[Cdecl]<ulong, void*, nuint, IntPtr, int>)entry.Need("cuMemcpyHtoDAsync_v2"),
            cuMemcpyDtoHAsync_v2 = (delegate* unmanaged[Cdecl]<void*, ulong, nuint, IntPtr, int>)entry.Need("cuMemcpyDtoHAsync_v2"),
            cuMemcpyDtoDAsync_v2 = (delegate* unmanaged[Cdecl]<ulong, ulong, nuint, IntPtr, int>)entry.Need("cuMemcpyDtoDAsync_v2"),
            cuMemsetD8Async = (delegate* unmanaged[Cdecl]<ulong, byte, nuint, IntPtr, int>)entry.Need("cuMemsetD8Async"),
            cuModuleLoadData = (delegate* unmanaged[Cdecl]<IntPtr*, void*, int>)entry.Need("cuModuleLoadData"),
            cuModuleUnload = (delegate* unmanaged[Cdecl]<IntPtr, int>)entry.Need("cuModuleUnload"),
            cuModuleGetFunction = (delegate* unmanaged[Cdecl]<IntPtr*, IntPtr, byte*, int>)entry.Need("cuModuleGetFunction"),
            cuFuncSetAttribute = (delegate* unmanaged[Cdecl]<IntPtr, int, int, int>)entry.Need("cuFuncSetAttribute"),
            cuLaunchKernel = (delegate* unmanaged[Cdecl]<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, void**, void**, int>)entry.Need("cuLaunchKernel"),
            cuStreamCreate = (delegate* unmanaged[Cdecl]<IntPtr*, uint, int>)entry.Need("cuStreamCreate"),
            cuStreamDestroy_v2 = (delegate* unmanaged[Cdecl]<IntPtr, int>)entry.Need("cuStreamDestroy_v2"),
            cuStreamSynchronize = (delegate* unmanaged[Cdecl]<IntPtr, int>)entry.Need("cuStreamSynchronize"),
            cuEventCreate = (delegate* unmanaged[Cdecl]<IntPtr*, uint, int>)entry.Need("cuEventCreate"),
            cuEventRecord = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int>)entry.Need("cuEventRecord"),
            cuEventSynchronize = (delegate* unmanaged[Cdecl]<IntPtr, int>)entry.Need("cuEventSynchronize"),
            cuEventElapsedTime = (delegate* unmanaged[Cdecl]<float*, IntPtr, IntPtr, int>)entry.Need("cuEventElapsedTime"),
            cuEventDestroy_v2 = (delegate* unmanaged[Cdecl]<IntPtr, int>)entry.Need("cuEventDestroy_v2"),
        };
        if (!entry.AllFound(out reason, hint: " (driver too old?)"))
        {
            return null;
        }
        return driver;
    }

    /// <summary>Throws <see cref="CudaException"/> naming <paramref name="call"/> and the error unless <paramref name="result"/> is success.</summary>
    public void Check(int result, string call)
    {
        if (result != Success)
        {
            throw new CudaException("driver", call, result, ErrorName(result), ErrorString(result));
        }
    }

    /// <summary>The CUresult's name, e.g. CUDA_ERROR_NO_DEVICE (cuGetErrorName), or CUDA_ERROR_&lt;code&gt;.</summary>
    public string ErrorName(int result)
    {
        IntPtr text = IntPtr.Zero;
        return cuGetErrorName(result, &text) == Success && text != IntPtr.Zero
            ? Marshal.PtrToStringAnsi(text) ?? $"CUDA_ERROR_{result}"
            : $"CUDA_ERROR_{result}";
    }

    /// <summary>The CUresult's description (cuGetErrorString), or "".</summary>
    public string ErrorString(int result)
    {
        IntPtr text = IntPtr.Zero;
        return cuGetErrorString(result, &text) == Success && text != IntPtr.Zero ? Marshal.PtrToStringAnsi(text) ?? "" : "";
    }
}
