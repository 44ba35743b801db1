using GpuExtract.Core.Extraction;

namespace GpuExtract.Cuda.Pipeline;

/// <summary>
/// Solves chosen patches of a batch on the fallback backend the composition root hands in (the CPU backend, the
/// reference implementation): the patches whose Cholesky or eigh failed on the device (the CPU then takes the
/// reference's clipped-eigh path), and the rest of a frame when the device fails. The fallback backend is given a
/// frame restricted to the fibers those patches fit, so it evaluates spots only for them.
/// </summary>
internal sealed class CpuPatchFallback(Func<IExtractionBackend> backendFactory)
{
    /// <summary>Solves <paramref name="patches"/> (indices into <paramref name="batch"/>) into <paramref name="results"/>.</summary>
    public void Solve(FrameInput frame, PatchBatch batch, IReadOnlyList<int> patches, PatchResults results, Action<int>? patchesDone)
    {
        if (patches.Count == 0)
        {
            return;
        }
        PatchBatch subset = batch.Select(patches);
        int fiberStart = int.MaxValue, fiberEnd = int.MinValue;
        for (int i = 0; i < subset.Count; i++)
        {
            fiberStart = Math.Min(fiberStart, subset.FiberStart[i]);
            fiberEnd = Math.Max(fiberEnd, subset.FiberStart[i] + subset.FiberCount[i]);
        }
        FrameInput restricted = frame with { FiberStart = fiberStart, FiberCount = fiberEnd - fiberStart };
        using IExtractionBackend cpu = backendFactory();
        cpu.BeginFrame(restricted);
        cpu.Solve(subset, results, patchesDone);
    }
}
