using System.Runtime.InteropServices;
using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Cuda.Device;
using GpuExtract.Cuda.Native;

namespace GpuExtract.Cuda.Tests.Emulation;

/// <summary>
/// <see cref="IComputeDevice"/> on the host, for testing the device pipeline without a GPU: "device" memory is
/// host memory (addresses are real pointers), kernels run in the C++ emulation of the CUDA model
/// (<see cref="KernelEmulator"/>), and the cuBLAS/cuSOLVER calls are implemented here from their documented
/// semantics (column-major, lower triangle, pointer arrays), the eigensolver through the CPU backend's LAPACK.
/// Every buffer has guard bytes on both sides that are checked after each call, so a kernel that writes
/// outside its buffers fails the test instead of corrupting memory silently. Faults can be injected: a memory
/// limit, a largest allocation, a launch that fails like a crashed kernel, Cholesky failures.
/// </summary>
internal sealed unsafe class EmulatedDevice : IComputeDevice
{
    private const int Guard = 256;
    private const byte GuardByte = 0xA5;

    private readonly Dictionary<ulong, (IntPtr Base, long Bytes)> _buffers = [];
    private readonly HashSet<IntPtr> _hostBuffers = [];
    private readonly ILapack _lapack = LapackProvider.CreateFactory(LapackChoice.Auto, out _)();
    private int _launches;
    private DevicePointer _workspace;
    private DevicePointer _libraryReserve;
    private long _workspaceBytes;
    private int _matricesFactored;

    /// <summary>Device memory the emulation pretends to have [bytes].</summary>
    public long MemoryLimit { get; init; } = 8L << 30;

    /// <summary>
    /// Once evaluate_spots has run (the frame is on the device), allocations larger than this fail with
    /// CUDA_ERROR_OUT_OF_MEMORY, as on a fragmented device [bytes].
    /// </summary>
    public long LargestAllocationAfterSpots { get; set; } = long.MaxValue;

    /// <summary>The launch (0-based count over the device's life) that fails with CUDA_ERROR_ILLEGAL_ADDRESS; null: none.</summary>
    public int? FailingLaunch { get; set; }

    /// <summary>Matrices (counted over all potrfBatched calls, 0-based) whose factorisation reports failure.</summary>
    public HashSet<int> FailingCholesky { get; } = [];

    /// <summary>Device allocations made so far (cuMemAlloc calls that succeeded).</summary>
    public int Allocations { get; private set; }

    /// <summary>Bytes allocated now.</summary>
    public long Used { get; private set; }

    /// <summary>Largest <see cref="Used"/> seen.</summary>
    public long PeakUsed { get; private set; }

    /// <summary>Host seconds the emulated launches took so far, by kernel name (for sizing tests).</summary>
    public Dictionary<string, double> LaunchSeconds { get; } = new(StringComparer.Ordinal);

    /// <summary>Kernel launches so far, by name.</summary>
    public Dictionary<string, int> LaunchCounts { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The cuSOLVER eigensolvers the emulated device pretends to have (default: all, so cusolverDnXsyevBatched).
    /// The cuSOLVER methods are emulated with LAPACK; the choice among them is <see cref="BlockEigensolvers.Choose"/>, as on the GPU.
    /// </summary>
    public CudaCapabilities Capabilities { get; init; } = new(XsyevBatched: true, SyevjBatched: true, Syevd: true, PotrfBatched: true);

    /// <summary>Our batched eigensolver kernel as the emulated device would get it (null: none).</summary>
    public IBlockEigensolver? KernelEigensolver { get; init; }

    /// <summary>Shared memory per block the emulated device offers [bytes] (an H100's opt-in limit).</summary>
    public int SharedBytesPerBlock { get; init; } = 227 * 1024;

    /// <summary>cusolverDnDsyevd calls made one matrix at a time (the slow path).</summary>
    public int SyevdLoopMatrices { get; private set; }

    /// <summary>Eigensolver methods used, in order of first use.</summary>
    public List<BlockEigenMethod> EigenMethodsUsed { get; } = [];

    /// <summary>
    /// Device memory the emulated libraries take for themselves [bytes]: allocated at the first Cholesky, as cuBLAS
    /// and cuSOLVER allocate their workspaces on first use, and kept until the device is disposed.
    /// </summary>
    public long LibraryReserveBytes { get; init; }

    /// <summary>Bytes allocated when evaluate_spots had run (the frame on the device), or null before.</summary>
    public long? UsedAfterSpots { get; private set; }

    public string Description => "emulated GPU (host)";

    public string EigenMethod => EigenMethodsUsed.Count > 0
        ? string.Join(", ", EigenMethodsUsed.Select(m => BlockEigensolvers.Describe(m, KernelEigensolver)))
        : BlockEigensolvers.Describe(BlockEigensolvers.Choose(Capabilities, BlockEigensolvers.SyevjBatchedMaxN + 1, KernelEigensolver, SharedBytesPerBlock), KernelEigensolver);

    public long FreeMemory => MemoryLimit - Used;

    /// <summary>
    /// The emulated cusolverDnXsyevBatched's workspace: one n × n matrix per problem, as a stand-in for the
    /// library's (undocumented) size; it is allocated and kept like the real device's workspace.
    /// </summary>
    public long EigenWorkspaceBytes(int n, int count) => BlockEigensolvers.Choose(Capabilities, n, KernelEigensolver, SharedBytesPerBlock) switch
    {
        BlockEigenMethod.XsyevBatched => Math.Max(0, (long)count * n * n * sizeof(double) - _workspaceBytes),
        BlockEigenMethod.Kernel => KernelEigensolver!.WorkspaceBytes(n, count),
        _ => 0,
    };

    public DevicePointer Allocate(long bytes)
    {
        bytes = Math.Max(bytes, 1);
        if ((bytes > LargestAllocationAfterSpots && LaunchCounts.ContainsKey("evaluate_spots")) || Used + bytes > MemoryLimit)
        {
            throw new CudaException("driver", $"cuMemAlloc_v2({bytes} bytes)", CudaException.DriverOutOfMemory, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory (emulated)");
        }
        Allocations++;
        var block = (byte*)NativeMemory.AlignedAlloc((nuint)(bytes + 2 * Guard), 64);
        new Span<byte>(block, Guard).Fill(GuardByte);
        new Span<byte>(block + Guard + bytes, Guard).Fill(GuardByte);
        // Fresh device memory holds whatever was there: NaN bytes make a read of unwritten memory visible.
        NativeMemory.Fill(block + Guard, (nuint)bytes, 0xFF);
        ulong address = (ulong)(block + Guard);
        _buffers[address] = ((IntPtr)block, bytes);
        Used += bytes;
        PeakUsed = Math.Max(PeakUsed, Used);
        return new DevicePointer(address);
    }

    public void Free(DevicePointer pointer)
    {
        if (pointer.IsNull)
        {
            return;
        }
        if (!_buffers.Remove(pointer.Address, out var buffer))
        {
            throw new InvalidOperationException($"Free of {pointer}, which is not an allocation");
        }
        CheckGuards(pointer.Address, buffer, "free");
        NativeMemory.AlignedFree((void*)buffer.Base);
        Used -= buffer.Bytes;
    }

    /// <summary>Page-locked host buffers handed out and not yet freed.</summary>
    public int HostBuffers => _hostBuffers.Count;

    public IntPtr AllocateHost(long bytes)
    {
        var pointer = (IntPtr)NativeMemory.AlignedAlloc((nuint)Math.Max(1, bytes), 64);
        _hostBuffers.Add(pointer);
        return pointer;
    }

    public void FreeHost(IntPtr pointer)
    {
        if (pointer == IntPtr.Zero)
        {
            return;
        }
        if (!_hostBuffers.Remove(pointer))
        {
            throw new InvalidOperationException($"FreeHost of 0x{pointer:x}, which is not a host allocation");
        }
        NativeMemory.AlignedFree((void*)pointer);
    }

    public void Upload<T>(ReadOnlySpan<T> source, DevicePointer destination) where T : unmanaged
    {
        RequireInside(destination, (long)source.Length * sizeof(T), "Upload");
        source.CopyTo(new Span<T>((void*)destination.Address, source.Length));
    }

    public void Download<T>(DevicePointer source, Span<T> destination) where T : unmanaged
    {
        RequireInside(source, (long)destination.Length * sizeof(T), "Download");
        new ReadOnlySpan<T>((void*)source.Address, destination.Length).CopyTo(destination);
    }

    public void Copy(DevicePointer source, DevicePointer destination, long bytes)
    {
        RequireInside(source, bytes, "Copy source");
        RequireInside(destination, bytes, "Copy destination");
        Buffer.MemoryCopy((void*)source.Address, (void*)destination.Address, bytes, bytes);
    }

    public void Clear(DevicePointer pointer, long bytes)
    {
        RequireInside(pointer, bytes, "Clear");
        NativeMemory.Clear((void*)pointer.Address, (nuint)bytes);
    }

    public void Launch(string kernel, Dim3 grid, Dim3 block, int sharedBytes, KernelArguments arguments)
    {
        string? unavailable = KernelEmulator.Unavailable;
        if (unavailable is not null)
        {
            throw new InvalidOperationException(unavailable);
        }
        if (_launches++ == FailingLaunch)
        {
            throw new CudaException("driver", $"cuLaunchKernel({kernel})", 700, "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered (injected)");
        }
        // The limits a real launch checks.
        if (grid.X < 1 || grid.Y is < 1 or > 65535 || grid.Z is < 1 or > 65535 || block.X * block.Y * block.Z is < 1 or > 1024 || sharedBytes is < 0 or > 227 * 1024)
        {
            throw new CudaException("driver", $"cuLaunchKernel({kernel})", 1, "CUDA_ERROR_INVALID_VALUE", $"grid {grid}, block {block}, shared {sharedBytes} (emulated)");
        }
        LaunchCounts[kernel] = LaunchCounts.GetValueOrDefault(kernel) + 1;
        ReadOnlySpan<long> slots = arguments.Slots;
        if (kernel == "band_cholesky_solve")
        {
            InjectBandCholeskyFailures(slots, grid.X);
        }
        void** parameters = stackalloc void*[Math.Max(1, slots.Length)];
        IntPtr name = Marshal.StringToCoTaskMemUTF8(kernel);
        try
        {
            fixed (long* values = slots)
            {
                for (int i = 0; i < slots.Length; i++)
                {
                    parameters[i] = values + i;
                }
                long started = System.Diagnostics.Stopwatch.GetTimestamp();
                int result = KernelEmulator.Launch((byte*)name, (uint)grid.X, (uint)grid.Y, (uint)grid.Z, (uint)block.X, (uint)block.Y, (uint)block.Z,
                    (uint)sharedBytes, parameters);
                LaunchSeconds[kernel] = LaunchSeconds.GetValueOrDefault(kernel) + System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
                if (result != 0)
                {
                    throw new InvalidOperationException($"emulated launch of {kernel} failed: {Marshal.PtrToStringUTF8(KernelEmulator.LastError())}");
                }
            }
        }
        finally
        {
            Marshal.FreeCoTaskMem(name);
        }
        CheckAllGuards(kernel);
        if (kernel == "evaluate_spots")
        {
            UsedAfterSpots = Used;
        }
    }

    public void Synchronize(string label) => CheckAllGuards(label);

    public void CholeskyFactorBatched(int n, DevicePointer matrices, DevicePointer info, int count)
    {
        if (LibraryReserveBytes > 0 && _libraryReserve.IsNull)
        {
            _libraryReserve = Allocate(LibraryReserveBytes);
        }
        RequireInside(matrices, (long)count * sizeof(ulong), "potrfBatched Aarray");
        RequireInside(info, (long)count * sizeof(int), "potrfBatched info");
        for (int b = 0; b < count; b++)
        {
            double* a = Matrix(matrices, b, (long)n * n, "potrfBatched A");
            int result = Potrf(a, n);
            if (FailingCholesky.Contains(_matricesFactored++))
            {
                result = 1;
            }
            ((int*)info.Address)[b] = result;
        }
        CheckAllGuards("potrfBatched");
    }

    /// <summary>
    /// <see cref="FailingCholesky"/> for the band solver: the first pivot of each chosen band is made negative before
    /// band_cholesky_solve runs (arguments N, NW, KD, bandwidth, band, …; one patch per block), so the kernel's own
    /// failure path is what runs. Matrices are counted over both solvers' factorisations.
    /// </summary>
    private void InjectBandCholeskyFailures(ReadOnlySpan<long> slots, int patches)
    {
        int n = (int)slots[0], kd = (int)slots[2];
        var band = (double*)slots[4];
        for (int p = 0; p < patches; p++)
        {
            if (FailingCholesky.Contains(_matricesFactored++))
            {
                band[(long)p * n * (kd + 1) + kd] = -1.0;
            }
        }
    }

    public void CholeskySolveBatched(int n, DevicePointer factors, DevicePointer vectors, DevicePointer scratch, int count)
    {
        RequireInside(scratch, sizeof(int), "potrsBatched info");
        for (int b = 0; b < count; b++)
        {
            double* l = Matrix(factors, b, (long)n * n, "potrsBatched A");
            double* x = Matrix(vectors, b, n, "potrsBatched B");
            ForwardSubstitution(l, n, x);
            for (int i = n - 1; i >= 0; i--)
            {
                double sum = x[i];
                for (int k = i + 1; k < n; k++)
                {
                    sum -= l[i * (long)n + k] * x[k]; // Lᵀ[i, k] = L[k, i] at k + i·n
                }
                x[i] = sum / l[i * (long)n + i];
            }
        }
        *(int*)scratch.Address = 0;
        CheckAllGuards("potrsBatched");
    }

    public void LowerTriangularSolveBatched(int n, DevicePointer factors, DevicePointer rightHandSides, int count)
    {
        for (int b = 0; b < count; b++)
        {
            double* l = Matrix(factors, b, (long)n * n, "trsmBatched A");
            double* x = Matrix(rightHandSides, b, (long)n * n, "trsmBatched B");
            for (int c = 0; c < n; c++)
            {
                ForwardSubstitution(l, n, x + (long)c * n);
            }
        }
        CheckAllGuards("trsmBatched");
    }

    public void GramBatched(int m, int k, int lda, DevicePointer matrices, DevicePointer products, int count)
    {
        for (int b = 0; b < count; b++)
        {
            double* a = Matrix(matrices, b, (long)(m - 1) * lda + k, "gemmBatched A");
            double* c = Matrix(products, b, (long)m * m, "gemmBatched C");
            for (int j = 0; j < m; j++)
            {
                for (int i = 0; i < m; i++)
                {
                    double sum = 0;
                    for (int l = 0; l < k; l++)
                    {
                        sum += a[(long)i * lda + l] * a[(long)j * lda + l];
                    }
                    c[(long)j * m + i] = sum;
                }
            }
        }
        CheckAllGuards("gemmBatched");
    }

    public void SymmetricEigenBatched(int n, DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count)
    {
        if (count == 0)
        {
            return;
        }
        BlockEigenMethod method = BlockEigensolvers.Choose(Capabilities, n, KernelEigensolver, SharedBytesPerBlock);
        if (!EigenMethodsUsed.Contains(method))
        {
            EigenMethodsUsed.Add(method);
        }
        switch (method)
        {
            case BlockEigenMethod.Kernel:
                KernelEigensolver!.Decompose(this, n, matrices, eigenvalues, info, count);
                return;
            case BlockEigenMethod.XsyevBatched:
                {
                    long bytes = (long)count * n * n * sizeof(double);
                    if (bytes > _workspaceBytes)
                    {
                        Free(_workspace);
                        _workspace = DevicePointer.Null;
                        _workspaceBytes = 0;
                        _workspace = Allocate(bytes);
                        _workspaceBytes = bytes;
                    }
                    break;
                }
            case BlockEigenMethod.SyevdLoop:
                SyevdLoopMatrices += count;
                break;
            case BlockEigenMethod.None:
                throw new InvalidOperationException($"no eigensolver for {n} × {n} (emulated capabilities)");
        }
        LapackEigen(n, matrices, eigenvalues, info, count);
    }

    /// <summary>What a cuSOLVER eigensolver computes, by LAPACK on the host.</summary>
    public void LapackEigen(int n, DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count)
    {
        RequireInside(matrices, (long)count * n * n * sizeof(double), "syevBatched A");
        RequireInside(eigenvalues, (long)count * n * sizeof(double), "syevBatched W");
        RequireInside(info, (long)count * sizeof(int), "syevBatched info");
        var work = new double[n * n];
        var values = new double[n];
        for (int b = 0; b < count; b++)
        {
            double* a = (double*)matrices.Address + (long)b * n * n;
            // Only the lower triangle is read, as cuSOLVER does: A[i, j] (i ≥ j) at i + j·n.
            for (int j = 0; j < n; j++)
            {
                for (int i = j; i < n; i++)
                {
                    work[i * n + j] = work[j * n + i] = a[i + (long)j * n];
                }
            }
            _lapack.SymmetricEigen(work, n, values);
            // ILapack: eigenvector k in row-major column k, V[i, k] = work[i·n + k]; column-major out: i + k·n.
            for (int k = 0; k < n; k++)
            {
                for (int i = 0; i < n; i++)
                {
                    a[i + (long)k * n] = work[i * n + k];
                }
                ((double*)eigenvalues.Address)[(long)b * n + k] = values[k];
            }
            ((int*)info.Address)[b] = 0;
        }
        CheckAllGuards("syevBatched");
    }

    /// <summary>In-place Cholesky of a column-major matrix (lower); returns 0 or the 1-based order of the failing minor.</summary>
    private static int Potrf(double* a, int n)
    {
        for (int j = 0; j < n; j++)
        {
            double d = a[j + (long)j * n];
            for (int k = 0; k < j; k++)
            {
                d -= a[j + (long)k * n] * a[j + (long)k * n];
            }
            if (!(d > 0))
            {
                a[j + (long)j * n] = d;
                return j + 1;
            }
            double ljj = Math.Sqrt(d);
            a[j + (long)j * n] = ljj;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[i + (long)j * n];
                for (int k = 0; k < j; k++)
                {
                    s -= a[i + (long)k * n] * a[j + (long)k * n];
                }
                a[i + (long)j * n] = s / ljj;
            }
        }
        return 0;
    }

    /// <summary>x := L⁻¹·x for a column-major lower-triangular L.</summary>
    private static void ForwardSubstitution(double* l, int n, double* x)
    {
        for (int i = 0; i < n; i++)
        {
            double sum = x[i];
            for (int k = 0; k < i; k++)
            {
                sum -= l[i + (long)k * n] * x[k];
            }
            x[i] = sum / l[i + (long)i * n];
        }
    }

    /// <summary>Matrix b of a pointer array, checked to lie inside one allocation.</summary>
    private double* Matrix(DevicePointer array, int b, long values, string what)
    {
        RequireInside(array.Offset((long)b * sizeof(ulong)), sizeof(ulong), what + " pointer array");
        var pointer = new DevicePointer(((ulong*)array.Address)[b]);
        RequireInside(pointer, values * sizeof(double), what);
        return (double*)pointer.Address;
    }

    private void RequireInside(DevicePointer pointer, long bytes, string what)
    {
        foreach (var (address, buffer) in _buffers)
        {
            if (pointer.Address >= address && pointer.Address + (ulong)bytes <= address + (ulong)buffer.Bytes)
            {
                return;
            }
        }
        throw new InvalidOperationException($"{what}: {bytes} bytes at {pointer} are not inside one device allocation");
    }

    private void CheckAllGuards(string after)
    {
        foreach (var (address, buffer) in _buffers)
        {
            CheckGuards(address, buffer, after);
        }
    }

    private static void CheckGuards(ulong address, (IntPtr Base, long Bytes) buffer, string after)
    {
        var before = new ReadOnlySpan<byte>((void*)buffer.Base, Guard);
        var behind = new ReadOnlySpan<byte>((byte*)buffer.Base + Guard + buffer.Bytes, Guard);
        if (before.IndexOfAnyExcept(GuardByte) >= 0 || behind.IndexOfAnyExcept(GuardByte) >= 0)
        {
            throw new InvalidOperationException($"after {after}: memory around the {buffer.Bytes}-byte buffer at 0x{address:x} was overwritten");
        }
    }

    /// <summary>Bytes still allocated when the device was disposed (what its user forgot to free).</summary>
    public long LeakedBytes { get; private set; }

    /// <summary>Page-locked host buffers still held when the device was disposed.</summary>
    public int LeakedHostBuffers { get; private set; }

    public void Dispose()
    {
        if (!_workspace.IsNull)
        {
            Free(_workspace);
            _workspace = DevicePointer.Null;
        }
        if (!_libraryReserve.IsNull)
        {
            Free(_libraryReserve);
            _libraryReserve = DevicePointer.Null;
        }
        LeakedBytes = Used;
        LeakedHostBuffers = _hostBuffers.Count;
        foreach (IntPtr host in _hostBuffers)
        {
            NativeMemory.AlignedFree((void*)host);
        }
        _hostBuffers.Clear();
        foreach (var (_, buffer) in _buffers)
        {
            NativeMemory.AlignedFree((void*)buffer.Base);
        }
        _buffers.Clear();
        Used = 0;
        (_lapack as IDisposable)?.Dispose();
    }
}
