namespace GpuExtract.EighStudy;

/// <summary>
/// One way of computing the eigenvalues and eigenvectors of a batch of symmetric matrices, as timed by
/// <see cref="EighBenchmark"/>: a CPU LAPACK driver on one or all cores, the managed fallback, or (in the CUDA
/// backend) a cuSOLVER routine. An implementation owns its workspace (host or device) and is used by one
/// benchmark at a time.
/// </summary>
public interface IEighMethod : IDisposable
{
    /// <summary>Short name used on the command line and in the results, e.g. "lapack-1core", "cusolver-syevd".</summary>
    string Name { get; }

    /// <summary>"cpu" or "cuda".</summary>
    string Backend { get; }

    /// <summary>One line: library, routine and parallelism, e.g. "dsyevd/ssyevd (OpenBLAS 0.3.21), 2 threads, one matrix per thread".</summary>
    string Description { get; }

    /// <summary>Null when the method decomposes matrices of <paramref name="precision"/>; otherwise why not (one line).</summary>
    string? Unsupported(EighPrecision precision);

    /// <summary>
    /// Bytes one call for <paramref name="count"/> matrices of order <paramref name="n"/> uses: the batch
    /// (<see cref="EighBatch.Bytes"/>) plus the method's own workspace (per worker thread, or on the device).
    /// </summary>
    long MemoryBytes(int n, int count, EighPrecision precision);

    /// <summary>
    /// Bytes one call may use (the host memory limit, or the device memory free for the batch); the benchmark
    /// splits a batch into chunks whose <see cref="MemoryBytes"/> fit and says so.
    /// </summary>
    long MemoryAvailable { get; }

    /// <summary>
    /// Decomposes the first <see cref="EighBatch.Count"/> matrices of <paramref name="batch"/> in place and returns
    /// the seconds the decomposition took (wall clock on the CPU; device events around the solver calls on a GPU,
    /// host↔device copies excluded and said so in <see cref="Description"/>). Throws when a matrix cannot be
    /// decomposed (e.g. no convergence); the benchmark records that as a failed point.
    /// </summary>
    double Decompose(EighBatch batch);
}
