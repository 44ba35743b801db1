using System.Text.Json;
using GpuExtract.Cli;
using GpuExtract.Core.Simulation;
using GpuExtract.Cuda.Pipeline;
using GpuExtract.Testing;
using Xunit.Abstractions;

namespace GpuExtract.Cli.Tests;

/// <summary>
/// <c>gpuextract gpu-benchmark --model-only</c> on the built-in simulated r frame (no device, no files), run once for the
/// class. The plan's shape is checked against DESI's patching rules worked by hand; the FLOP figures against their
/// definitions and the band solver's target.
/// </summary>
public sealed class GpuBenchmarkModelTests(GpuBenchmarkModelTests.ModelRun run, ITestOutputHelper output) : IClassFixture<GpuBenchmarkModelTests.ModelRun>
{
    /// <summary>The band solver's target (DESIGN §5) [FLOP per r frame].</summary>
    private const double TargetFlopsPerFrame = 2e11;

    private static readonly string[] Stages = ["Spots", "NormalEquations", "Cholesky", "Inverse", "Eigen", "Resolution", "Diagnostics"];

    /// <summary>The command's exit code, its JSON and the time it took.</summary>
    public sealed class ModelRun : IDisposable
    {
        private readonly TempDirectory _directory = new();

        public ModelRun()
        {
            string json = _directory.File("model.json");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            ExitCode = Program.Run(["gpu-benchmark", "--model-only", "--threads", "2", "--json", json], Console.Out, Console.Error);
            Seconds = clock.Elapsed.TotalSeconds;
            Document = File.Exists(json) ? JsonDocument.Parse(File.ReadAllText(json)) : null;
        }

        public int ExitCode { get; }

        public double Seconds { get; }

        public JsonDocument? Document { get; }

        public void Dispose()
        {
            Document?.Dispose();
            _directory.Dispose();
        }
    }

    private JsonElement Root
    {
        get
        {
            Assert.Equal(0, run.ExitCode);
            Assert.NotNull(run.Document);
            return run.Document.RootElement;
        }
    }

    /// <summary>
    /// 500 fibers in 20 bundles of 5 subbundles, 5760–7620 Å at 0.8 Å = 2326 bins in ⌈2326/50⌉ = 47 wavelength blocks:
    /// 4700 patches. The first and last subbundle of a bundle fit 6 fibers (one neighbour), the three others 7: 1880
    /// six-fiber patches (one batch of at most 2048) and 2820 seven-fiber ones (two batches).
    /// </summary>
    [Fact]
    public void ModelOnly_BuiltInFrame_HasDesisPatchesAndBatches()
    {
        JsonElement root = Root;
        Assert.True(root.GetProperty("model_only").GetBoolean());
        Assert.Equal(500, root.GetProperty("nspec").GetInt32());
        Assert.Equal(2326, root.GetProperty("nwave").GetInt32());
        Assert.Equal(4700, root.GetProperty("patches").GetInt32());
        Assert.Equal(3, root.GetProperty("batches").GetInt32());
        Assert.Equal(7, root.GetProperty("fiber_span").GetInt32());
        Assert.Equal("signal", root.GetProperty("decorrelation").GetString());
        int reach = root.GetProperty("reach_grid_steps").GetInt32();
        // Seven-fiber batches: KD = (D+1)·7 − 1, kd_p within it.
        Assert.Equal((reach + 1) * 7 - 1, root.GetProperty("max_band_half_width").GetInt32());
        Assert.InRange(root.GetProperty("max_patch_half_bandwidth").GetInt32(), root.GetProperty("median_patch_half_bandwidth").GetInt32(), (reach + 1) * 7 - 1);
        Assert.InRange(root.GetProperty("median_padded_unknowns").GetInt32(), root.GetProperty("median_unknowns").GetInt32(), root.GetProperty("max_padded_unknowns").GetInt32());
        output.WriteLine($"the model took {run.Seconds:0.0} s");
    }

    /// <summary>
    /// Every stage of both solvers has FLOPs, bytes and a time = max(FLOPs / rate, bytes / 3.35 TB/s); the stages add up to
    /// each solver's totals; the top level is the band solver's; the spots cost DeviceWorkModel.SpotFlops for every spot of
    /// the frame's grid; the band solver does less work and needs less memory per patch than the dense one.
    /// </summary>
    [Fact]
    public void ModelOnly_BuiltInFrame_ReportsEveryStageOfBothSolvers()
    {
        JsonElement root = Root;
        double bandwidth = root.GetProperty("hbm_bytes_per_second").GetDouble();
        Assert.Equal(3.35e12, bandwidth);
        Assert.Equal("band", root.GetProperty("device_solver").GetString());
        Assert.Equal(TargetFlopsPerFrame, root.GetProperty("target_flops_per_frame").GetDouble());
        JsonElement solvers = root.GetProperty("solvers");
        JsonElement band = solvers.GetProperty("band"), dense = solvers.GetProperty("dense");
        Assert.Equal(band.GetProperty("device_flops_per_frame").GetDouble(), root.GetProperty("device_flops_per_frame").GetDouble());
        Assert.Equal(band.GetProperty("device_seconds_per_frame").GetDouble(), root.GetProperty("device_seconds_per_frame").GetDouble());

        int grid = root.GetProperty("grid_wavelengths").GetInt32();
        foreach (JsonElement solver in (JsonElement[])[band, dense])
        {
            JsonElement stages = solver.GetProperty("stages");
            double flops = 0, bytes = 0, seconds = 0;
            foreach (string name in Stages)
            {
                JsonElement stage = stages.GetProperty(name);
                double f = stage.GetProperty("flops").GetDouble(), b = stage.GetProperty("bytes").GetDouble();
                double rate = stage.GetProperty("flops_per_second").GetDouble();
                Assert.True(f > 0 && b > 0, $"{name}: {f} FLOP, {b} B");
                Assert.Contains(rate, (double[])[34e12, 67e12]);
                Assert.Equal(Math.Max(f / rate, b / bandwidth), stage.GetProperty("seconds").GetDouble(), 1e-12);
                (flops, bytes, seconds) = (flops + f, bytes + b, seconds + stage.GetProperty("seconds").GetDouble());
            }
            Assert.Equal(flops, solver.GetProperty("device_flops_per_frame").GetDouble(), flops * 1e-12);
            Assert.Equal(bytes, solver.GetProperty("device_bytes_per_frame").GetDouble(), bytes * 1e-12);
            Assert.Equal(seconds, solver.GetProperty("device_seconds_per_frame").GetDouble(), 1e-12);
            Assert.Equal(DeviceWorkModel.SpotFlops(SyntheticPsf.Default) * 500 * grid, stages.GetProperty("Spots").GetProperty("flops").GetDouble(), 1e-3);
            long perPatch = solver.GetProperty("memory_bytes_per_patch").GetInt64();
            Assert.Equal(80_000_000_000 / perPatch, solver.GetProperty("patches_per_80gb").GetInt64());
        }
        double bandFlops = band.GetProperty("device_flops_per_frame").GetDouble();
        double denseFlops = dense.GetProperty("device_flops_per_frame").GetDouble();
        Assert.True(bandFlops < denseFlops, $"band {bandFlops:0.00e0} vs dense {denseFlops:0.00e0} FLOP per frame");
        Assert.True(band.GetProperty("memory_bytes_per_patch").GetInt64() < dense.GetProperty("memory_bytes_per_patch").GetInt64());
    }

    /// <summary>The band solver's target: ≤ 2·10¹¹ FLOP per r frame on the device, every device stage included.</summary>
    [Fact]
    public void ModelOnly_BandSolver_MeetsTheFlopTarget()
    {
        JsonElement root = Root;
        double flops = root.GetProperty("device_flops_per_frame").GetDouble();
        JsonElement stages = root.GetProperty("solvers").GetProperty("band").GetProperty("stages");
        string byStage = string.Join(", ", Stages.Select(s => $"{s} {stages.GetProperty(s).GetProperty("flops").GetDouble():0.00e0}"));
        Assert.True(flops <= TargetFlopsPerFrame, $"band solver {flops:0.00e0} FLOP per frame > target {TargetFlopsPerFrame:0e0} ({byStage})");
    }

    /// <summary>Without --model-only the benchmark extracts a real frame: --input and --psf are then required (exit 2, one line).</summary>
    [Theory]
    [InlineData("--input")]
    [InlineData("--psf")]
    public void Benchmark_WithoutModelOnly_RequiresInputAndPsf(string missing)
    {
        string[] given = missing == "--input" ? ["--psf", "psf.fits"] : ["--input", "preproc.fits"];
        var stderr = new StringWriter();
        Assert.Equal(2, Program.Run(["gpu-benchmark", .. given, "--backend", "cpu"], TextWriter.Null, stderr));
        Assert.Contains(missing, stderr.ToString());
    }
}
