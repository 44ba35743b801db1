using System.Text.Json;
using GpuExtract.Core.Extraction;

namespace GpuExtract.Batch.Tests;

public class BatchReportTests
{
    private static ManifestEntry Entry(int index, string name) =>
        new(index, index + 2, $"/in/{name}.fits", "/psf/p.fits", $"/out/frame-{name}.fits", null, FrameSettings.None);

    [Fact]
    public void Report_CountsFramesAndSumsStageSeconds()
    {
        ManifestEntry[] assigned = [Entry(0, "a"), Entry(2, "b"), Entry(4, "c"), Entry(6, "d")];
        var report = new BatchReport(new RankPlacement(1, 2, 1, "Open MPI"), "/m.csv", 8, 1000)
        {
            Backend = "cpu: test",
            Threads = 3,
            Assigned = assigned,
            AssignedCost = 400,
        };
        report.Add(new FrameRecord
        {
            Entry = assigned[0],
            Status = FrameStatus.Extracted,
            Cost = 100,
            Times = new StageTimes { Read = 2.0, Plan = 0.5, Spots = 1.0, Solve = 4.0, Assemble = 0.25, Write = 0.25 },
            PrepareWaitSeconds = 2.0,
            WallSeconds = 8.0,
        });
        report.Add(new FrameRecord
        {
            Entry = assigned[1],
            Status = FrameStatus.Extracted,
            Cost = 100,
            Redone = "truncated",
            Times = new StageTimes { Read = 1.5, Solve = 3.0 },
            VerifySeconds = 0.5,
            PrepareWaitSeconds = 0.25,
            WallSeconds = 3.5,
        });
        report.Add(new FrameRecord { Entry = assigned[2], Status = FrameStatus.Skipped, VerifySeconds = 0.125, WallSeconds = 0.125 });

        using var running = JsonDocument.Parse(report.ToJson(finished: false));
        JsonElement root = running.RootElement;
        Assert.Equal("running", root.GetProperty("status").GetString());
        Assert.Equal(1, root.GetProperty("rank").GetInt32());
        Assert.Equal(2, root.GetProperty("size").GetInt32());
        Assert.Equal(4, root.GetProperty("frames_assigned").GetInt32());
        Assert.Equal(assigned.Select(e => e.Output), root.GetProperty("assigned_outputs").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal((2, 1, 0, 1), (root.GetProperty("extracted").GetInt32(), root.GetProperty("skipped").GetInt32(),
            root.GetProperty("failed").GetInt32(), root.GetProperty("pending").GetInt32()));
        JsonElement seconds = root.GetProperty("seconds");
        // On the read-ahead task: read 2 + 1.5, verify 0.5 + 0.125, plan 0.5, 4.625 s in all; the rank waited
        // 2 + 0.25 s: 2.375 s were hidden (0.5 of the first frame's 2.5, 1.75 of the second's 2, the skipped frame's 0.125).
        Assert.Equal(3.5, seconds.GetProperty("read").GetDouble(), 12);
        Assert.Equal(0.625, seconds.GetProperty("verify").GetDouble(), 12);
        Assert.Equal(0.5, seconds.GetProperty("plan").GetDouble(), 12);
        Assert.Equal(4.625, seconds.GetProperty("prepare").GetDouble(), 12);
        Assert.Equal(2.25, seconds.GetProperty("prepare_waited").GetDouble(), 12);
        Assert.Equal(2.375, seconds.GetProperty("prepare_hidden").GetDouble(), 12);
        Assert.Equal(7.0, seconds.GetProperty("solve").GetDouble(), 12);
        Assert.Equal(11.625, seconds.GetProperty("frames").GetDouble(), 12);
        JsonElement second = root.GetProperty("frames")[1];
        Assert.Equal("/out/frame-b.fits", second.GetProperty("output").GetString());
        Assert.Equal(4, second.GetProperty("line").GetInt32());
        Assert.Equal("truncated", second.GetProperty("redone").GetString());
        JsonElement secondSeconds = second.GetProperty("seconds");
        Assert.Equal((2.0, 0.25, 1.75), (secondSeconds.GetProperty("prepare").GetDouble(), secondSeconds.GetProperty("prepare_waited").GetDouble(),
            secondSeconds.GetProperty("prepare_hidden").GetDouble()));
        Assert.Equal(["/out/frame-c.fits"], root.GetProperty("skipped_outputs").EnumerateArray().Select(e => e.GetString()));

        report.Add(new FrameRecord { Entry = assigned[3], Status = FrameStatus.Failed, Error = "/in/d.fits: missing HDU IVAR" });
        using var directory = new BatchDirectory();
        string path = BatchReport.PathFor(directory.Path, 1);
        report.Write(path, finished: true);
        Assert.EndsWith("batch-report-rank1.json", path);
        using var finished = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal("finished", finished.RootElement.GetProperty("status").GetString());
        Assert.Equal(0, finished.RootElement.GetProperty("pending").GetInt32());
        JsonElement failure = finished.RootElement.GetProperty("failures").EnumerateArray().Single();
        Assert.Equal(8, failure.GetProperty("line").GetInt32());
        Assert.Equal("/in/d.fits: missing HDU IVAR", failure.GetProperty("error").GetString());
    }
}
