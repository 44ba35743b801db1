using System.Collections.Concurrent;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;

namespace GpuExtract.Batch.Tests;

/// <summary>
/// <c>batch</c>'s read-ahead as it runs: <see cref="FrameReadAhead"/> over <see cref="FramePreparation.Prepare"/>,
/// each frame then only solved (<see cref="FrameExtraction.SolveAndAssemble"/>). The next frame's weights and
/// patch plan must be built while the current frame is in the backend's Solve.
/// </summary>
public sealed class FramePreparationTests(SmallFrameFiles files) : IClassFixture<SmallFrameFiles>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Solve of frame i blocks until frame i+1's preparation has returned, with its plan and weights (else it gives
    /// up after <see cref="Patience"/> and the test fails). Each preparation is stretched by 0.2 s, as a full
    /// frame's would take longer, so that the time hidden is well above clock noise.
    /// </summary>
    [Fact]
    public void NextFramesPlan_IsBuiltWhileTheCurrentFrameSolves()
    {
        const double Stretch = 0.2;
        using var outdir = new BatchDirectory();
        ManifestEntry[] entries = [.. Enumerable.Range(0, SmallFrameFiles.FrameCount).Select(i => files.Entry(i, outdir.Path))];
        var preparation = new FramePreparation(new PsfCache(), (_, _) => SmallFrameFiles.Options, force: true);
        var events = new ConcurrentQueue<string>();
        ManualResetEventSlim[] prepared = [.. entries.Select(_ => new ManualResetEventSlim())];
        StagedFrame Prepare(ManifestEntry entry)
        {
            StagedFrame staged = preparation.Prepare(entry);
            Thread.Sleep(TimeSpan.FromSeconds(Stretch));
            events.Enqueue($"prepared {entry.Index}");
            prepared[entry.Index].Set();
            return staged;
        }
        using var backend = new SolveWatchingBackend(events, i => i + 1 < prepared.Length ? prepared[i + 1] : null, Patience);

        var loads = new List<FrameReadAhead.Loaded<ManifestEntry, StagedFrame>>();
        foreach (var loaded in FrameReadAhead.Run(entries, Prepare))
        {
            Assert.Null(loaded.Error);
            PreparedFrame frame = loaded.Value!.Frame ?? throw new InvalidOperationException("a frame without output was not prepared");
            Assert.True(frame.Plan.Patches.Count > 0 && frame.Plan.Patches.OutputCount == 5 * 376,
                $"{frame.Plan.Patches.Count} patches, {frame.Plan.Patches.OutputCount} kept bins: the plan of 5 fibers × 376 bins was not built");
            Assert.Equal(frame.Image.Image.Length, frame.Input.Weight.Length);
            FrameExtraction.SolveAndAssemble(frame, backend);
            loads.Add(loaded);
        }

        string[] log = [.. events];
        Assert.False(log.Any(e => e.Contains("gave up", StringComparison.Ordinal)), string.Join(", ", log));
        for (int i = 0; i + 1 < entries.Length; i++)
        {
            int next = Array.IndexOf(log, $"prepared {i + 1}"), solving = Array.IndexOf(log, $"solve {i} started"), solved = Array.IndexOf(log, $"solve {i} done");
            Assert.True(solving >= 0 && next > solving && solved > next,
                $"frame {i + 1} was not prepared during frame {i}'s solve: {string.Join(", ", log)}");
        }
        // The load a frame's record reports covers reading and planning, and all of it but clock noise was hidden.
        for (int i = 1; i < loads.Count; i++)
        {
            StagedFrame staged = loads[i].Value!;
            double covered = staged.ReadSeconds + staged.Frame!.PlanSeconds + Stretch;
            Assert.True(loads[i].LoadSeconds >= covered, $"frame {i}: load {loads[i].LoadSeconds:0.000} s < read + plan + stretch {covered:0.000} s");
            Assert.True(loads[i].HiddenSeconds >= 0.9 * Stretch, $"frame {i}: only {loads[i].HiddenSeconds:0.000} s of a {loads[i].LoadSeconds:0.000} s preparation hidden");
        }
    }

    /// <summary>
    /// Input the extraction rejects fails in the preparation, on the read-ahead task: handed over as that frame's
    /// error with the type and message <see cref="FrameExtraction.Run"/> gives, and the next frame goes on.
    /// </summary>
    [Fact]
    public void BadInput_IsThatFramesError_WithRunsMessage_AndTheNextFrameGoesOn()
    {
        using var outdir = new BatchDirectory();
        ManifestEntry[] entries = [.. Enumerable.Range(0, SmallFrameFiles.FrameCount).Select(i => files.Entry(i, outdir.Path))];
        // Frame 1 asks for fibers 22–26 of a 25-fiber PSF.
        ExtractionOptions Options(ManifestEntry entry) => entry.Index == 1 ? SmallFrameFiles.Options with { SpecMin = 22 } : SmallFrameFiles.Options;
        var preparation = new FramePreparation(new PsfCache(), (entry, _) => Options(entry), force: true);

        var loads = FrameReadAhead.Run(entries, preparation.Prepare).ToList();

        var psfs = new PsfCache();
        var psf = psfs.Load(files.Psf, out _);
        using var backend = new SolveWatchingBackend(new ConcurrentQueue<string>(), _ => null, Patience);
        var expected = Assert.Throws<ExtractionInputException>(() => FrameExtraction.Run(PreprocImage.Read(entries[1].Input, psf), psf, Options(entries[1]), backend));
        var actual = Assert.IsType<ExtractionInputException>(loads[1].Error);
        Assert.Equal(expected.Message, actual.Message);
        Assert.Null(loads[0].Error);
        Assert.Null(loads[2].Error);
        Assert.NotNull(loads[2].Value!.Frame);
    }
}
