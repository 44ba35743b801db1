using System.Collections.Concurrent;
using GpuExtract.Core.Extraction;

namespace GpuExtract.Batch.Tests;

/// <summary>
/// A stand-in backend that solves nothing (results stay 0) but logs its frames into a shared event log, and
/// whose Solve of frame i does not return until <paramref name="mayFinish"/>(i) says so or
/// <paramref name="patience"/> runs out (logged as such, so a regression fails instead of hanging).
/// Frames are numbered by the order of <see cref="BeginFrame"/> calls.
/// </summary>
internal sealed class SolveWatchingBackend(ConcurrentQueue<string> events, Func<int, ManualResetEventSlim?> mayFinish, TimeSpan patience) : IExtractionBackend
{
    private int frame = -1;

    public string Description => "test: waits in Solve";

    public void BeginFrame(FrameInput input)
    {
        input.RequirePixelCounts();
        frame++;
    }

    public void Solve(PatchBatch batch, PatchResults results, Action<int>? patchesDone = null)
    {
        events.Enqueue($"solve {frame} started");
        if (mayFinish(frame) is { } signal && !signal.Wait(patience))
        {
            events.Enqueue($"solve {frame} gave up waiting after {patience.TotalSeconds} s");
        }
        patchesDone?.Invoke(batch.Count);
        events.Enqueue($"solve {frame} done");
    }

    public void Dispose()
    {
    }
}
