
namespace GpuExtract.Batch.Tests;

public class FrameReadAheadTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public void Items_ComeInOrder_AndAFailingLoadIsThatItemsError()
    {
        int[] items = [1, 2, 3, 4];
        var seen = new List<(int Item, int Value, string? Error)>();
        foreach (var loaded in FrameReadAhead.Run(items, i => i == 3 ? throw new InvalidDataException($"item {i} unreadable") : i * 10))
        {
            seen.Add((loaded.Item, loaded.Value, loaded.Error?.Message));
        }
        Assert.Equal([(1, 10, null), (2, 20, null), (3, 0, "item 3 unreadable"), (4, 40, null)], seen);
    }

    /// <summary>The next item's load runs while the caller still works on the current one (else this test times out).</summary>
    [Fact]
    public void NextLoad_RunsWhileTheCallerWorks()
    {
        using var secondLoadStarted = new ManualResetEventSlim();
        using var secondLoadFinished = new ManualResetEventSlim();
        string Load(string item)
        {
            if (item == "second")
            {
                secondLoadStarted.Set();
                Thread.Sleep(300);
                secondLoadFinished.Set();
            }
            return item.ToUpperInvariant();
        }

        var results = new List<FrameReadAhead.Loaded<string, string>>();
        foreach (var loaded in FrameReadAhead.Run(["first", "second"], Load))
        {
            results.Add(loaded);
            if (loaded.Item == "first")
            {
                // "Extracting" the first item: only returns once the second item has been read meanwhile.
                Assert.True(secondLoadStarted.Wait(Patience), "the second load did not start while the first item was being worked on");
                Assert.True(secondLoadFinished.Wait(Patience), "the second load did not finish");
            }
        }
        var second = results[1];
        Assert.Equal("SECOND", second.Value);
        Assert.True(second.LoadSeconds >= 0.29, $"load {second.LoadSeconds:0.000} s, slept 0.3 s");
        // Loaded before it was asked for: essentially no wait, all of the load hidden.
        Assert.True(second.WaitSeconds < 0.1, $"waited {second.WaitSeconds:0.000} s for a load that had finished");
        Assert.Equal(second.LoadSeconds - second.WaitSeconds, second.HiddenSeconds, 12);
    }

    [Fact]
    public void FirstLoad_IsWaitedFor()
    {
        var loaded = FrameReadAhead.Run([0], _ =>
        {
            Thread.Sleep(200);
            return 0;
        }).Single();
        Assert.True(loaded.WaitSeconds >= 0.15, $"waited {loaded.WaitSeconds:0.000} s for a 0.2 s load nothing could hide");
        Assert.True(loaded.HiddenSeconds < 0.1, $"hidden {loaded.HiddenSeconds:0.000} s");
    }

    [Fact]
    public void StoppingEarly_WaitsForTheLoadInFlight()
    {
        int loads = 0;
        using var release = new ManualResetEventSlim();
        foreach (var loaded in FrameReadAhead.Run([0, 1, 2], i =>
        {
            Interlocked.Increment(ref loads);
            return i == 1 ? throw new InvalidOperationException("never asked for") : i;
        }))
        {
            break;
        }
        // Item 1 was loading when the caller stopped; item 2 was never started.
        Assert.Equal(2, Volatile.Read(ref loads));
    }
}
