using System.Diagnostics;
using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.EighStudy;

/// <summary>
/// Eigh of a batch on the CPU: the batch is split over <see cref="Threads"/> workers, each taking the next
/// matrix from a shared counter and decomposing it with its own single-threaded <see cref="ILapack"/>
/// (one matrix per thread, as the CPU extraction backend parallelises over patches). With one thread this is
/// a plain loop of single-matrix calls. float32 needs the native library's ssyevd (<see cref="SinglePrecisionEigen"/>).
/// </summary>
public sealed class CpuEighMethod : IEighMethod
{
    private readonly ILapack[] _workers;

    // Each native worker's ssyevd (null for the managed solver, or when the library lacks ssyevd_).
    private readonly SinglePrecisionEigen?[] _singleWorkers;
    private readonly string _singleUnavailable = "";

    /// <param name="name">Short name, e.g. "lapack" or "managed-1core".</param>
    /// <param name="threads">Worker threads (≥ 1).</param>
    /// <param name="lapackFactory">One instance per worker (instances hold scratch and are not thread-safe).</param>
    /// <param name="memoryAvailable">Bytes one call may use; larger batches are split by the benchmark.</param>
    public CpuEighMethod(string name, int threads, Func<ILapack> lapackFactory, long memoryAvailable)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentNullException.ThrowIfNull(lapackFactory);
        Name = name;
        Threads = threads;
        MemoryAvailable = memoryAvailable;
        _workers = new ILapack[threads];
        _singleWorkers = new SinglePrecisionEigen?[threads];
        for (int w = 0; w < threads; w++)
        {
            _workers[w] = lapackFactory();
            if (_workers[w] is NativeLapack native && !SinglePrecisionEigen.TryCreate(native, out _singleWorkers[w], out string reason))
            {
                _singleUnavailable = reason;
            }
        }
        ILapack first = _workers[0];
        string routine = first is NativeLapack ? "dsyevd/ssyevd" : "Householder tridiagonalisation + implicit QL (f64 only)";
        string parallel = threads == 1 ? "1 thread (a loop of single-matrix calls)" : $"{threads} threads, one matrix per thread";
        Description = $"{routine} of {first.Name}, {parallel}";
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Backend => "cpu";

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>Worker threads.</summary>
    public int Threads { get; }

    /// <summary>Whether the workers call the system LAPACK (dsyevd/ssyevd) rather than the managed fallback.</summary>
    public bool IsNative => _workers[0] is NativeLapack;

    /// <inheritdoc />
    public long MemoryAvailable { get; }

    /// <inheritdoc />
    public string? Unsupported(EighPrecision precision) =>
        precision != EighPrecision.Single ? null
        : !IsNative ? "the managed eigen-solver has no float32 path"
        : _singleWorkers[0] is null ? $"no float32 eigen-solver: {_singleUnavailable}"
        : null;

    /// <summary>
    /// The batch plus each busy worker's workspace: for dsyevd/ssyevd with vectors LAPACK's documented minimum
    /// LWORK = 1 + 6n + 2n² elements and LIWORK = 3 + 5n integers; for the managed solver its scratch,
    /// n² + 5n doubles and n integers.
    /// </summary>
    public long MemoryBytes(int n, int count, EighPrecision precision)
    {
        long m = n;
        long perWorker = IsNative
            ? (1 + 6 * m + 2 * m * m) * precision.ElementBytes() + (3 + 5 * m) * sizeof(int)
            : (m * m + 5 * m) * sizeof(double) + m * sizeof(int);
        return EighBatch.Bytes(n, count, precision) + Math.Min(Threads, Math.Max(count, 1)) * perWorker;
    }

    /// <inheritdoc />
    public double Decompose(EighBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        string? unsupported = Unsupported(batch.Precision);
        if (unsupported is not null)
        {
            throw new NotSupportedException($"{Name}: {unsupported}");
        }
        long start = Stopwatch.GetTimestamp();
        int workers = Math.Min(Threads, batch.Count);
        int next = -1;
        if (workers <= 1)
        {
            DecomposeShare(_workers[0], _singleWorkers[0], batch, ref next);
        }
        else
        {
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers },
                w => DecomposeShare(_workers[w], _singleWorkers[w], batch, ref next));
        }
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>Decomposes matrices taken one at a time from the shared counter until none is left.</summary>
    private static void DecomposeShare(ILapack lapack, SinglePrecisionEigen? single, EighBatch batch, ref int next)
    {
        int n = batch.N;
        for (int b = Interlocked.Increment(ref next); b < batch.Count; b = Interlocked.Increment(ref next))
        {
            if (batch.Precision == EighPrecision.Double)
            {
                lapack.SymmetricEigen(batch.Matrix64(b), n, batch.Values64(b));
            }
            else
            {
                single!.SymmetricEigen(batch.Matrix32(b), n, batch.Values32(b));
            }
        }
    }

    /// <summary>Nothing to release: the workers' scratch is managed memory.</summary>
    public void Dispose()
    {
    }
}
