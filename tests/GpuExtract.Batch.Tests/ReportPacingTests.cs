namespace GpuExtract.Batch.Tests;

/// <summary>The report of a long batch is rewritten a bounded number of times, not once per frame.</summary>
public class ReportPacingTests
{
    [Fact]
    public void TenThousandQuickFrames_RewriteTheReportOnlyEveryFewSeconds()
    {
        // 10,000 frames of 5 ms each (skips verify in milliseconds), a report costing 40 ms to write:
        // per-frame rewriting would take 400 s for a 50 s run. Pacing allows one rewrite per 2 s at least
        // and per 20× the last cost (5%), so at most 50 s / 2 s = 25 rewrites plus the first.
        var pacing = ReportPacing.Default;
        TimeSpan now = TimeSpan.Zero;
        int writes = 0;
        TimeSpan writing = TimeSpan.Zero;
        for (int frame = 0; frame < 10_000; frame++)
        {
            now += TimeSpan.FromMilliseconds(5);
            if (pacing.IsDue(now))
            {
                TimeSpan start = now;
                now += TimeSpan.FromMilliseconds(40);
                pacing.Written(start, now);
                writes++;
                writing += TimeSpan.FromMilliseconds(40);
            }
        }
        Assert.InRange(writes, 2, 26);
        Assert.True(writing.TotalSeconds <= 0.05 * now.TotalSeconds + 0.04, $"{writing.TotalSeconds} s of {now.TotalSeconds} s spent writing the report");
    }

    [Fact]
    public void ACostlyReport_IsRewrittenAtMostTheAllowedShareOfTheTime()
    {
        var pacing = new ReportPacing(TimeSpan.FromSeconds(1), 0.05);
        Assert.True(pacing.IsDue(TimeSpan.Zero));
        pacing.Written(TimeSpan.Zero, TimeSpan.FromSeconds(1));
        // A 1 s rewrite: the next one waits 20 s, not 1 s.
        Assert.False(pacing.IsDue(TimeSpan.FromSeconds(2)));
        Assert.False(pacing.IsDue(TimeSpan.FromSeconds(20.9)));
        Assert.True(pacing.IsDue(TimeSpan.FromSeconds(21)));
    }
}
