using System.Runtime.ExceptionServices;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Psf;
using GpuExtract.Cpu.Extraction;
using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.Cpu;

/// <summary>
/// The CPU backend: evaluates a frame's spots once, then solves patches in parallel, one
/// <see cref="PatchSolver"/> (with its own scratch and <see cref="ILapack"/>) per worker. Patches are handed
/// out largest first from a shared counter (dynamic partitioning), so the result of a patch never depends on
/// the worker that solved it: any thread count gives bit-identical outputs.
/// </summary>
public sealed class CpuBackend : IExtractionBackend
{
    /// <summary>Patches a worker solves between progress reports.</summary>
    private const int ProgressInterval = 8;

    private readonly int _threads;
    private readonly Func<ILapack> _lapackFactory;
    private readonly Func<FrameInput, SpotTable> _spotSource;
    private readonly List<PatchSolver> _solvers = [];
    private FrameInput? _frame;
    private SpotTable? _spots;
    private int[] _order = [];
    private long[] _orderKeys = [];

    /// <param name="threads">Worker threads (≥ 1).</param>
    /// <param name="lapackFactory">Creates one <see cref="ILapack"/> per worker (each single-threaded).</param>
    /// <param name="spotSource">
    /// Evaluates a frame's spots, fiber-major over (fiber, grid index) as <see cref="FrameInput.SpotIndex"/>
    /// reads them; null: the frame's PSF (<c>Psf.EvaluateSpots</c>). Tests inject synthetic spots here.
    /// </param>
    public CpuBackend(int threads, Func<ILapack> lapackFactory, Func<FrameInput, SpotTable>? spotSource = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _threads = threads;
        _lapackFactory = lapackFactory ?? throw new ArgumentNullException(nameof(lapackFactory));
        _spotSource = spotSource ?? EvaluateWithPsf;
        _solvers.Add(new PatchSolver(_lapackFactory()));
        Description = $"cpu: {threads} thread{(threads == 1 ? "" : "s")}, LAPACK {_solvers[0].Lapack.Name}";
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>Worker threads.</summary>
    public int Threads => _threads;

    /// <summary>The spots of the current frame (after <see cref="BeginFrame"/>).</summary>
    public SpotTable? Spots => _spots;

    /// <summary>Stage times and FLOPs summed over all workers since construction or <see cref="ResetStatistics"/>.</summary>
    public PatchStatistics Statistics
    {
        get
        {
            var total = new PatchStatistics();
            foreach (PatchSolver solver in _solvers)
            {
                total.Add(solver.Statistics);
            }
            return total;
        }
    }

    /// <summary>Clears every worker's statistics.</summary>
    public void ResetStatistics()
    {
        foreach (PatchSolver solver in _solvers)
        {
            solver.Statistics.Clear();
        }
    }

    /// <inheritdoc />
    public void BeginFrame(FrameInput frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        frame.RequirePixelCounts();
        SpotTable spots = _spotSource(frame);
        if (spots.Count < (long)frame.FiberCount * frame.GridWavelengths.Length)
        {
            throw new InvalidOperationException(
                $"Spot source gave {spots.Count} spots for {frame.FiberCount} fibers × {frame.GridWavelengths.Length} wavelengths");
        }
        _frame = frame;
        _spots = spots;
    }

    /// <inheritdoc />
    public void Solve(PatchBatch batch, PatchResults results, Action<int>? patchesDone = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(results);
        FrameInput frame = _frame ?? throw new InvalidOperationException("CpuBackend.Solve called before BeginFrame");
        SpotTable spots = _spots!;
        int count = batch.Count;
        if (count == 0)
        {
            return;
        }
        OrderLargestFirst(batch);
        int workers = Math.Min(_threads, count);
        while (_solvers.Count < workers)
        {
            _solvers.Add(new PatchSolver(_lapackFactory()));
        }

        int next = -1;
        if (workers == 1)
        {
            SolveShare(_solvers[0], frame, spots, batch, results, patchesDone, ref next);
            return;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = workers };
        try
        {
            Parallel.For(0, workers, options, worker =>
                SolveShare(_solvers[worker], frame, spots, batch, results, patchesDone, ref next));
        }
        catch (AggregateException error) when (error.InnerExceptions.Count == 1)
        {
            // One worker failed: its exception, not the wrapper, is what the caller can act on.
            ExceptionDispatchInfo.Capture(error.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>One worker: takes the next patch in size order until none is left.</summary>
    private void SolveShare(PatchSolver solver, FrameInput frame, SpotTable spots, PatchBatch batch, PatchResults results,
        Action<int>? patchesDone, ref int next)
    {
        int sinceReport = 0;
        int index;
        while ((index = Interlocked.Increment(ref next)) < batch.Count)
        {
            solver.Solve(frame, spots, batch, _order[index], results);
            if (++sinceReport == ProgressInterval)
            {
                patchesDone?.Invoke(sinceReport);
                sinceReport = 0;
            }
        }
        if (sinceReport > 0)
        {
            patchesDone?.Invoke(sinceReport);
        }
    }

    /// <summary>Patch order by decreasing cost (n³ of the solve, then pixels), so the last patches are small.</summary>
    private void OrderLargestFirst(PatchBatch batch)
    {
        int count = batch.Count;
        if (_order.Length < count)
        {
            _order = new int[count];
            _orderKeys = new long[count];
        }
        for (int p = 0; p < count; p++)
        {
            long n = batch.UnknownCount(p);
            _order[p] = p;
            // Negated so that an ascending sort puts the largest first. The order only balances the load.
            _orderKeys[p] = -(n * n * n + batch.Box(p).PixelCount);
        }
        Array.Sort(_orderKeys, _order, 0, count);
    }

    /// <summary>All spots of the frame from its PSF, fiber-major over the frame's grid (the SpotIndex layout).</summary>
    private SpotTable EvaluateWithPsf(FrameInput frame) =>
        frame.Psf.EvaluateSpots(frame.FiberStart, frame.FiberCount, frame.GridWavelengths, _threads);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (PatchSolver solver in _solvers)
        {
            (solver.Lapack as IDisposable)?.Dispose();
        }
        _solvers.Clear();
    }
}
