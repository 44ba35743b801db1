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

    /// <summary>CU_EVENT_DISABLE_TIMING: an event used only to wait on.</summary>
    private const uint EventDisableTiming = 2;

    private readonly CudaDriver _driver;
    private readonly Cublas _cublas;
    private readonly Cusolver _cusolver;
    private readonly CudaCapabilities _capabilities;
    private readonly int _device;
    private readonly List<IntPtr> _modules = [];
    private readonly Dictionary<string, IntPtr> _functions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _sharedOptIn = new(StringComparer.Ordinal);
    private readonly IBlockEigensolver? _kernelEigensolver;
    private readonly List<BlockEigenMethod> _eigenMethodsUsed = [];
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
    private IntPtr _stagingFree;
    private PinnedUploads? _uploads;
    private int _sharedPerBlock;
    private bool _disposed;

    private CudaDevice(CudaDriver driver, Cublas cublas, Cusolver cusolver, int device, GpuInfo info, IBlockEigensolver? kernelEigensolver)
    {
        _driver = driver;
        _cublas = cublas;
        _cusolver = cusolver;
        _capabilities = cusolver.Capabilities;
        _device = device;
        _kernelEigensolver = kernelEigensolver;
        Info = info;
    }

    /// <summary>The GPU.</summary>
    public GpuInfo Info { get; }

    /// <inheritdoc />
    public string Description => $"GPU {Info.Ordinal}: {Info.Name} (sm_{Info.ComputeCapability}, {Info.TotalMemory / (1024.0 * 1024 * 1024):0.0} GiB)";

    /// <inheritdoc />
    public string EigenMethod => _eigenMethodsUsed.Count > 0
        ? string.Join(", ", _eigenMethodsUsed.Select(m => BlockEigensolvers.Describe(m, _kernelEigensolver)))
        : BlockEigensolvers.Describe(BlockEigensolvers.Choose(_capabilities, BlockEigensolvers.SyevjBatchedMaxN + 1, _kernelEigensolver, _sharedPerBlock), _kernelEigensolver);

    /// <summary>
    /// Device memory cuBLAS and cuSOLVER may take on their own during a batch [bytes]: cuBLAS's default workspace
    /// is 4 MiB per handle before Hopper and 32 MiB from sm_90 on; cuSOLVER's handle keeps a few MiB more.
    /// </summary>
    public long LibraryReserveBytes => (Info.ComputeCapability >= 90 ? 32L : 4L) * 1024 * 1024 + 16L * 1024 * 1024;

    /// <summary>Shared memory one block may use on this GPU with the opt-in [bytes] (what bounds the batched kernels' n).</summary>
    public int SharedBytesPerBlock => _sharedPerBlock;

    /// <summary>Kernel files loaded from the disk cache / compiled now, and the cache's warnings.</summary>
    public (int FromCache, int Compiled, IReadOnlyList<string> Warnings) KernelLoad { get; private set; }

    /// <summary>
    /// Opens GPU <paramref name="ordinal"/>: retains its primary context, creates the stream and the cuBLAS and
    /// cuSOLVER handles, and loads the kernels (compiled with <paramref name="compiler"/> unless in <paramref name="cache"/>).
    /// Throws <see cref="CudaException"/> on any CUDA failure and <see cref="InvalidOperationException"/> when a
    /// library is missing (check <see cref="CudaProbe"/> first).
    /// </summary>
    public static CudaDevice Open(int ordinal, KernelCache cache, IKernelCompiler compiler)
        => Open(ordinal, cache, compiler, BlockEigensolvers.Kernel);

    /// <summary>
    /// As <see cref="Open(int, KernelCache, IKernelCompiler)"/>, with <paramref name="kernelEigensolver"/> as the
    /// batched eigensolver used when cuSOLVER has no cusolverDnXsyevBatched (null: none).
    /// </summary>
    public static CudaDevice Open(int ordinal, KernelCache cache, IKernelCompiler compiler, IBlockEigensolver? kernelEigensolver)
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
        var gpu = new CudaDevice(driver, cublas, cusolver, device, info, kernelEigensolver);
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
        IntPtr stagingFree;
        _driver.Check(_driver.cuEventCreate(&stagingFree, EventDisableTiming), "cuEventCreate");
        _stagingFree = stagingFree;
        _uploads = new PinnedUploads(new UploadQueue(this));
        int shared;
        _driver.Check(_driver.cuDeviceGetAttribute(&shared, CudaDriver.AttributeMaxSharedPerBlockOptIn, _device), "cuDeviceGetAttribute");
        _sharedPerBlock = shared;
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
    internal void MakeCurrent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _driver.Check(_driver.cuCtxSetCurrent(_context), "cuCtxSetCurrent");
    }

    /// <summary>cuSOLVER's dense handle (its calls queue on this device's stream), its library and version, for <see cref="CusolverEigenRoutines"/>.</summary>
    internal (IntPtr Handle, LoadedLibrary Library, string Version) Solver
    {
        get
        {
            MakeCurrent();
            return (_solver, _cusolver.Library, _cusolver.Version);
        }
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
    /// <remarks>Through pinned staging memory (<see cref="PinnedUploads"/>): the copy stays asynchronous.</remarks>
    public void Upload<T>(ReadOnlySpan<T> source, DevicePointer destination) where T : unmanaged
    {
        MakeCurrent();
        _uploads!.Upload(source, destination);
    }

    /// <summary>The driver calls behind <see cref="PinnedUploads"/>, on this device's stream.</summary>
    private sealed class UploadQueue(CudaDevice device) : IUploadQueue
    {
        public void* AllocatePinned(nuint bytes)
        {
            void* pinned;
            device._driver.Check(device._driver.cuMemAllocHost_v2(&pinned, bytes), $"cuMemAllocHost_v2({bytes} bytes)");
            return pinned;
        }

        public void FreePinned(void* pointer) => device._driver.Check(device._driver.cuMemFreeHost(pointer), "cuMemFreeHost");

        public void CopyAsync(ulong destination, void* source, nuint bytes) =>
            device._driver.Check(device._driver.cuMemcpyHtoDAsync_v2(destination, source, bytes, device._stream), "cuMemcpyHtoDAsync_v2");

        public void RecordCopied() => device._driver.Check(device._driver.cuEventRecord(device._stagingFree, device._stream), "cuEventRecord (staging)");

        public void WaitCopied() => device._driver.Check(device._driver.cuEventSynchronize(device._stagingFree), "cuEventSynchronize (staging)");
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
    public IntPtr AllocateHost(long bytes)
    {
        MakeCurrent();
        void* pinned;
        _driver.Check(_driver.cuMemAllocHost_v2(&pinned, (nuint)Math.Max(1, bytes)), $"cuMemAllocHost_v2({bytes} bytes)");
        return (IntPtr)pinned;
    }

    /// <inheritdoc />
    public void FreeHost(IntPtr pointer)
    {
        if (pointer == IntPtr.Zero)
        {
            return;
        }
        MakeCurrent();
        _driver.Check(_driver.cuMemFreeHost((void*)pointer), "cuMemFreeHost");
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
        BlockEigenMethod method = BlockEigensolvers.Choose(_capabilities, n, _kernelEigensolver, _sharedPerBlock);
        if (!_eigenMethodsUsed.Contains(method))
        {
            _eigenMethodsUsed.Add(method);
        }
        switch (method)
        {
            case BlockEigenMethod.XsyevBatched:
                XsyevBatched(n, matrices, eigenvalues, info, count);
                return;
            case BlockEigenMethod.Kernel:
                _kernelEigensolver!.Decompose(this, n, matrices, eigenvalues, info, count);
                return;
            case BlockEigenMethod.SyevjBatched:
                SyevjBatched(n, matrices, eigenvalues, info, count);
                return;
            case BlockEigenMethod.SyevdLoop:
                SyevdLoop(n, matrices, eigenvalues, info, count);
                return;
            default:
                throw new InvalidOperationException($"this cuSOLVER has no eigensolver usable for {n} × {n} matrices");
        }
    }

    /// <inheritdoc />
    public long EigenWorkspaceBytes(int n, int count)
    {
        if (count == 0)
        {
            return 0;
        }
        BlockEigenMethod method = BlockEigensolvers.Choose(_capabilities, n, _kernelEigensolver, _sharedPerBlock);
        MakeCurrent();
        switch (method)
        {
            case BlockEigenMethod.XsyevBatched:
                {
                    // The size query reads only the sizes and types, not the matrices.
                    nuint deviceBytes, hostBytes;
                    _cusolver.Check(_cusolver.cusolverDnXsyevBatched_bufferSize(_solver, _solverParams, Cusolver.EigenModeVector, Cublas.FillLower, n,
                        Cusolver.DataTypeDouble, 0, n, Cusolver.DataTypeDouble, 0, Cusolver.DataTypeDouble,
                        &deviceBytes, &hostBytes, count), "cusolverDnXsyevBatched_bufferSize");
                    return Math.Max(0, (long)deviceBytes - _workspaceBytes);
                }
            case BlockEigenMethod.Kernel:
                return _kernelEigensolver!.WorkspaceBytes(n, count);
            case BlockEigenMethod.SyevjBatched:
                {
                    int lwork;
                    _cusolver.Check(_cusolver.cusolverDnDsyevjBatched_bufferSize(_solver, Cusolver.EigenModeVector, Cublas.FillLower, n, 0, n,
                        0, &lwork, _syevjInfo, count), "cusolverDnDsyevjBatched_bufferSize");
                    return Math.Max(0, (long)lwork * sizeof(double) - _workspaceBytes);
                }
            case BlockEigenMethod.SyevdLoop:
                {
                    int lwork;
                    _cusolver.Check(_cusolver.cusolverDnDsyevd_bufferSize(_solver, Cusolver.EigenModeVector, Cublas.FillLower, n, 0, n, 0, &lwork),
                        "cusolverDnDsyevd_bufferSize");
                    return Math.Max(0, (long)lwork * sizeof(double) - _workspaceBytes);
                }
            default:
                return 0;
        }
    }

    private void XsyevBatched(int n, DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count)
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
    }

    private void SyevjBatched(int n, DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count)
    {
        int lwork;
        _cusolver.Check(_cusolver.cusolverDnDsyevjBatched_bufferSize(_solver, Cusolver.EigenModeVector, Cublas.FillLower, n, matrices.Address, n,
            eigenvalues.Address, &lwork, _syevjInfo, count), "cusolverDnDsyevjBatched_bufferSize");
        DevicePointer work = Workspace((long)lwork * sizeof(double));
        _cusolver.Check(_cusolver.cusolverDnDsyevjBatched(_solver, Cusolver.EigenModeVector, Cublas.FillLower, n, matrices.Address, n,
            eigenvalues.Address, work.Address, lwork, info.Address, _syevjInfo, count), "cusolverDnDsyevjBatched");
    }

    /// <summary>One cusolverDnDsyevd per matrix: only when no batched method handles n (see <see cref="BlockEigensolvers"/>).</summary>
    private void SyevdLoop(int n, DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count)
    {
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
            try
            {
                _uploads?.Dispose();
            }
            catch (CudaException)
            {
                // A failed device may refuse to wait or free; the pinned buffer goes with the process.
            }
            if (_stagingFree != IntPtr.Zero)
            {
                _driver.cuEventDestroy_v2(_stagingFree);
            }
            _driver.cuDevicePrimaryCtxRelease_v2(_device);
        }
        NativeMemory.Free(_hostWorkspace);
        _hostWorkspace = null;
        _disposed = true;
    }
}
