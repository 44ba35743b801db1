namespace GpuExtract.Core.Extraction;

/// <summary>
/// A place where patches are solved: the CPU (SIMD + LAPACK) or a GPU. The frame driver gives it a
/// frame once, then large batches of patches; a backend keeps whatever it likes (spots, pixels) for
/// the whole frame, e.g. on the device.
/// </summary>
public interface IExtractionBackend : IDisposable
{
    /// <summary>What the user is told, e.g. "cpu: 2 threads, LAPACK OpenBLAS (native)".</summary>
    string Description { get; }

    /// <summary>Takes a frame's inputs and evaluates its spots. Must precede <see cref="Solve"/>.</summary>
    void BeginFrame(FrameInput frame);

    /// <summary>
    /// Solves every patch of <paramref name="batch"/> (offsets computed) into <paramref name="results"/>.
    /// <paramref name="patchesDone"/> is told, from time to time and from any thread, how many more
    /// patches have finished.
    /// </summary>
    void Solve(PatchBatch batch, PatchResults results, Action<int>? patchesDone = null);
}
