namespace GpuExtract.Batch;

/// <summary>
/// When a rank rewrites its report. Rewriting after every frame costs O(frames) each time, O(frames²)
/// in all (10,000 quickly skipped frames once spent minutes rewriting an 8 MB file); instead the report
/// is rewritten when at least <see cref="MinimumInterval"/> has passed and at least
/// 1/<see cref="MaximumShare"/> times the last rewrite's cost, so rewriting takes at most that share of
/// the run. The rank always writes it at the start and the end; a kill loses at most the records of
/// the last interval, and resuming never depends on the report (outputs are verified instead).
/// </summary>
public sealed class ReportPacing(TimeSpan minimumInterval, double maximumShare)
{
    private TimeSpan _lastEnd = TimeSpan.MinValue;
    private TimeSpan _lastCost;

    /// <summary>Every 2 s at most, and at most 5% of the run.</summary>
    public static ReportPacing Default => new(TimeSpan.FromSeconds(2), 0.05);

    /// <summary>Shortest time between two rewrites.</summary>
    public TimeSpan MinimumInterval { get; } = minimumInterval;

    /// <summary>Largest fraction of the run spent rewriting the report.</summary>
    public double MaximumShare { get; } = maximumShare > 0 && maximumShare <= 1
        ? maximumShare
        : throw new ArgumentOutOfRangeException(nameof(maximumShare), maximumShare, "must be in (0, 1]");

    /// <summary>Whether a rewrite is due at <paramref name="now"/> (a monotonic clock reading).</summary>
    public bool IsDue(TimeSpan now)
    {
        if (_lastEnd == TimeSpan.MinValue)
        {
            return true;
        }
        TimeSpan wait = TimeSpan.FromTicks(Math.Max(MinimumInterval.Ticks, (long)(_lastCost.Ticks / MaximumShare)));
        return now - _lastEnd >= wait;
    }

    /// <summary>Records a rewrite that ran from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public void Written(TimeSpan start, TimeSpan end)
    {
        _lastEnd = end;
        _lastCost = end - start;
    }
}
