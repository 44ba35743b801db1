using System.Diagnostics;
using System.Text.Json;
using GpuExtract.Batch;
using GpuExtract.Testing;

namespace GpuExtract.Cli.Tests.Batch;

/// <summary>
/// <c>gpuextract batch</c> end to end, as users run it: the real program in child processes, alone, as
/// an srun task (Slurm variables), and under OpenMPI's mpirun with a rank killed by SIGKILL mid-run.
/// </summary>
public sealed class BatchRunTests(SimulatedBatch batch) : IClassFixture<SimulatedBatch>
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(90);

    /// <summary>One uninterrupted single-rank run of the whole manifest: the result every other run must reproduce.</summary>
    private static readonly Lock ReferenceGate = new();
    private static (string Directory, int ExitCode, string Stdout, string Stderr)? reference;

    private (string Directory, int ExitCode, string Stdout, string Stderr) Reference()
    {
        lock (ReferenceGate)
        {
            if (reference is null || !Directory.Exists(reference.Value.Directory))
            {
                string outdir = batch.NewOutputDirectory("one-rank");
                using var run = BatchProcess.StartGpuExtract(batch.Root, "batch", "--manifest", batch.Manifest, "--outdir", outdir);
                int code = run.WaitForExit(RunLimit);
                reference = (outdir, code, run.Stdout, run.Stderr);
            }
            return reference.Value;
        }
    }

    [SkippableFact]
    public void OneRank_ExtractsEveryFrame_HidesReadingAndPlanning_AndSkipsVerifiedOutputsOnRerun()
    {
        var (outdir, code, stdout, stderr) = Reference();
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        using JsonDocument first = ReadReport(outdir, 0);
        JsonElement report = first.RootElement;
        Assert.Equal(("finished", 1, SimulatedBatch.FrameCount, 0), (report.GetProperty("status").GetString(), report.GetProperty("size").GetInt32(),
            report.GetProperty("extracted").GetInt32(), report.GetProperty("failed").GetInt32()));
        for (int i = 0; i < SimulatedBatch.FrameCount; i++)
        {
            string output = Path.Combine(outdir, SimulatedBatch.OutputName(i));
            Assert.Equal(OutputState.Valid, OutputVerification.Check(output).State);
        }
        // Frames 2..4 were verified, read and planned while the previous frame solved (which takes longer than
        // preparing these small frames): most of their preparation must be hidden; only the first frame's is waited for.
        JsonElement seconds = report.GetProperty("seconds");
        double hidden = seconds.GetProperty("prepare_hidden").GetDouble();
        JsonElement[] later = [.. report.GetProperty("frames").EnumerateArray().Skip(1).Select(f => f.GetProperty("seconds"))];
        double prepareAfterFirst = later.Sum(f => f.GetProperty("prepare").GetDouble());
        Assert.All(later, f => Assert.Equal(f.GetProperty("read").GetDouble() + f.GetProperty("verify").GetDouble() + f.GetProperty("plan").GetDouble(),
            f.GetProperty("prepare").GetDouble(), 5e-6));
        Assert.True(later.All(f => f.GetProperty("plan").GetDouble() > 0) && hidden >= 0.5 * prepareAfterFirst,
            $"frames 2..{SimulatedBatch.FrameCount} prepared in {prepareAfterFirst:0.000} s, waited {seconds.GetProperty("prepare_waited").GetDouble():0.000} s in all: only {hidden:0.000} s hidden");

        using var rerun = BatchProcess.StartGpuExtract(batch.Root, "batch", "--manifest", batch.Manifest, "--outdir", outdir);
        Assert.Equal(0, rerun.WaitForExit(RunLimit));
        using JsonDocument second = ReadReport(outdir, 0);
        Assert.Equal((0, SimulatedBatch.FrameCount), (second.RootElement.GetProperty("extracted").GetInt32(), second.RootElement.GetProperty("skipped").GetInt32()));
    }

    /// <summary>
    /// Two ranks under mpirun; rank 1 is sent SIGKILL from outside as soon as its report shows its first
    /// frame written (mpirun then takes rank 0 down too). One finished output is then truncated. A rerun
    /// skips what verifies, redoes the truncated frame and the missing ones, and every output equals the
    /// single-rank run's (byte for byte, or within float32 rounding: see <see cref="FrameComparison"/>).
    /// </summary>
    [SkippableFact]
    public void Mpirun_RankKilledMidRun_RerunRedoesMissingAndTruncatedFrames_AndMatchesOneRank()
    {
        TestEnvironment.SkipUnless(BatchProcess.Mpirun is not null, "mpirun is not installed (apt-get install openmpi-bin)", isInteropTool: true);
        var (referenceDirectory, referenceCode, _, referenceErrors) = Reference();
        Assert.True(referenceCode == 0, referenceErrors);
        string outdir = batch.NewOutputDirectory("mpirun");
        string[] args = ["batch", "--manifest", batch.Manifest, "--outdir", outdir];

        string killedOutput, pendingOutput;
        using (var run = BatchProcess.StartMpirun(2, batch.Root, args))
        {
            var clock = Stopwatch.StartNew();
            JsonElement? rank1 = null;
            while (rank1 is null)
            {
                Assert.False(run.HasExited, $"mpirun ended before rank 1 finished a frame:\n{run.Stdout}\n{run.Stderr}");
                Assert.True(clock.Elapsed < RunLimit, $"rank 1 wrote no frame in {RunLimit.TotalSeconds} s:\n{run.Stdout}\n{run.Stderr}");
                if (TryReadReport(outdir, 1) is { } document && document.RootElement.GetProperty("extracted").GetInt32() >= 1)
                {
                    rank1 = document.RootElement.Clone();
                }
                else
                {
                    Thread.Sleep(20);
                }
            }
            int pid = rank1.Value.GetProperty("pid").GetInt32();
            using (var rank = Process.GetProcessById(pid))
            {
                rank.Kill(); // SIGKILL on Linux: no handler, no cleanup, as an out-of-memory kill or a node failure
            }
            int code = run.WaitForExit(RunLimit);
            Assert.True(code != 0, $"mpirun exited 0 although rank 1 was killed:\n{run.Stdout}");
            killedOutput = rank1.Value.GetProperty("frames")[0].GetProperty("output").GetString()!;
            pendingOutput = rank1.Value.GetProperty("assigned_outputs").EnumerateArray().Last().GetString()!;
        }
        using (JsonDocument afterKill = ReadReport(outdir, 1))
        {
            Assert.Equal("running", afterKill.RootElement.GetProperty("status").GetString());
        }
        Assert.False(File.Exists(pendingOutput), $"rank 1 had already written {pendingOutput}: the kill was not mid-run");

        // Damage one finished frame as a bad copy or a full disk would.
        byte[] whole = File.ReadAllBytes(killedOutput);
        File.WriteAllBytes(killedOutput, whole[..^1000]);
        var intact = Enumerable.Range(0, SimulatedBatch.FrameCount)
            .Select(i => Path.Combine(outdir, SimulatedBatch.OutputName(i)))
            .Where(path => File.Exists(path) && path != killedOutput)
            .ToHashSet();

        using (var rerun = BatchProcess.StartMpirun(2, batch.Root, args))
        {
            int code = rerun.WaitForExit(RunLimit);
            Assert.True(code == 0, $"rerun exit {code}:\n{rerun.Stdout}\n{rerun.Stderr}");
        }
        var statuses = new Dictionary<string, (string Status, string? Redone)>();
        for (int rank = 0; rank < 2; rank++)
        {
            using JsonDocument report = ReadReport(outdir, rank);
            Assert.Equal(("finished", "Open MPI"), (report.RootElement.GetProperty("status").GetString(), report.RootElement.GetProperty("launcher").GetString()));
            foreach (JsonElement frame in report.RootElement.GetProperty("frames").EnumerateArray())
            {
                statuses.Add(frame.GetProperty("output").GetString()!,
                    (frame.GetProperty("status").GetString()!, frame.TryGetProperty("redone", out JsonElement redone) ? redone.GetString() : null));
            }
        }
        Assert.Equal(SimulatedBatch.FrameCount, statuses.Count);
        foreach (var (output, (status, redone)) in statuses)
        {
            string expected = intact.Contains(output) ? "skipped" : "extracted";
            Assert.True(status == expected, $"{output}: {status}, expected {expected}");
        }
        Assert.Contains("truncated", statuses[killedOutput].Redone);

        for (int i = 0; i < SimulatedBatch.FrameCount; i++)
        {
            string output = Path.Combine(outdir, SimulatedBatch.OutputName(i));
            Assert.Equal(OutputState.Valid, OutputVerification.Check(output).State);
            FrameComparison.AssertSameExtraction(Path.Combine(referenceDirectory, SimulatedBatch.OutputName(i)), output);
        }
        Assert.Empty(Directory.GetFiles(outdir, ".*.tmp"));
    }

    /// <summary>
    /// An srun task (SLURM_PROCID=1 of 2, step set) takes its share only; a frame whose input is missing
    /// fails with its error in the report and on stderr, and the next frame is still extracted (exit 1).
    /// </summary>
    [SkippableFact]
    public void SrunTask_TakesItsShare_AndAFailingFrameDoesNotStopTheOthers()
    {
        var (referenceDirectory, referenceCode, _, referenceErrors) = Reference();
        Assert.True(referenceCode == 0, referenceErrors);
        string outdir = batch.NewOutputDirectory("srun");
        string manifest = Path.Combine(batch.Root, "with-missing.csv");
        // Equal costs go round-robin: rank 1 gets lines 3 and 5 (the missing input, then preproc-2).
        File.WriteAllLines(manifest,
        [
            "input,psf,output,wmin,wmax,dw,specmin,nspec",
            "preproc-0.fits.gz,psf-r0.fits,a.fits,6000,6300,0.8,0,5",
            "no-such-preproc.fits,psf-r0.fits,b.fits,6000,6300,0.8,0,5",
            "preproc-1.fits.gz,psf-r0.fits,c.fits,6000,6300,0.8,0,5",
            "preproc-2.fits.gz,psf-r0.fits,d.fits,6000,6300,0.8,0,5",
        ]);
        // Started as an srun task would be: these are the variables slurmstepd sets for task 1 of a 2-task step.
        var srunTask = new Dictionary<string, string>
        {
            ["SLURM_JOB_ID"] = "4242",
            ["SLURM_STEP_ID"] = "0",
            ["SLURM_PROCID"] = "1",
            ["SLURM_LOCALID"] = "1",
            ["SLURM_NTASKS"] = "2",
            ["SLURM_STEP_NUM_TASKS"] = "2",
        };
        using var run = BatchProcess.StartGpuExtract(batch.Root, srunTask, "batch", "--manifest", manifest, "--outdir", outdir);
        int code = run.WaitForExit(RunLimit);
        Assert.True(code == 1, $"exit {code}, expected 1 (a frame failed):\n{run.Stdout}\n{run.Stderr}");
        Assert.Contains("no-such-preproc.fits (manifest line 3) failed", run.Stderr);

        Assert.False(File.Exists(Path.Combine(outdir, "a.fits")), "rank 1 extracted rank 0's frame");
        Assert.False(File.Exists(Path.Combine(outdir, "c.fits")), "rank 1 extracted rank 0's frame");
        FrameComparison.AssertSameExtraction(Path.Combine(referenceDirectory, SimulatedBatch.OutputName(2)), Path.Combine(outdir, "d.fits"));
        using JsonDocument report = ReadReport(outdir, 1);
        JsonElement root = report.RootElement;
        Assert.Equal(("Slurm", 1, 2, 1, 1), (root.GetProperty("launcher").GetString(), root.GetProperty("rank").GetInt32(), root.GetProperty("size").GetInt32(),
            root.GetProperty("extracted").GetInt32(), root.GetProperty("failed").GetInt32()));
        JsonElement failure = root.GetProperty("failures").EnumerateArray().Single();
        Assert.Equal(3, failure.GetProperty("line").GetInt32());
        Assert.Contains("no-such-preproc.fits", failure.GetProperty("error").GetString());
    }

    [SkippableTheory]
    [InlineData("input,psf,output,wmin,wmax,dw\npreproc-0.fits.gz,psf-r0.fits,o.fits,6000,6100,0.8\npreproc-1.fits.gz,psf-r0.fits,p.fits,6000,6l00,0.8\n",
        "bad.csv, line 3, column 5 (wmax): expected a number, got '6l00'")]
    [InlineData("input,psf,output\n\"preproc-0.fits.gz,psf-r0.fits,o.fits\n", "bad.csv, line 2, column 1: quoted field has no closing quote (fields cannot span lines)")]
    public void BadManifest_ExitsTwoNamingFileLineAndColumn(string text, string expected)
    {
        string manifest = Path.Combine(batch.Root, "bad.csv");
        File.WriteAllText(manifest, text);
        var (code, _, stderr) = CliRunner.Run("batch", "--manifest", manifest, "--outdir", batch.NewOutputDirectory("bad"));
        Assert.Equal(2, code);
        Assert.Equal($"gpuextract: {Path.Combine(batch.Root, expected)}", stderr.Trim());
    }

    [SkippableFact]
    public void UnknownCamera_IsAUsageError()
    {
        // The camera is checked before the manifest is read: this manifest need not exist.
        var (code, _, stderr) = CliRunner.Run("batch", "--manifest", Path.Combine(batch.Root, "unread.csv"), "--camera", "q");
        Assert.Equal(2, code);
        Assert.Contains("--camera expects b, r or z", stderr);
    }

    /// <summary>The JSON report that rank <paramref name="rank"/> wrote in <paramref name="outdir"/>; fails the test when there is none.</summary>
    private static JsonDocument ReadReport(string outdir, int rank) =>
        TryReadReport(outdir, rank) ?? throw new Xunit.Sdk.XunitException($"no report for rank {rank} in {outdir}");

    private static JsonDocument? TryReadReport(string outdir, int rank)
    {
        string path = BatchReport.PathFor(outdir, rank);
        return File.Exists(path) ? JsonDocument.Parse(File.ReadAllText(path)) : null;
    }
}
