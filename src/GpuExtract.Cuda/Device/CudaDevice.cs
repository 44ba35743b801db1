using System.Runtime.InteropServices;
using GpuExtract.Cuda.Kernels;
using GpuExtract.Cuda.Native;

namespace GpuExtract.Cuda.Device;

/// <summary>
/// One NVIDIA GPU through the driver API, cuBLAS and cuSOLVER: the device's primary context (retained, and made
/// current on whichever thread calls), one stream that every copy, kernel and library call is queued on, and the
/// kernels of <c>kernels/*.cu</c> compiled by NVRTC for the device's architecture (through the on-disk
/// <see cref="KernelCache"/>) and loaded as modules.
/// </summary>
public sealed unsafe class CudaDevice : IComputeDevice
{
    /// <summary>Dynamic shared memory a kernel may use without opting in [bytes].</summary>
    private const int DefaultSharedLimit = 48 * 1024;

    private readonly CudaDriver _driver;
    private readonly Cublas _cublas;
    private readonly Cusolver _cusolver;
    private readonly CudaCapabilities _capabilities;
    private readonly int _device;
    private readonly List<IntPtr> _modules = [];
    private readonly Dictionary<string, IntPtr> _functions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _sharedOptIn = new(StringComparer.Ordinal);
    private IntPtr _context;
    private IntPtr _stream;
    private IntPtr _blas;
    private IntPtr _solver;
    private IntPtr _solverParams;
    private IntPtr _syevjInfo;
    private DevicePointer _workspace;
    private long _workspaceBytes;
    private void* _hostWorkspace;
    private nuint _hostWorkspaceBytes;
    private bool _disposed;

    private CudaDevice(CudaDriver driver, Cublas cublas, Cusolver cusolver, int device, GpuInfo info)
    {
        _driver = driver;
        _cublas = cublas;
        _cusolver = cusolver;
        _capabilities = cusolver.Capabilities;
        _device = device;
        Info = info;
    }

    /// <summary>The GPU.</summary>
    public GpuInfo Info { get; }

    /// <inheritdoc />
    public string Description => $"GPU {Info.Ordinal}: {Info.Name} (sm_{Info.ComputeCapability}, {Info.TotalMemory / (1024.0 * 1024 * 1024):0.0} GiB)";

    /// <inheritdoc />
    public string EigenMethod => _capabilities.EigenMethod;

    /// <summary>Kernel files loaded from the disk cache / compiled now, and the cache's warnings.</summary>
    public (int FromCache, int Compiled, IReadOnlyList<string> Warnings) KernelLoad { get; private set; }

    /// <summary>
    /// Opens GPU <paramref name="ordinal"/>: retains its primary context, creates the stream and the cuBLAS and
    /// cuSOLVER handles, and loads the kernels (compiled with <paramref name="compiler"/> unless in <paramref name="cache"/>).
    /// Throws <see cref="CudaException"/> on any CUDA failure and <see cref="InvalidOperationException"/> when a
    /// library is missing (check <see cref="CudaProbe"/> first).
    /// </summary>
    public static CudaDevice Open(int ordinal, KernelCache cache, IKernelCompiler compiler)
    {
        CudaDriver driver = CudaLibraries.Driver(out string reason) ?? throw new InvalidOperationException(reason);
        Cublas cublas = CudaLibraries.Cublas(out reason) ?? throw new InvalidOperationException(reason);
        Cusolver cusolver = CudaLibraries.Cusolver(out reason) ?? throw new InvalidOperationException(reason);
        driver.Check(CudaLibraries.Initialize(driver), "cuInit");
        CudaProbeResult probe = CudaProbe.Result;
        GpuInfo info = probe.Gpus.FirstOrDefault(g => g.Ordinal == ordinal)
            ?? throw new InvalidOperationException($"there is no GPU {ordinal} (the driver sees {probe.Gpus.Count})");
        int device;
        driver.Check(driver.cuDeviceGet(&device, ordinal), "cuDeviceGet");
        var gpu = new CudaDevice(driver, cublas, cusolver, device, info);
        try
        {
            gpu.Initialize(cache, compiler);
            return gpu;
        }
        catch
        {
            gpu.Dispose();
            throw;
        }
    }

    private void Initialize(KernelCache cache, IKernelCompiler compiler)
    {
        IntPtr context;
        _driver.Check(_driver.cuDevicePrimaryCtxRetain(&context, _device), "cuDevicePrimaryCtxRetain");
        _context = context;
        MakeCurrent();
        IntPtr stream;
        _driver.Check(_driver.cuStreamCreate(&stream, 0), "cuStreamCreate");
        _stream = stream;
        IntPtr blas;
        _cublas.Check(_cublas.cublasCreate_v2(&blas), "cublasCreate_v2");
        _blas = blas;
        _cublas.Check(_cublas.cublasSetStream_v2(_blas, _stream), "cublasSetStream_v2");
        IntPtr solver;
        _cusolver.Check(_cusolver.cusolverDnCreate(&solver), "cusolverDnCreate");
        _solver = solver;
        _cusolver.Check(_cusolver.cusolverDnSetStream(_solver, _stream), "cusolverDnSetStream");
        if (_capabilities.XsyevBatched)
        {
            IntPtr parameters;
            _cusolver.Check(_cusolver.cusolverDnCreateParams(&parameters), "cusolverDnCreateParams");
            _solverParams = parameters;
        }
        else if (_capabilities.SyevjBatched)
        {
            IntPtr syevj;
            _cusolver.Check(_cusolver.cusolverDnCreateSyevjInfo(&syevj), "cusolverDnCreateSyevjInfo");
            _syevjInfo = syevj;
        }
        LoadKernels(cache, compiler);
    }

    private void LoadKernels(KernelCache cache, IKernelCompiler compiler)
    {
        int fromCache = 0, compiled = 0;
        foreach (KernelSource source in KernelSource.Embedded)
        {
            CompiledKernel kernel = cache.GetOrCompile(source, Info.ComputeCapability, compiler, out bool hit);
            IntPtr module;
            int result;
            fixed (byte* image = kernel.Image)
            {
                result = _driver.cuModuleLoadData(&module, image);
            }
            if (result != CudaDriver.Success && hit)
            {
                // A cached image the driver rejects (e.g. written by a broken toolkit): compile afresh and replace it.
                cache.Warnings.Add($"kernel cache entry for {source.Name} was rejected by the driver ({_driver.ErrorName(result)}); recompiled");
                kernel = compiler.Compile(source, Info.ComputeCapability);
                cache.Write(KernelCache.Key(source, Info.ComputeCapability, compiler.Identity), kernel);
                hit = false;
                fixed (byte* image = kernel.Image)
                {
                    result = _driver.cuModuleLoadData(&module, image);
                }
            }
            _driver.Check(result, $"cuModuleLoadData({source.Name})");
            _modules.Add(module);
            foreach (string name in source.KernelNames)
            {
                IntPtr function;
                IntPtr utf8 = Marshal.StringToCoTaskMemUTF8(name);
                try
                {
                    _driver.Check(_driver.cuModuleGetFunction(&function, module, (byte*)utf8), $"cuModuleGetFunction({name})");
                }
                finally
                {
                    Marshal.FreeCoTaskMem(utf8);
                }
                _functions[name] = function;
            }
            if (hit)
            {
                fromCache++;
            }
            else
            {
                compiled++;
            }
        }
        KernelLoad = (fromCache, compiled, cache.Warnings.ToArray());
    }

    /// <summary>Makes the primary context current on the calling thread (every public call does this first).</summary>
    private void MakeCurrent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _driver.Check(_driver.cuCtxSetCurrent(_context), "cuCtxSetCurrent");
    }

    /// <inheritdoc />
    public long FreeMemory
    {
        get
        {
            MakeCurrent();
            nuint free, total;
            _driver.Check(_driver.cuMemGetInfo_v2(&free, &total), "cuMemGetInfo_v2");
            return (long)free;
        }
    }

    /// <inheritdoc />
    public DevicePointer Allocate(long bytes)
    {
        MakeCurrent();
        ulong address;
        _driver.Check(_driver.cuMemAlloc_v2(&address, (nuint)Math.Max(bytes, 1)), $"cuMemAlloc_v2({bytes} bytes)");
        return new DevicePointer(address);
    }

    /// <inheritdoc />
    public void Free(DevicePointer pointer)
    {
        if (pointer.IsNull || _disposed)
        {
            return;
        }
        MakeCurrent();
        _driver.Check(_driver.cuMemFree_v2(pointer.Address), "cuMemFree_v2");
    }

    /// <inheritdoc />
    public void Upload<T>(ReadOnlySpan<T> source, DevicePointer destination) where T : unmanaged
    {
        if (source.IsEmpty)
        {
            return;
        }
        MakeCurrent();
        fixed (T* p = source)
        {
            // From pageable memory the call returns once the data is staged, so the span may be reused after it.
            _driver.Check(_driver.cuMemcpyHtoDAsync_v2(destination.Address, p, (nuint)(source.Length * sizeof(T)), _stream), "cuMemcpyHtoDAsync_v2");
        }
    }

    /// <inheritdoc />
    public void Download<T>(DevicePointer source, Span<T> destination) where T : unmanaged
    {
        if (destination.IsEmpty)
        {
            return;
        }
        MakeCurrent();
        fixed (T* p = destination)
        {
            _driver.Check(_driver.cuMemcpyDtoHAsync_v2(p, source.Address, (nuint)(destination.Length * sizeof(T)), _stream), "cuMemcpyDtoHAsync_v2");
            _driver.Check(_driver.cuStreamSynchronize(_stream), "cuStreamSynchronize (download)");
        }
    }

    /// <inheritdoc />
    public void Copy(DevicePointer source, DevicePointer destination, long bytes)
    {
        MakeCurrent();
        _driver.Check(_driver.cuMemcpyDtoDAsync_v2(destination.Address, source.Address, (nuint)bytes, _stream), "cuMemcpyDtoDAsync_v2");
    }

    /// <inheritdoc />
    public void Clear(DevicePointer pointer, long bytes)
    {
        MakeCurrent();
        _driver.Check(_driver.cuMemsetD8Async(pointer.Address, 0, (nuint)bytes, _stream), "cuMemsetD8Async");
    }

    /// <inheritdoc />
    public void Launch(string kernel, Dim3 grid, Dim3 block, int sharedBytes, KernelArguments arguments)
    {
        MakeCurrent();
        if (!_functions.TryGetValue(kernel, out IntPtr function))
        {
            throw new InvalidOperationException($"no kernel named {kernel} in kernels/*.cu");
        }
        if (sharedBytes > DefaultSharedLimit && (!_sharedOptIn.TryGetValue(kernel, out int granted) || granted < sharedBytes))
        {
            _driver.Check(_driver.cuFuncSetAttribute(function, CudaDriver.FunctionAttributeMaxDynamicSharedBytes, sharedBytes), $"cuFuncSetAttribute({kernel})");
            _sharedOptIn[kernel] = sharedBytes;
        }
        ReadOnlySpan<long> slots = arguments.Slots;
        void** parameters = stackalloc void*[Math.Max(1, slots.Length)];
        fixed (long* values = slots)
        {
            for (int i = 0; i < slots.Length; i++)
            {
                parameters[i] = values + i;
            }
            _driver.Check(_driver.cuLaunchKernel(function, (uint)grid.X, (uint)grid.Y, (uint)grid.Z, (uint)block.X, (uint)block.Y, (uint)block.Z,
                (uint)sharedBytes, _stream, parameters, null), $"cuLaunchKernel({kernel})");
        }
    }

    /// <inheritdoc />
    public void Synchronize(string label)
    {
        MakeCurrent();
        _driver.Check(_driver.cuStreamSynchronize(_stream), $"cuStreamSynchronize (after {label})");
    }

    /// <inheritdoc />
    public void CholeskyFactorBatched(int n, DevicePointer matrices, DevicePointer info, int count)
    {
        MakeCurrent();
        _cusolver.Check(_cusolver.cusolverDnDpotrfBatched(_solver, Cublas.FillLower, n, matrices.Address, n, info.Address, count), "cusolverDnDpotrfBatched");
    }

    /// <inheritdoc />
    public void CholeskySolveBatched(int n, DevicePointer factors, DevicePointer vectors, DevicePointer scratch, int count)
    {
        MakeCurrent();
        _cusolver.Check(_cusolver.cusolverDnDpotrsBatched(_solver, Cublas.FillLower, n, 1, factors.Address, n, vectors.Address, n, scratch.Address, count), "cusolverDnDpotrsBatched");
    }

    /// <inheritdoc />
    public void LowerTriangularSolveBatched(int n, DevicePointer factors, DevicePointer rightHandSides, int count)
    {
        MakeCurrent();
        double one = 1.0;
        _cublas.Check(_cublas.cublasDtrsmBatched(_blas, Cublas.SideLeft, Cublas.FillLower, Cublas.OpNone, Cublas.DiagNonUnit, n, n, &one,
            factors.Address, n, rightHandSides.Address, n, count), "cublasDtrsmBatched");
    }

    /// <inheritdoc />
    public void GramBatched(int m, int k, int lda, DevicePointer matrices, DevicePointer products, int count)
    {
        MakeCurrent();
        double one = 1.0, zero = 0.0;
        _cublas.Check(_cublas.cublasDgemmBatched(_blas, Cublas.OpTranspose, Cublas.OpNone, m, m, k, &one, matrices.Address, lda,
            matrices.Address, lda, &zero, products.Address, m, count), "cublasDgemmBatched");
    }

    /// <inheritdoc />
    public void SymmetricEigenBatched(int n, DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count)
    {
        MakeCurrent();
        if (count == 0)
        {
            return;
        }
        if (_capabilities.XsyevBatched)
        {
            nuint deviceBytes, hostBytes;
            _cusolver.Check(_cusolver.cusolverDnXsyevBatched_bufferSize(_solver, _solverParams, Cusolver.EigenModeVector, Cublas.FillLower, n,
                Cusolver.DataTypeDouble, matrices.Address, n, Cusolver.DataTypeDouble, eigenvalues.Address, Cusolver.DataTypeDouble,
                &deviceBytes, &hostBytes, count), "cusolverDnXsyevBatched_bufferSize");
            DevicePointer work = Workspace((long)deviceBytes);
            void* host = HostWorkspace(hostBytes);
            _cusolver.Check(_cusolver.cusolverDnXsyevBatched(_solver, _solverParams, Cusolver.EigenModeVector, Cublas.FillLower, n,
                Cusolver.DataTypeDouble, matrices.Address, n, Cusolver.DataTypeDouble, eigenvalues.Address, Cusolver.DataTypeDouble,
                work.Address, deviceBytes, host, hostBytes, info.Address, count), "cusolverDnXsyevBatched");
            return;
        }
        if (_capabilities.SyevjBatched && n <= 32)
        {
            int lwork;
            _cusolver.Check(_cusolver.cusolverDnDsyevjBatched_bufferSize(_solver, Cusolver.EigenModeVector, Cublas.FillLower, n, matrices.Address, n,
                eigenvalues.Address, &lwork, _syevjInfo, count), "cusolverDnDsyevjBatched_bufferSize");
            DevicePointer work = Workspace((long)lwork * sizeof(double));
            _cusolver.Check(_cusolver.cusolverDnDsyevjBatched(_solver, Cusolver.EigenModeVector, Cublas.FillLower, n, matrices.Address, n,
                eigenvalues.Address, work.Address, lwork, info.Address, _syevjInfo, count), "cusolverDnDsyevjBatched");
            return;
        }
        if (!_capabilities.Syevd)
        {
            throw new InvalidOperationException("this cuSOLVER has no eigensolver usable at this size");
        }
        int syevdWork;
        _cusolver.Check(_cusolver.cusolverDnDsyevd_bufferSize(_solver, Cusolver.EigenModeVector, Cublas.FillLower, n, matrices.Address, n,
            eigenvalues.Address, &syevdWork), "cusolverDnDsyevd_bufferSize");
        DevicePointer syevdBuffer = Workspace((long)syevdWork * sizeof(double));
        long matrixBytes = (long)n * n * sizeof(double);
        for (int i = 0; i < count; i++)
        {
            _cusolver.Check(_cusolver.cusolverDnDsyevd(_solver, Cusolver.EigenModeVector, Cublas.FillLower, n, matrices.Offset(i * matrixBytes).Address, n,
                eigenvalues.Offset((long)i * n * sizeof(double)).Address, syevdBuffer.Address, syevdWork, info.Offset(i * sizeof(int)).Address), "cusolverDnDsyevd");
        }
    }

    /// <summary>The eigensolver workspace, grown as needed (kept between calls).</summary>
    private DevicePointer Workspace(long bytes)
    {
        if (bytes > _workspaceBytes)
        {
            Synchronize("eigensolver workspace");
            Free(_workspace);
            _workspace = DevicePointer.Null;
            _workspaceBytes = 0;
            _workspace = Allocate(bytes);
            _workspaceBytes = bytes;
        }
        return _workspace;
    }

    private void* HostWorkspace(nuint bytes)
    {
        if (bytes > _hostWorkspaceBytes)
        {
            NativeMemory.Free(_hostWorkspace);
            _hostWorkspace = NativeMemory.Alloc(bytes);
            _hostWorkspaceBytes = bytes;
        }
        return _hostWorkspace;
    }

    /// <summary>Releases the workspace between frames (the next call allocates it again).</summary>
    public void ReleaseWorkspace()
    {
        Free(_workspace);
        _workspace = DevicePointer.Null;
        _workspaceBytes = 0;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        if (_context != IntPtr.Zero)
        {
            // Best effort: a failed device may refuse every call; nothing here may throw.
            _driver.cuCtxSetCurrent(_context);
            if (_stream != IntPtr.Zero)
            {
                _driver.cuStreamSynchronize(_stream);
            }
            if (!_workspace.IsNull)
            {
                _driver.cuMemFree_v2(_workspace.Address);
            }
            if (_solverParams != IntPtr.Zero)
            {
                _cusolver.cusolverDnDestroyParams(_solverParams);
            }
            if (_syevjInfo != IntPtr.Zero)
            {
                _cusolver.cusolverDnDestroySyevjInfo(_syevjInfo);
            }
            if (_solver != IntPtr.Zero)
            {
                _cusolver.cusolverDnDestroy(_solver);
            }
            if (_blas != IntPtr.Zero)
            {
                _cublas.cublasDestroy_v2(_blas);
            }
            foreach (IntPtr module in _modules)
            {
                _driver.cuModuleUnload(module);
            }
            if (_stream != IntPtr.Zero)
            {
                _driver.cuStreamDestroy_v2(_stream);
            }
            _driver.cuDevicePrimaryCtxRelease_v2(_device);
        }
        NativeMemory.Free(_hostWorkspace);
        _hostWorkspace = null;
        _disposed = true;
    }
}
