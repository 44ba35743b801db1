using GpuExtract.Core.Extraction;
using GpuExtract.Cpu;
using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.Cuda.Pipeline;

/// <summary>
/// Solves chosen patches of a batch on the CPU (the reference implementation, <see cref="CpuBackend"/>): the
/// patches whose Cholesky failed on the device (the CPU then takes the reference's clipped-eigh path), and the
/// rest of a frame when the device fails. Spots are evaluated on the CPU only for the fibers those patches use.
/// </summary>
internal sealed class CpuPatchFallback(int threads, Func<ILapack> lapackFactory)
{
    /// <summary>Solves <paramref name="patches"/> (indices into <paramref name="batch"/>) into <paramref name="results"/>.</summary>
    public void Solve(FrameInput frame, PatchBatch batch, IReadOnlyList<int> patches, PatchResults results, Action<int>? patchesDone)
    {
        if (patches.Count == 0)
        {
            return;
        }
        var subset = new PatchBatch(patches.Count);
        int fiberStart = int.MaxValue, fiberEnd = int.MinValue;
        for (int i = 0; i < patches.Count; i++)
        {
            int p = patches[i];
            subset.FiberStart[i] = batch.FiberStart[p];
            subset.FiberCount[i] = batch.FiberCount[p];
            subset.KeepFiberOffset[i] = batch.KeepFiberOffset[p];
            subset.KeepFiberCount[i] = batch.KeepFiberCount[p];
            subset.WaveStart[i] = batch.WaveStart[p];
            subset.WaveCount[i] = batch.WaveCount[p];
            subset.CoreOffset[i] = batch.CoreOffset[p];
            subset.CoreCount[i] = batch.CoreCount[p];
            subset.XMin[i] = batch.XMin[p];
            subset.XMax[i] = batch.XMax[p];
            subset.YMin[i] = batch.YMin[p];
            subset.YMax[i] = batch.YMax[p];
            // The frame's own output rows and model offsets: results land where the device's would have.
            subset.OutputOffset[i] = batch.OutputOffset[p];
            subset.ModelOffset[i] = batch.ModelOffset[p];
            fiberStart = Math.Min(fiberStart, batch.FiberStart[p]);
            fiberEnd = Math.Max(fiberEnd, batch.FiberStart[p] + batch.FiberCount[p]);
        }
        // Only the fibers these patches fit need spots (CpuBackend evaluates them for its FrameInput's fibers).
        var restricted = new FrameInput
        {
            NPixX = frame.NPixX,
            NPixY = frame.NPixY,
            Image = frame.Image,
            Weight = frame.Weight,
            Psf = frame.Psf,
            FiberStart = fiberStart,
            FiberCount = fiberEnd - fiberStart,
            GridWavelengths = frame.GridWavelengths,
            HalfDiagonals = frame.HalfDiagonals,
            PsfError = frame.PsfError,
            Regularize = frame.Regularize,
            DecorrelateFibers = frame.DecorrelateFibers,
            ComputeModel = frame.ComputeModel,
        };
        using var cpu = new CpuBackend(threads, lapackFactory);
        cpu.BeginFrame(restricted);
        cpu.Solve(subset, results, patchesDone);
    }
}
