using GpuExtract.Cuda.Device;

namespace GpuExtract.EighStudy.Cuda;

/// <summary>
/// The eigh study's <see cref="ICusolverEigh"/> on a real GPU: each <see cref="CusolverEighRoutine"/> is the
/// matching <see cref="CusolverEigenRoutines"/> call (cuSOLVER through the device's handle and stream), float64
/// or float32 as the batch is. A routine the installed cuSOLVER lacks reports "unsupported: &lt;symbol&gt; missing".
/// </summary>
public sealed class CusolverEigh : ICusolverEigh, IDisposable
{
    private readonly CusolverEigenRoutines _routines;

    /// <param name="device">The GPU whose memory the batches are in.</param>
    /// <param name="routines">Its cuSOLVER eigensolvers (this object disposes them).</param>
    public CusolverEigh(IComputeDevice device, CusolverEigenRoutines routines)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(routines);
        Device = device;
        _routines = routines;
    }

    /// <summary>cuSOLVER's eigensolvers on <paramref name="device"/>.</summary>
    public static CusolverEigh For(CudaDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new CusolverEigh(device, CusolverEigenRoutines.For(device));
    }

    /// <inheritdoc />
    public IComputeDevice Device { get; }

    /// <summary>The pipeline's name for <paramref name="routine"/>.</summary>
    public static BlockEigenMethod Method(CusolverEighRoutine routine) => routine switch
    {
        CusolverEighRoutine.SyevdLoop => BlockEigenMethod.SyevdLoop,
        CusolverEighRoutine.SyevjBatched => BlockEigenMethod.SyevjBatched,
        CusolverEighRoutine.XsyevBatched => BlockEigenMethod.XsyevBatched,
        _ => throw new ArgumentOutOfRangeException(nameof(routine), routine, "unknown cuSOLVER routine"),
    };

    /// <inheritdoc />
    public string Describe(CusolverEighRoutine routine) =>
        $"{CusolverEigenRoutines.Routine(Method(routine), single: false)}/{CusolverEigenRoutines.Routine(Method(routine), single: true)} (cuSOLVER {_routines.Version})";

    /// <inheritdoc />
    public string? Unsupported(CusolverEighRoutine routine, EighPrecision precision) =>
        _routines.Unsupported(Method(routine), precision == EighPrecision.Single);

    /// <inheritdoc />
    public int MaxN(CusolverEighRoutine routine) => CusolverEigenRoutines.MaxN(Method(routine));

    /// <inheritdoc />
    public long WorkspaceBytes(CusolverEighRoutine routine, EighPrecision precision, int n, int count) =>
        _routines.WorkspaceBytes(Method(routine), precision == EighPrecision.Single, n, count);

    /// <inheritdoc />
    public void Decompose(CusolverEighRoutine routine, EighPrecision precision, int n, DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count) =>
        _routines.Decompose(Method(routine), precision == EighPrecision.Single, n, matrices, eigenvalues, info, count);

    /// <inheritdoc />
    public void Dispose() => _routines.Dispose();
}
