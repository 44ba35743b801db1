using System.Runtime.InteropServices;
using GpuExtract.Core.Extraction;
using GpuExtract.Cuda.Device;

namespace GpuExtract.Cuda.Pipeline;

/// <summary>
/// Solves one batch of patches on the device (DESIGN §1.4 for one patch, §1.5 and §5 for the batching), everything
/// between the frame's spots and the per-patch outputs staying on the device. One method per stage, in the order
/// of DESIGN §1.4: clipped stamps → normal equations → f by Cholesky and solve → signal decorrelation's blocks
/// C_bb of iCov⁻¹ (noise decorrelation: the dense iCov instead) → batched eigh of those → flux, ivar, resolution
/// band → model, chi2pix, pixmask. How iCov is stored and factored is the <see cref="IBatchFactorization"/>'s
/// (<see cref="DeviceSolver"/>). Buffers come from the backend's <see cref="DeviceWorkspace"/>, so batches after the
/// first allocate nothing; the host waits for the device once per batch, at the single download of the outputs
/// (unless <paramref name="stageTiming"/> asks for a synchronisation after every stage, to time them). A patch
/// whose Cholesky (or eigh) fails is reported for the CPU, which redoes it with the reference's clipped eigh.
/// </summary>
internal sealed class BatchSolver(IComputeDevice device, DeviceFrame frame, DeviceWorkspace workspace, DeviceStageTimes times, bool stageTiming)
{
    private const int Block = 128;

    /// <summary>
    /// Solves <paramref name="layout"/>'s patches of <paramref name="batch"/> into <paramref name="results"/> by
    /// <paramref name="factorization"/> and returns the patches (indices into <paramref name="batch"/>) the CPU must solve instead.
    /// </summary>
    public List<int> Solve(PatchBatch batch, BatchLayout layout, PatchResults results, IBatchFactorization factorization)
    {
        long start = DeviceStageTimes.Now();
        BatchBuffers b = Allocate(layout, results.DiagonalCount);
        factorization.Allocate(b);
        Stage(DeviceStage.Upload, start, 0, "upload");

        start = DeviceStageTimes.Now();
        ClipStamps(b);
        Stage(DeviceStage.NormalEquations, start, factorization.NormalEquations(b), "normal equations");
        start = DeviceStageTimes.Now();
        Stage(DeviceStage.Cholesky, start, factorization.Factor(b), "Cholesky");
        if (!b.Noise)
        {
            start = DeviceStageTimes.Now();
            Stage(DeviceStage.Inverse, start, factorization.BlockInverse(b), "block inverse");
        }
        Eigen(b);
        Resolution(b);
        Diagnostics(b);
        return DownloadAndScatter(b, batch, results);
    }

    /// <summary>Takes the batch's common buffers from the workspace and uploads its descriptors and problems.</summary>
    private BatchBuffers Allocate(BatchLayout layout, int diagonals)
    {
        bool noise = frame.Frame.DecorrelateFibers;
        int P = layout.Count, N = layout.N, Q = layout.ProblemCount;
        int eigenCount = noise ? P : Q, eigenN = noise ? N : layout.NW;
        // The model pixels are always written (chi2pix needs the model); they are downloaded only when wanted.
        var outputs = BatchOutputLayout.For(P, eigenCount, layout.OutputRows, diagonals, layout.Pixels);
        return new BatchBuffers
        {
            Layout = layout,
            Noise = noise,
            Diagonals = diagonals,
            Outputs = outputs,
            Patches = workspace.Upload<int>("patches", layout.Descriptors),
            Problems = workspace.Upload<int>("problems", layout.Problems),
            Rect = workspace.Take("rect", (long)P * N * 4, sizeof(int)),
            Spot = workspace.Take("spot", (long)P * N, sizeof(int)),
            Y = workspace.Take("y", (long)P * N, sizeof(double)),
            FluxWeight = workspace.Take("fluxweight", (long)P * N, sizeof(double)),
            Eigenvalues = workspace.Take("eigenvalues", (long)eigenCount * eigenN, sizeof(double)),
            Chi2 = workspace.Take("chi2", layout.Pixels, sizeof(double)),
            Counted = workspace.Take("counted", layout.Pixels, sizeof(double)),
            Usable = workspace.Take("usable", layout.Pixels, sizeof(double)),
            Output = workspace.Take("output", outputs.Bytes, 1),
        };
    }

    /// <summary>Each unknown's spot clipped to its patch's pixel box (PatchStamps.ClipSpots).</summary>
    private void ClipStamps(BatchBuffers b)
    {
        device.Launch("clip_stamps", new Dim3((b.N + Block - 1) / Block, b.P), new Dim3(Block), 0, new KernelArguments()
            .Add(b.Patches).Add(b.N).Add(b.NW).Add(frame.Frame.GridWavelengths.Length)
            .Add(frame.SpotXMin).Add(frame.SpotYMin).Add(frame.SpotRows).Add(frame.SpotCols)
            .Add(b.Rect).Add(b.Spot));
    }

    /// <summary>Eigen-decomposition of the blocks (signal decorrelation) or of each iCov (noise decorrelation).</summary>
    private void Eigen(BatchBuffers b)
    {
        long start = DeviceStageTimes.Now();
        device.SymmetricEigenBatched(b.EigenN, b.Blocks, b.Eigenvalues, b.EigenInfo, b.EigenCount);
        double n = b.EigenN;
        Stage(DeviceStage.Eigen, start, 9.0 * b.EigenCount * n * n * n, "eigh");
    }

    /// <summary>Q from the eigenpairs, s = Q·1, R = diag(1/s)·Q, flux = R·f, ivar = s², and R's band, one block per problem.</summary>
    private void Resolution(BatchBuffers b)
    {
        if (b.Q == 0)
        {
            // No kept fiber in the batch: no output row, and a launch would read a problem that is not there.
            return;
        }
        long start = DeviceStageTimes.Now();
        int m = b.EigenN;
        BatchOutputLayout o = b.Outputs;
        device.Launch("resolution_bins", new Dim3(b.Q), new Dim3(Block), (3 * m + 2 * b.NW) * sizeof(double), new KernelArguments()
            .Add(b.Noise ? 1 : 0).Add(b.Patches).Add(b.Problems).Add(b.Status).Add(b.N).Add(b.NW).Add(frame.Frame.HalfDiagonals)
            .Add(b.Blocks).Add(b.Eigenvalues).Add(b.Y).Add(b.FluxWeight)
            .Add(b.Output.Offset(o.Flux)).Add(b.Output.Offset(o.Ivar)).Add(b.Output.Offset(o.Resolution)));
        Stage(DeviceStage.Resolution, start, 4.0 * b.Q * m * m + 2.0 * b.R * b.Diagonals * m, "resolution");
    }

    /// <summary>The model A·f over each box, then chi2pix and the pixmask fraction of each kept bin.</summary>
    private void Diagnostics(BatchBuffers b)
    {
        long start = DeviceStageTimes.Now();
        FrameInput input = frame.Frame;
        BatchLayout layout = b.Layout;
        BatchOutputLayout o = b.Outputs;
        DevicePointer model = b.Output.Offset(o.Model);
        device.Launch("model_pixels", new Dim3(Math.Max(layout.MaxBoxHeight, 1), b.P), new Dim3(Block), (b.N * 4 + 2 * b.NF) * sizeof(int), new KernelArguments()
            .Add(b.Patches).Add(b.N).Add(b.NW).Add(input.NPixX).Add(input.PsfError)
            .Add(frame.SpotValues).Add(frame.SpotXMin).Add(frame.SpotYMin).Add(frame.StampRows).Add(frame.StampCols)
            .Add(frame.Image).Add(frame.Weight).Add(b.Rect).Add(b.Spot).Add(b.Y)
            .Add(model).Add(b.Chi2).Add(b.Counted).Add(b.Usable));
        if (b.Q > 0)
        {
            device.Launch("bin_diagnostics", new Dim3(b.Q), new Dim3(Block), 0, new KernelArguments()
                .Add(b.Patches).Add(b.Problems).Add(b.N).Add(b.NW)
                .Add(frame.SpotValues).Add(frame.SpotXMin).Add(frame.SpotYMin).Add(frame.StampRows).Add(frame.StampCols)
                .Add(b.Rect).Add(b.Spot).Add(b.Chi2).Add(b.Counted).Add(b.Usable)
                .Add(b.Output.Offset(o.Chi2Pix)).Add(b.Output.Offset(o.Pixmask)));
        }
        Stage(DeviceStage.Diagnostics, start, 2.0 * layout.Pixels * 30 + 12.0 * layout.Pixels, "diagnostics");
    }

    /// <summary>
    /// Downloads the batch's output area in one copy into pinned memory (the batch's one wait for the device) and
    /// copies each solved patch's rows and model pixels to where the frame wants them; returns the patches that
    /// failed (Cholesky or eigh) for the CPU.
    /// </summary>
    private List<int> DownloadAndScatter(BatchBuffers b, PatchBatch batch, PatchResults results)
    {
        long start = DeviceStageTimes.Now();
        BatchLayout layout = b.Layout;
        BatchOutputLayout o = b.Outputs;
        int diagonals = b.Diagonals;
        // The model pixels come last: without a model image the copy stops before them.
        Span<byte> host = workspace.Host(frame.Frame.ComputeModel ? o.Bytes : o.Model);
        device.Download<byte>(b.Output, host);
        Span<int> patchStatus = MemoryMarshal.Cast<byte, int>(host.Slice((int)o.Status, b.P * sizeof(int)));
        ReadOnlySpan<int> eigenStatus = MemoryMarshal.Cast<byte, int>(host.Slice((int)o.EigenInfo, b.EigenCount * sizeof(int)));
        ReadOnlySpan<double> flux = MemoryMarshal.Cast<byte, double>(host.Slice((int)o.Flux, b.R * sizeof(double)));
        ReadOnlySpan<double> ivar = MemoryMarshal.Cast<byte, double>(host.Slice((int)o.Ivar, b.R * sizeof(double)));
        ReadOnlySpan<double> resolution = MemoryMarshal.Cast<byte, double>(host.Slice((int)o.Resolution, b.R * diagonals * sizeof(double)));
        ReadOnlySpan<double> pixmask = MemoryMarshal.Cast<byte, double>(host.Slice((int)o.Pixmask, b.R * sizeof(double)));
        ReadOnlySpan<float> chi2Pix = MemoryMarshal.Cast<byte, float>(host.Slice((int)o.Chi2Pix, b.R * sizeof(float)));
        ReadOnlySpan<float> modelPixels = frame.Frame.ComputeModel
            ? MemoryMarshal.Cast<byte, float>(host.Slice((int)o.Model, checked((int)layout.Pixels * sizeof(float))))
            : default;

        // A failed eigh (info ≠ 0) sends its patch to the CPU like a failed Cholesky.
        for (int e = 0; e < b.EigenCount; e++)
        {
            if (eigenStatus[e] != 0)
            {
                patchStatus[b.Noise ? e : layout.Problems[2 * e]] = PatchDescriptor.StatusFailed;
            }
        }
        var cpu = new List<int>();
        for (int i = 0; i < b.P; i++)
        {
            int p = layout.Patches[i];
            if (patchStatus[i] == PatchDescriptor.StatusFailed)
            {
                cpu.Add(p);
                continue;
            }
            ReadOnlySpan<int> d = layout.Descriptors.AsSpan(i * PatchDescriptor.Fields, PatchDescriptor.Fields);
            int rows = batch.KeepFiberCount[p] * batch.CoreCount[p];
            int from = d[PatchDescriptor.Output], to = batch.OutputOffset[p];
            flux.Slice(from, rows).CopyTo(results.Flux.AsSpan(to, rows));
            ivar.Slice(from, rows).CopyTo(results.Ivar.AsSpan(to, rows));
            pixmask.Slice(from, rows).CopyTo(results.PixmaskFraction.AsSpan(to, rows));
            Span<double> chi2 = results.Chi2Pix.AsSpan(to, rows);
            for (int r = 0; r < rows; r++)
            {
                chi2[r] = chi2Pix[from + r];
            }
            resolution.Slice(from * diagonals, rows * diagonals).CopyTo(results.Resolution.AsSpan(to * diagonals, rows * diagonals));
            if (!modelPixels.IsEmpty)
            {
                int boxPixels = batch.Box(p).PixelCount;
                ReadOnlySpan<float> source = modelPixels.Slice(d[PatchDescriptor.Pixels], boxPixels);
                Span<double> target = results.Model.AsSpan((int)batch.ModelOffset[p], boxPixels);
                for (int k = 0; k < boxPixels; k++)
                {
                    target[k] = source[k];
                }
            }
        }
        times.Add(DeviceStage.Download, start, 0);
        return cpu;
    }

    /// <summary>Books a stage's time and FLOPs, waiting for the device first only when stages are timed.</summary>
    private void Stage(DeviceStage stage, long start, double flops, string label)
    {
        if (stageTiming)
        {
            device.Synchronize(label);
        }
        times.Add(stage, start, flops);
    }
}
