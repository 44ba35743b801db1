using System.Diagnostics;
using GpuExtract.Cuda.Device;

namespace GpuExtract.EighStudy.Cuda;

/// <summary>
/// Eigh of a batch on a GPU, for the eigh study: the batch is copied to the device, decomposed by one of the
/// <see cref="Methods"/> (three cuSOLVER routines through <see cref="ICusolverEigh"/>, or our batched Jacobi
/// kernel <see cref="JacobiBlockEigensolver"/>), and copied back. The time is the host's wall clock around the
/// solver call(s) and a stream synchronisation: launch overhead included, host↔device copies excluded.
/// </summary>
public sealed class CudaEighMethod : IEighMethod
{
    /// <summary>Our batched kernel's name in the study.</summary>
    public const string JacobiKernel = "cuda-jacobi-batched";

    /// <summary>The GPU methods, in the order they run: name and one line.</summary>
    public static readonly IReadOnlyList<(string Name, string Summary)> Methods =
    [
        ("cusolver-syevd", "cusolverDnDsyevd/Ssyevd, one matrix per call (a loop)"),
        ("cusolver-syevj-batched", "cusolverDnDsyevjBatched/SsyevjBatched (Jacobi, n <= 32 in cuSOLVER)"),
        ("cusolver-xsyev-batched", "cusolverDnXsyevBatched, f64 and f32 (CUDA 12.6 Update 2+)"),
        (JacobiKernel, "our batched Jacobi kernel (one thread block per matrix in shared memory; n <= 118 f64, 168 f32 on an H100)"),
    ];

    private readonly IComputeDevice _device;
    private readonly ICusolverEigh? _cusolver;
    private readonly CusolverEighRoutine? _routine;
    private readonly int _sharedBytesPerBlock;
    private readonly IDisposable? _owned;
    private DevicePointer _matrices, _eigenvalues, _info;
    private long _matrixBytes, _eigenvalueBytes, _infoBytes;

    /// <param name="name">One of <see cref="Methods"/>.</param>
    /// <param name="device">The GPU (or the emulated one).</param>
    /// <param name="cusolver">cuSOLVER's routines on <paramref name="device"/>, or null when they are not bound (the cuSOLVER methods then report why they do not run).</param>
    /// <param name="sharedBytesPerBlock">Shared memory a block may use on the device (opt-in limit) [bytes], for the kernel's size limit.</param>
    public CudaEighMethod(string name, IComputeDevice device, ICusolverEigh? cusolver, int sharedBytesPerBlock)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = device;
        _cusolver = cusolver;
        _sharedBytesPerBlock = sharedBytesPerBlock;
        Name = name;
        _routine = name switch
        {
            "cusolver-syevd" => CusolverEighRoutine.SyevdLoop,
            "cusolver-syevj-batched" => CusolverEighRoutine.SyevjBatched,
            "cusolver-xsyev-batched" => CusolverEighRoutine.XsyevBatched,
            JacobiKernel => null,
            _ => throw new ArgumentException($"unknown GPU eigh method '{name}'; known: {string.Join(", ", Methods.Select(m => m.Name))}", nameof(name)),
        };
        string solver = _routine is CusolverEighRoutine routine
            ? _cusolver?.Describe(routine) ?? Methods.First(m => m.Name == name).Summary
            : new JacobiBlockEigensolver().Method;
        Description = $"{solver} on {device.Description}; wall clock around the call and a stream synchronize, host<->device copies excluded";
    }

    /// <summary>
    /// Method <paramref name="name"/> on a real GPU: the cuSOLVER methods call cuSOLVER itself (<see cref="CusolverEigh"/>,
    /// one binding per method, released with it); a routine the installed cuSOLVER lacks reports itself unsupported.
    /// </summary>
    public static CudaEighMethod OnDevice(string name, CudaDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        CusolverEigh cusolver = CusolverEigh.For(device);
        try
        {
            return new CudaEighMethod(name, device, cusolver, device.SharedBytesPerBlock, cusolver);
        }
        catch
        {
            cusolver.Dispose();
            throw;
        }
    }

    private CudaEighMethod(string name, IComputeDevice device, ICusolverEigh cusolver, int sharedBytesPerBlock, IDisposable owned)
        : this(name, device, cusolver, sharedBytesPerBlock)
    {
        _owned = owned;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Backend => "cuda";

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public long MemoryAvailable => _device.FreeMemory / 4 * 3;

    /// <inheritdoc />
    public string? Unsupported(EighPrecision precision) => _routine is CusolverEighRoutine routine
        ? _cusolver is null ? "cuSOLVER's eigensolvers are not bound for the eigh study in this build" : _cusolver.Unsupported(routine, precision)
        : null;

    /// <summary>Largest n this method accepts in <paramref name="precision"/> (the kernel: its shared memory; syevjBatched: 32).</summary>
    public int MaxN(EighPrecision precision)
    {
        if (_routine is CusolverEighRoutine routine)
        {
            return _cusolver?.MaxN(routine) ?? 0;
        }
        int n = 1;
        while (JacobiBlockEigensolver.SharedBytes(n + 1, precision.ElementBytes()) <= _sharedBytesPerBlock)
        {
            n++;
        }
        return JacobiBlockEigensolver.SharedBytes(n, precision.ElementBytes()) <= _sharedBytesPerBlock ? n : 0;
    }

    /// <inheritdoc />
    public string? UnsupportedSize(int n, EighPrecision precision) =>
        n <= MaxN(precision) ? null : $"{Name} {precision.Label()} takes n <= {MaxN(precision)}";

    /// <inheritdoc />
    /// <remarks>The batch on the device (matrices, eigenvalues, info) plus the routine's workspace.</remarks>
    public long MemoryBytes(int n, int count, EighPrecision precision)
    {
        long batch = (long)count * ((long)n * n + n) * precision.ElementBytes() + (long)count * sizeof(int);
        return batch + (_routine is CusolverEighRoutine routine && _cusolver is not null ? _cusolver.WorkspaceBytes(routine, precision, n, count) : 0);
    }

    /// <inheritdoc />
    public double Decompose(EighBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int n = batch.N, count = batch.Count;
        EighPrecision precision = batch.Precision;
        if (Unsupported(precision) is string why)
        {
            throw new NotSupportedException($"{Name} {precision.Label()}: {why}");
        }
        if (UnsupportedSize(n, precision) is string tooLarge)
        {
            throw new NotSupportedException(tooLarge);
        }
        if (count == 0)
        {
            return 0;
        }
        int element = precision.ElementBytes();
        Reserve(n, count, element);
        // The matrices are symmetric, so row-major (the batch) and column-major (the device) are the same.
        if (precision == EighPrecision.Double)
        {
            _device.Upload<double>(batch.Matrices64.AsSpan(0, count * n * n), _matrices);
        }
        else
        {
            _device.Upload<float>(batch.Matrices32.AsSpan(0, count * n * n), _matrices);
        }
        _device.Synchronize($"{Name} upload");
        var clock = Stopwatch.StartNew();
        if (_routine is CusolverEighRoutine routine)
        {
            _cusolver!.Decompose(routine, precision, n, _matrices, _eigenvalues, _info, count);
        }
        else if (precision == EighPrecision.Double)
        {
            new JacobiBlockEigensolver().Decompose(_device, n, _matrices, _eigenvalues, _info, count);
        }
        else
        {
            JacobiBlockEigensolver.DecomposeSingle(_device, n, _matrices, _eigenvalues, _info, count);
        }
        _device.Synchronize(Name);
        double seconds = clock.Elapsed.TotalSeconds;
        var info = new int[count];
        _device.Download<int>(_info, info);
        int failed = Array.FindIndex(info, i => i != 0);
        if (failed >= 0)
        {
            throw new InvalidOperationException($"{Name} {precision.Label()}: matrix {failed} of {count} (n = {n}) reports info {info[failed]}");
        }
        if (precision == EighPrecision.Double)
        {
            _device.Download<double>(_matrices, batch.Matrices64.AsSpan(0, count * n * n));
            _device.Download<double>(_eigenvalues, batch.Eigenvalues64.AsSpan(0, count * n));
            TransposeEach(batch.Matrices64.AsSpan(0, count * n * n), n);
        }
        else
        {
            _device.Download<float>(_matrices, batch.Matrices32.AsSpan(0, count * n * n));
            _device.Download<float>(_eigenvalues, batch.Eigenvalues32.AsSpan(0, count * n));
            TransposeEach(batch.Matrices32.AsSpan(0, count * n * n), n);
        }
        return seconds;
    }

    /// <summary>Column-major eigenvectors (vector k in column k) to the batch's row-major layout, in place.</summary>
    private static void TransposeEach<T>(Span<T> matrices, int n)
    {
        for (int offset = 0; offset < matrices.Length; offset += n * n)
        {
            Span<T> m = matrices.Slice(offset, n * n);
            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    (m[i * n + j], m[j * n + i]) = (m[j * n + i], m[i * n + j]);
                }
            }
        }
    }

    /// <summary>Device buffers for the batch, grown as needed and kept between calls.</summary>
    private void Reserve(int n, int count, int element)
    {
        long matrixBytes = (long)count * n * n * element, eigenvalueBytes = (long)count * n * element, infoBytes = (long)count * sizeof(int);
        if (matrixBytes <= _matrixBytes && eigenvalueBytes <= _eigenvalueBytes && infoBytes <= _infoBytes)
        {
            return;
        }
        Release();
        _matrices = _device.Allocate(matrixBytes);
        _eigenvalues = _device.Allocate(eigenvalueBytes);
        _info = _device.Allocate(infoBytes);
        (_matrixBytes, _eigenvalueBytes, _infoBytes) = (matrixBytes, eigenvalueBytes, infoBytes);
    }

    private void Release()
    {
        _device.Free(_matrices);
        _device.Free(_eigenvalues);
        _device.Free(_info);
        _matrices = _eigenvalues = _info = DevicePointer.Null;
        (_matrixBytes, _eigenvalueBytes, _infoBytes) = (0, 0, 0);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Release();
        _owned?.Dispose();
    }
}
