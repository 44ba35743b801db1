using GpuExtract.Core.Extraction;
using GpuExtract.Cuda.Device;
using GpuExtract.Cuda.Kernels;
using GpuExtract.Cuda.Native;
using GpuExtract.Cuda.Pipeline;

namespace GpuExtract.Cuda;

/// <summary>
/// The GPU backend (DESIGN §1.5, §5): per frame the pixels, weights and PSF coefficients are uploaded once and
/// every spot is evaluated on the device in one launch; patches are then solved in large padded batches
/// (<see cref="BatchSolver"/>, by the band solver unless <see cref="CudaBackendOptions.Solver"/> says dense), sized from
/// free device memory and halved on out-of-memory, in buffers kept from batch to batch and frame to frame (<see cref="DeviceWorkspace"/>: one for the frame's pixels and spots, one for the batches). Patches whose
/// Cholesky fails are solved on the CPU (the reference's clipped eigh), as is the rest of a frame when the
/// device fails, with a warning, unless <see cref="CudaBackendOptions.FallbackToCpu"/> is false. Outputs equal
/// the CPU backend's to rounding.
/// </summary>
public sealed class CudaBackend : IExtractionBackend
{
    private readonly IComputeDevice _device;
    private readonly CudaBackendOptions _options;
    private readonly CpuPatchFallback _cpu;
    private readonly DeviceWorkspace _workspace;
    private readonly DeviceWorkspace _frameWorkspace;
    private DeviceFrame? _deviceFrame;
    private FrameInput? _frame;
    private bool _deviceFailed;

    /// <summary>A backend on <paramref name="device"/> (which it owns and disposes).</summary>
    public CudaBackend(IComputeDevice device, CudaBackendOptions options)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.MaxBatchPatches is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"MaxBatchPatches must be 1 … 65535, got {options.MaxBatchPatches}");
        }
        if (options.RanksPerDevice < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"RanksPerDevice must be at least 1, got {options.RanksPerDevice}");
        }
        _cpu = new CpuPatchFallback(options.FallbackBackend ?? throw new ArgumentException("FallbackBackend is required", nameof(options)));
        _workspace = new DeviceWorkspace(device);
        _frameWorkspace = new DeviceWorkspace(device);
    }

    /// <summary>
    /// A backend on GPU <paramref name="ordinal"/>, its kernels compiled by NVRTC (cached in
    /// <see cref="KernelCache.Default"/>). Check <see cref="CudaProbe.Result"/> first: this throws
    /// <see cref="CudaException"/> or <see cref="InvalidOperationException"/> when the GPU cannot be used.
    /// </summary>
    public static CudaBackend Create(int ordinal, CudaBackendOptions options)
    {
        NvrtcCompiler compiler = NvrtcCompiler.TryCreate(out string reason) ?? throw new InvalidOperationException(reason);
        KernelCache cache = KernelCache.Default();
        CudaDevice device = CudaDevice.Open(ordinal, cache, compiler);
        foreach (string warning in device.KernelLoad.Warnings)
        {
            options.Log?.WriteLine($"warning: {warning}");
        }
        return new CudaBackend(device, options);
    }

    /// <inheritdoc />
    /// <remarks>Names the eigensolver: before the first batch the one the device will use, after it the ones it used.</remarks>
    public string Description => $"cuda: {_device.Description}, {SolverDescription} solver, block eigh by {_device.EigenMethod}";

    /// <summary>The solver asked for, and how many batches each solver ran so far (the band solver gives way to the dense one where it cannot promise a band).</summary>
    public string SolverDescription => BandBatches + DenseBatches == 0
        ? _options.Solver.ToString().ToLowerInvariant()
        : string.Join(" + ", new[] { (BandBatches, "band"), (DenseBatches, "dense") }.Where(c => c.Item1 > 0).Select(c => $"{c.Item2} ({c.Item1} batches)"));

    /// <summary>Batches solved by the band solver since construction.</summary>
    public int BandBatches { get; private set; }

    /// <summary>Batches solved by the dense solver since construction.</summary>
    public int DenseBatches { get; private set; }

    /// <summary>Device memory the backend keeps between batches and frames now [bytes].</summary>
    public long WorkspaceBytes => _workspace.HeldBytes;

    /// <summary>Per-stage device times and FLOPs since construction (or <see cref="DeviceStageTimes.Clear"/>).</summary>
    public DeviceStageTimes StageTimes { get; } = new();

    /// <summary>Patches solved on the CPU since construction: failed Cholesky or eigh, and after a device failure.</summary>
    public int CpuPatches { get; private set; }

    /// <summary>Device batches run since construction (including retries after halving).</summary>
    public int Batches { get; private set; }

    /// <summary>Times a batch was halved after running out of device memory.</summary>
    public int Halvings { get; private set; }

    /// <summary>Whether the device failed and the backend now works on the CPU only.</summary>
    public bool DeviceFailed => _deviceFailed;

    /// <summary>The device.</summary>
    public IComputeDevice Device => _device;

    /// <summary>How the device eigen-decomposed the blocks so far (see <see cref="IComputeDevice.EigenMethod"/>).</summary>
    public string EigenMethod => _device.EigenMethod;

    /// <inheritdoc />
    public void BeginFrame(FrameInput frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        frame.RequirePixelCounts();
        _deviceFrame = null;
        _frame = frame;
        if (_deviceFailed)
        {
            return;
        }
        try
        {
            _deviceFrame = DeviceFrame.Upload(_device, _frameWorkspace, frame, StageTimes);
        }
        catch (CudaException error) when (_options.FallbackToCpu)
        {
            Fail(error, "while uploading the frame");
        }
    }

    /// <inheritdoc />
    public void Solve(PatchBatch batch, PatchResults results, Action<int>? patchesDone = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(results);
        FrameInput frame = _frame ?? throw new InvalidOperationException("CudaBackend.Solve called before BeginFrame");
        if (results.DiagonalCount != 2 * frame.HalfDiagonals + 1)
        {
            throw new InvalidOperationException($"PatchResults has {results.DiagonalCount} diagonals but the frame asks for 2·{frame.HalfDiagonals}+1");
        }
        if (batch.Count == 0)
        {
            return;
        }
        var cpuPatches = new List<int>();
        if (_deviceFailed || _deviceFrame is null)
        {
            SolveOnCpu(frame, batch, Enumerable.Range(0, batch.Count).ToList(), results, patchesDone);
            return;
        }

        int fiberSpan = 0;
        for (int p = 0; p < batch.Count; p++)
        {
            fiberSpan = Math.Max(fiberSpan, batch.FiberCount[p]);
        }
        int? reach;
        try
        {
            reach = _options.Solver == DeviceSolver.Band ? _deviceFrame.Reach(fiberSpan) : null;
        }
        catch (CudaException error) when (_options.FallbackToCpu)
        {
            Fail(error, "while measuring the spots' reach");
            SolveOnCpu(frame, batch, Enumerable.Range(0, batch.Count).ToList(), results, patchesDone);
            return;
        }
        DeviceSolver solver = reach is null ? DeviceSolver.Dense : DeviceSolver.Band;
        if (_options.Solver == DeviceSolver.Band && reach is null)
        {
            _options.Log?.WriteLine("note: some fiber's spots do not advance in y with wavelength, so no band can be promised: this frame uses the dense device solver");
        }
        var pending = new Queue<int[]>(PatchGroups.Cut(batch, BatchBudget(), _options.MaxBatchPatches, results.DiagonalCount, frame.DecorrelateFibers,
            _device.EigenWorkspaceBytes, solver, reach ?? 0));
        var batchSolver = new BatchSolver(_device, _deviceFrame, _workspace, StageTimes, _options.StageTiming);
        while (pending.Count > 0)
        {
            int[] patches = pending.Dequeue();
            try
            {
                Batches++;
                BatchLayout layout = BatchLayout.Build(batch, patches, frame.FiberStart);
                cpuPatches.AddRange(batchSolver.Solve(batch, layout, results, Factorization(layout, solver, reach ?? 0)));
                patchesDone?.Invoke(patches.Length);
            }
            catch (CudaException error) when (error.IsOutOfMemory && patches.Length > 1)
            {
                // Halve and retry: the two halves go first, in order.
                Halvings++;
                _device.Synchronize("out-of-memory recovery");
                // The buffers held for larger batches are what the halves need room for.
                _workspace.Release();
                var rest = pending.ToArray();
                pending.Clear();
                pending.Enqueue(patches[..(patches.Length / 2)]);
                pending.Enqueue(patches[(patches.Length / 2)..]);
                foreach (int[] r in rest)
                {
                    pending.Enqueue(r);
                }
            }
            catch (CudaException error) when (_options.FallbackToCpu)
            {
                Fail(error, "during a batch");
                var remaining = new List<int>(patches);
                while (pending.Count > 0)
                {
                    remaining.AddRange(pending.Dequeue());
                }
                remaining.AddRange(cpuPatches);
                cpuPatches.Clear();
                SolveOnCpu(frame, batch, remaining, results, patchesDone);
                return;
            }
        }
        if (cpuPatches.Count > 0)
        {
            // Reported as done by the device already; solved again here without progress reports.
            SolveOnCpu(frame, batch, cpuPatches, results, null);
        }
    }

    /// <summary>
    /// How <paramref name="layout"/>'s batch is factored: by the band solver when the frame's reach bounds its band
    /// and the band inverse's shared memory fits a block, else by the dense solver.
    /// </summary>
    private IBatchFactorization Factorization(BatchLayout layout, DeviceSolver solver, int reach)
    {
        int halfWidth = BatchLayout.BandHalfWidth(reach, layout.NF, layout.NW);
        if (solver == DeviceSolver.Band && BandFactorization.InverseSharedBytes(halfWidth, layout.NW) <= _device.SharedBytesPerBlock)
        {
            BandBatches++;
            return new BandFactorization(_device, _deviceFrame!, _workspace, halfWidth);
        }
        DenseBatches++;
        return new DenseFactorization(_device, _deviceFrame!, _workspace);
    }

    /// <summary>
    /// Device memory one batch may take [bytes]: this rank's share of <see cref="CudaBackendOptions.MemoryFraction"/>
    /// of what is free once the libraries' own workspaces are set aside. The eigensolver's workspace is counted per
    /// batch by <see cref="PatchGroups.Cut"/>.
    /// </summary>
    public long BatchBudget()
    {
        // What the workspace holds from earlier batches is this backend's to reuse.
        long free = Math.Max(0, _device.FreeMemory + _workspace.HeldBytes - _device.LibraryReserveBytes);
        return (long)(free * _options.MemoryFraction / _options.RanksPerDevice);
    }

    private void SolveOnCpu(FrameInput frame, PatchBatch batch, List<int> patches, PatchResults results, Action<int>? patchesDone)
    {
        long start = DeviceStageTimes.Now();
        patches.Sort();
        _cpu.Solve(frame, batch, patches, results, patchesDone);
        CpuPatches += patches.Count;
        StageTimes.Add(DeviceStage.CpuFallback, start, 0);
    }

    private void Fail(CudaException error, string when)
    {
        _deviceFailed = true;
        _workspace.Release();
        _frameWorkspace.Release();
        _options.Log?.WriteLine($"warning: the GPU failed {when} ({error.Message}); finishing on the CPU");
        _deviceFrame = null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _deviceFrame = null;
        _frameWorkspace.Dispose();
        _workspace.Dispose();
        _device.Dispose();
    }
}
