using System.Diagnostics;

namespace GpuExtract.Batch;

/// <summary>
/// Loads item i+1 on a background task while the caller works on item i, so reading the next frame's
/// inputs (25–30 % of the reference GPU code's wall time) and preparing it (weights, patch plan: see
/// <see cref="FramePreparation"/>) hide behind the current frame's solve. At most two items are loaded at
/// once. A load that throws is handed over as that item's error; the others go on.
/// </summary>
public static class FrameReadAhead
{
    /// <summary>One loaded item, in order.</summary>
    /// <param name="Item">The item.</param>
    /// <param name="Value">What the loader returned; default when it threw.</param>
    /// <param name="Error">What the loader threw, or null.</param>
    /// <param name="LoadSeconds">Seconds the load took, on its background task.</param>
    /// <param name="WaitSeconds">Seconds the caller waited for it: the part of the load that was not hidden.</param>
    public sealed record Loaded<TItem, TValue>(TItem Item, TValue? Value, Exception? Error, double LoadSeconds, double WaitSeconds)
    {
        /// <summary>Load seconds that overlapped the caller's work on the previous item.</summary>
        public double HiddenSeconds => Math.Max(0, LoadSeconds - WaitSeconds);
    }

    /// <summary>
    /// Yields every item of <paramref name="items"/> loaded by <paramref name="load"/>, in order; the next
    /// item's load starts as each item is handed out.
    /// </summary>
    public static IEnumerable<Loaded<TItem, TValue>> Run<TItem, TValue>(IReadOnlyList<TItem> items, Func<TItem, TValue> load)
    {
        Task<(TValue? Value, Exception? Error, double Seconds)>? pending = items.Count > 0 ? Start(items[0], load) : null;
        try
        {
            for (int i = 0; i < items.Count; i++)
            {
                var wait = Stopwatch.StartNew();
                var (value, error, seconds) = pending!.GetAwaiter().GetResult();
                double waited = wait.Elapsed.TotalSeconds;
                pending = i + 1 < items.Count ? Start(items[i + 1], load) : null;
                yield return new Loaded<TItem, TValue>(items[i], value, error, seconds, Math.Min(waited, seconds));
            }
        }
        finally
        {
            // A caller that stops early still waits for the load in flight, so nothing outlives the run.
            if (pending is not null)
            {
                try
                {
                    pending.Wait();
                }
                catch (AggregateException)
                {
                    // Errors are captured inside the task; nothing to report for an item never asked for.
                }
            }
        }
    }

    private static Task<(TValue? Value, Exception? Error, double Seconds)> Start<TItem, TValue>(TItem item, Func<TItem, TValue> load) =>
        Task.Factory.StartNew(() =>
        {
            var clock = Stopwatch.StartNew();
            try
            {
                TValue value = load(item);
                return (value, (Exception?)null, clock.Elapsed.TotalSeconds);
            }
            catch (Exception e)
            {
                return (default(TValue), e, clock.Elapsed.TotalSeconds);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
