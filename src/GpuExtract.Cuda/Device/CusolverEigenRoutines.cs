using System.Runtime.InteropServices;
using GpuExtract.Cuda.Native;

namespace GpuExtract.Cuda.Device;

/// <summary>
/// cuSOLVER's three dense eigensolvers on one <see cref="CudaDevice"/>, each in float64 and float32, called one
/// at a time rather than chosen for the pipeline (that is <see cref="BlockEigensolvers"/>): syevd once per matrix,
/// syevjBatched, and XsyevBatched. A batch is <c>count</c> n × n matrices one after the other (column-major,
/// leading dimension n, lower triangle read); eigenvectors overwrite them, ascending eigenvalues follow (n per
/// matrix), one info int per matrix. Every call is queued on the device's stream through its cuSOLVER handle; the
/// caller synchronises. A routine whose entry points the installed cuSOLVER lacks is reported by
/// <see cref="Unsupported"/> and never called.
/// </summary>
public sealed unsafe class CusolverEigenRoutines : IDisposable
{
    /// <summary>cusolverDnDsyevjBatched / SsyevjBatched accept n ≤ 32 only (cuSOLVER documentation).</summary>
    public const int SyevjBatchedMaxN = 32;

    /// <summary>syevj's sweep limit: cuSOLVER's documented default, set explicitly so that the study states it.</summary>
    public const int SyevjMaxSweeps = 100;

    private readonly CusolverEigenEntryPoints _entry;
    private readonly IntPtr _solver;
    private readonly IComputeDevice? _device;
    private readonly Action _makeCurrent;
    private IntPtr _syevjInfo;
    private IntPtr _params;
    private DevicePointer _workspace;
    private long _workspaceBytes;
    private void* _hostWorkspace;
    private nuint _hostWorkspaceBytes;
    private bool _disposed;

    internal CusolverEigenRoutines(CusolverEigenEntryPoints entry, IntPtr solver, IComputeDevice? device, Action makeCurrent, string version)
    {
        _entry = entry;
        _solver = solver;
        _device = device;
        _makeCurrent = makeCurrent;
        Version = version;
    }

    /// <summary>The routines of <paramref name="device"/>'s cuSOLVER, on its handle and stream.</summary>
    public static CusolverEigenRoutines For(CudaDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        (IntPtr handle, LoadedLibrary library, string version) = device.Solver;
        return new CusolverEigenRoutines(new CusolverEigenEntryPoints(library), handle, device, device.MakeCurrent, version);
    }

    /// <summary>The cuSOLVER version, "major.minor.patch".</summary>
    public string Version { get; }

    /// <summary>The entry points <paramref name="method"/> calls, e.g. "cusolverDnSsyevd".</summary>
    public static string Routine(BlockEigenMethod method, bool single) => method switch
    {
        BlockEigenMethod.SyevdLoop => single ? "cusolverDnSsyevd" : "cusolverDnDsyevd",
        BlockEigenMethod.SyevjBatched => single ? "cusolverDnSsyevjBatched" : "cusolverDnDsyevjBatched",
        BlockEigenMethod.XsyevBatched => single ? "cusolverDnXsyevBatched (CUDA_R_32F)" : "cusolverDnXsyevBatched (CUDA_R_64F)",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "not a cuSOLVER eigensolver"),
    };

    /// <summary>Null when this cuSOLVER exports what <paramref name="method"/> needs in that precision; else "unsupported: &lt;symbol&gt; missing …".</summary>
    public string? Unsupported(BlockEigenMethod method, bool single) => _entry.Missing(method, single);

    /// <summary>Largest n <paramref name="method"/> accepts.</summary>
    public static int MaxN(BlockEigenMethod method) => method == BlockEigenMethod.SyevjBatched ? SyevjBatchedMaxN : int.MaxValue;

    /// <summary>Device workspace <paramref name="method"/> asks for, for <paramref name="count"/> n × n matrices [bytes] (0 when unsupported).</summary>
    public long WorkspaceBytes(BlockEigenMethod method, bool single, int n, int count)
    {
        if (Unsupported(method, single) is not null || count == 0)
        {
            return 0;
        }
        _makeCurrent();
        return method switch
        {
            BlockEigenMethod.SyevdLoop => SyevdWork(single, n, DevicePointer.Null, DevicePointer.Null) * (long)Element(single),
            BlockEigenMethod.SyevjBatched => SyevjWork(single, n, DevicePointer.Null, DevicePointer.Null, count) * (long)Element(single),
            _ => (long)XsyevWork(single, n, DevicePointer.Null, DevicePointer.Null, count).Device,
        };
    }

    /// <summary>Queues the decomposition of the batch (see the type's summary for the layout).</summary>
    /// <exception cref="NotSupportedException">The routine is missing from this cuSOLVER, or n is too large for it.</exception>
    public void Decompose(BlockEigenMethod method, bool single, int n, DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Unsupported(method, single) is string why)
        {
            throw new NotSupportedException($"{Routine(method, single)}: {why}");
        }
        if (n > MaxN(method))
        {
            throw new NotSupportedException($"{Routine(method, single)} takes n <= {MaxN(method)}, not {n}");
        }
        if (count == 0)
        {
            return;
        }
        _makeCurrent();
        switch (method)
        {
            case BlockEigenMethod.SyevdLoop:
                SyevdLoop(single, n, matrices, eigenvalues, info, count);
                return;
            case BlockEigenMethod.SyevjBatched:
                SyevjBatched(single, n, matrices, eigenvalues, info, count);
                return;
            default:
                XsyevBatched(single, n, matrices, eigenvalues, info, count);
                return;
        }
    }

    private static int Element(bool single) => single ? sizeof(float) : sizeof(double);

    private int SyevdWork(bool single, int n, DevicePointer a, DevicePointer w)
    {
        int lwork;
        Check(single
            ? _entry.cusolverDnSsyevd_bufferSize(_solver, Cusolver.EigenModeVector, Cublas.FillLower, n, a.Address, n, w.Address, &lwork)
            : _entry.cusolverDnDsyevd_bufferSize(_solver, Cusolver.EigenModeVector, Cublas.FillLower, n, a.Address, n, w.Address, &lwork),
            single ? "cusolverDnSsyevd_bufferSize" : "cusolverDnDsyevd_bufferSize");
        return lwork;
    }

    /// <summary>One syevd call per matrix, on one workspace: the loop a caller without a batched routine writes.</summary>
    private void SyevdLoop(bool single, int n, DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count)
    {
        int lwork = SyevdWork(single, n, matrices, eigenvalues);
        int element = Element(single);
        DevicePointer work = Workspace((long)lwork * element);
        long matrixBytes = (long)n * n * element, vectorBytes = (long)n * element;
        for (int i = 0; i < count; i++)
        {
            ulong a = matrices.Offset(i * matrixBytes).Address, w = eigenvalues.Offset(i * vectorBytes).Address, status = info.Offset((long)i * sizeof(int)).Address;
            Check(single
                ? _entry.cusolverDnSsyevd(_solver, Cusolver.EigenModeVector, Cublas.FillLower, n, a, n, w, work.Address, lwork, status)
                : _entry.cusolverDnDsyevd(_solver, Cusolver.EigenModeVector, Cublas.FillLower, n, a, n, w, work.Address, lwork, status),
                single ? "cusolverDnSsyevd" : "cusolverDnDsyevd");
        }
    }

    /// <summary>
    /// The syevjInfo_t, its tolerance set to the unit roundoff of the precision (2⁻⁵³ or 2⁻²⁴, cuSOLVER's default
    /// "machine accuracy" made explicit) and <see cref="SyevjMaxSweeps"/> sweeps.
    /// </summary>
    private IntPtr SyevjInfo(bool single)
    {
        if (_syevjInfo == IntPtr.Zero)
        {
            IntPtr created;
            Check(_entry.cusolverDnCreateSyevjInfo(&created), "cusolverDnCreateSyevjInfo");
            _syevjInfo = created;
            Check(_entry.cusolverDnXsyevjSetMaxSweeps(_syevjInfo, SyevjMaxSweeps), "cusolverDnXsyevjSetMaxSweeps");
        }
        Check(_entry.cusolverDnXsyevjSetTolerance(_syevjInfo, single ? Math.ScaleB(1.0, -24) : Math.ScaleB(1.0, -53)), "cusolverDnXsyevjSetTolerance");
        return _syevjInfo;
    }

    private int SyevjWork(bool single, int n, DevicePointer a, DevicePointer w, int count)
    {
        IntPtr parameters = SyevjInfo(single);
        int lwork;
        Check(single
            ? _entry.cusolverDnSsyevjBatched_bufferSize(_solver, Cusolver.EigenModeVector, Cublas.FillLower, n, a.Address, n, w.Address, &lwork, parameters, count)
            : _entry.cusolverDnDsyevjBatched_bufferSize(_solver, Cusolver.EigenModeVector, Cublas.FillLower, n, a.Address, n, w.Address, &lwork, parameters, count),
            single ? "cusolverDnSsyevjBatched_bufferSize" : "cusolverDnDsyevjBatched_bufferSize");
        return lwork;
    }

    private void SyevjBatched(bool single, int n, DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count)
    {
        int lwork = SyevjWork(single, n, matrices, eigenvalues, count);
        DevicePointer work = Workspace((long)lwork * Element(single));
        Check(single
            ? _entry.cusolverDnSsyevjBatched(_solver, Cusolver.EigenModeVector, Cublas.FillLower, n, matrices.Address, n, eigenvalues.Address,
                work.Address, lwork, info.Address, _syevjInfo, count)
            : _entry.cusolverDnDsyevjBatched(_solver, Cusolver.EigenModeVector, Cublas.FillLower, n, matrices.Address, n, eigenvalues.Address,
                work.Address, lwork, info.Address, _syevjInfo, count),
            single ? "cusolverDnSsyevjBatched" : "cusolverDnDsyevjBatched");
    }

    private (nuint Device, nuint Host) XsyevWork(bool single, int n, DevicePointer a, DevicePointer w, int count)
    {
        if (_params == IntPtr.Zero)
        {
            IntPtr created;
            Check(_entry.cusolverDnCreateParams(&created), "cusolverDnCreateParams");
            _params = created;
        }
        int type = single ? CusolverEigenEntryPoints.DataTypeSingle : Cusolver.DataTypeDouble;
        nuint deviceBytes, hostBytes;
        Check(_entry.cusolverDnXsyevBatched_bufferSize(_solver, _params, Cusolver.EigenModeVector, Cublas.FillLower, n, type, a.Address, n, type,
            w.Address, type, &deviceBytes, &hostBytes, count), "cusolverDnXsyevBatched_bufferSize");
        return (deviceBytes, hostBytes);
    }

    private void XsyevBatched(bool single, int n, DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count)
    {
        (nuint deviceBytes, nuint hostBytes) = XsyevWork(single, n, matrices, eigenvalues, count);
        DevicePointer work = Workspace((long)deviceBytes);
        void* host = HostWorkspace(hostBytes);
        int type = single ? CusolverEigenEntryPoints.DataTypeSingle : Cusolver.DataTypeDouble;
        Check(_entry.cusolverDnXsyevBatched(_solver, _params, Cusolver.EigenModeVector, Cublas.FillLower, n, type, matrices.Address, n, type,
            eigenvalues.Address, type, work.Address, deviceBytes, host, hostBytes, info.Address, count), "cusolverDnXsyevBatched");
    }

    /// <summary>The device workspace, grown as needed and kept between calls (growing waits for queued work that may use it).</summary>
    private DevicePointer Workspace(long bytes)
    {
        if (bytes > _workspaceBytes)
        {
            IComputeDevice device = _device ?? throw new InvalidOperationException("no device for the cuSOLVER workspace");
            device.Synchronize("cuSOLVER eigensolver workspace");
            device.Free(_workspace);
            _workspace = DevicePointer.Null;
            _workspaceBytes = 0;
            _workspace = device.Allocate(bytes);
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

    private static void Check(int status, string call)
    {
        if (status != 0)
        {
            throw new CudaException("cusolver", call, status, CudaStatusNames.Cusolver(status));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        // Best effort: the device may already have failed; nothing here may throw.
        try
        {
            if (_syevjInfo != IntPtr.Zero || _params != IntPtr.Zero || !_workspace.IsNull)
            {
                _makeCurrent();
                _device?.Synchronize("cuSOLVER eigensolvers (release)");
            }
            _device?.Free(_workspace);
        }
        catch (Exception e) when (e is CudaException or ObjectDisposedException)
        {
        }
        if (_syevjInfo != IntPtr.Zero)
        {
            _entry.cusolverDnDestroySyevjInfo(_syevjInfo);
        }
        if (_params != IntPtr.Zero)
        {
            _entry.cusolverDnDestroyParams(_params);
        }
        NativeMemory.Free(_hostWorkspace);
        _hostWorkspace = null;
        _workspace = DevicePointer.Null;
    }
}
