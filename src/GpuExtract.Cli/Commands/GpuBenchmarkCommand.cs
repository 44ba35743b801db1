using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GpuExtract.Cli.Syntax;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Psf;
using GpuExtract.Cuda;
using GpuExtract.Cuda.Pipeline;

namespace GpuExtract.Cli.Commands;

/// <summary>
/// <c>gpuextract gpu-benchmark</c>: extracts one frame several times in one process (nothing written) and reports
/// wall times per stage, the device pipeline's per-stage times and FLOPs, frames per hour and the FLOP floor at the
/// GPU's FP64 rate, as JSON for perf/gpu-check.sh. The first run is a warm-up and is left out of the median.
/// </summary>
public sealed class GpuBenchmarkCommand : DocumentedCommand
{
    /// <summary>Peak FP64 rates [TFLOP/s] (tensor-core DGEMM where the GPU has it) of GPUs by name fragment, from NVIDIA's data sheets.</summary>
    private static readonly (string Name, double Tflops)[] Fp64Peaks =
    [
        ("H200", 67.0), ("H100 PCIe", 51.0), ("H100 NVL", 60.0), ("H100", 67.0), ("GH200", 67.0),
        ("A100", 19.5), ("A30", 10.3), ("V100", 7.8), ("B200", 40.0), ("L40", 1.4), ("A40", 0.6),
    ];

    private readonly Option<string> input = new("--input", "-i") { HelpName = "PREPROC", Description = "preproc image (.fits or .fits.gz)", Required = true };
    private readonly Option<string> psfFile = new("--psf", "-p") { HelpName = "PSF", Description = "GAUSS-HERMITE PSF file", Required = true };
    private readonly ExtractionOptionSet extraction = new();
    private readonly Option<int> repeat = new("--repeat") { HelpName = "N", Description = "extractions to time (the first is a warm-up)", DefaultValueFactory = _ => 4, CustomParser = OptionParsers.Integer(minimum: 2) };
    private readonly Option<string?> json = new("--json") { HelpName = "FILE", Description = "write the figures as JSON" };

    public GpuBenchmarkCommand() : base("gpu-benchmark", "Time repeated extractions of one frame (device stages, frames per hour) as JSON")
    {
        Add(input);
        Add(psfFile);
        extraction.AddTo(this);
        Add(repeat);
        Add(json);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        int repeatCount = parse.GetValue(repeat);
        var clock = Stopwatch.StartNew();
        PreprocImage image = PreprocImage.Read(parse.GetRequiredValue(input));
        GaussHermitePsf psf = GaussHermitePsf.Load(parse.GetRequiredValue(psfFile));
        double readSeconds = clock.Elapsed.TotalSeconds;
        ExtractionOptions options = extraction.ToOptions(parse, psf, computeModel: false);
        clock.Restart();
        using IExtractionBackend backend = extraction.CreateBackend(parse, Console.Error);
        double openSeconds = clock.Elapsed.TotalSeconds;
        var gpu = backend as CudaBackend;

        var runs = new List<Dictionary<string, object>>();
        var totals = new List<double>();
        int patches = 0;
        for (int run = 0; run < repeatCount; run++)
        {
            gpu?.StageTimes.Clear();
            int cpuBefore = gpu?.CpuPatches ?? 0, batchesBefore = gpu?.Batches ?? 0;
            var times = new StageTimes();
            FrameExtraction.Result result = FrameExtraction.Run(image, psf, options, backend, null, times);
            patches = result.PatchCount;
            double total = times.Plan + times.Spots + times.Solve + times.Assemble;
            var record = new Dictionary<string, object>
            {
                ["warm_up"] = run == 0,
                ["seconds"] = new Dictionary<string, double>
                {
                    ["plan"] = times.Plan,
                    ["spots"] = times.Spots,
                    ["solve"] = times.Solve,
                    ["assemble"] = times.Assemble,
                    ["total_excluding_read"] = total,
                },
            };
            if (gpu is not null)
            {
                record["device_stage_seconds"] = Enum.GetValues<DeviceStage>().ToDictionary(s => s.ToString(), s => gpu.StageTimes.Seconds(s));
                record["device_stage_flops"] = Enum.GetValues<DeviceStage>().ToDictionary(s => s.ToString(), s => gpu.StageTimes.Flops(s));
                record["cpu_patches"] = gpu.CpuPatches - cpuBefore;
                record["batches"] = gpu.Batches - batchesBefore;
            }
            runs.Add(record);
            if (run > 0)
            {
                totals.Add(total);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}{(run == 0 ? " (warm-up)" : "")}: plan {times.Plan:0.000} s, spots {times.Spots:0.000} s, solve {times.Solve:0.000} s, assemble {times.Assemble:0.000} s, total {total:0.000} s"));
        }
        totals.Sort();
        double median = totals[totals.Count / 2];
        double flops = gpu?.StageTimes.TotalFlops ?? 0;
        double? peak = null;
        foreach (var (name, tflops) in Fp64Peaks)
        {
            if (gpu is not null && peak is null && gpu.Description.Contains(name, StringComparison.Ordinal))
            {
                peak = tflops;
            }
        }
        string floor = peak is double p2 ? string.Create(CultureInfo.InvariantCulture, $", floor {flops / (p2 * 1e12) * 1e3:0.0} ms at {p2} TFLOP/s FP64") : "";
        string pipeline = gpu is null ? "" : string.Create(CultureInfo.InvariantCulture, $"; pipeline {flops / 1e12:0.00} TFLOP{floor}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{backend.Description}: {options.NSpec} fibers x {options.Wavelengths.Length} wavelengths, {patches} patches; median {median:0.000} s per frame (reading excluded) = {3600 / median:0} frames per hour{pipeline}"));

        if (parse.GetValue(json) is { } jsonPath)
        {
            var document = new Dictionary<string, object?>
            {
                ["backend"] = backend.Description,
                ["input"] = image.FileName,
                ["nspec"] = options.NSpec,
                ["nwave"] = options.Wavelengths.Length,
                ["patches"] = patches,
                ["read_seconds"] = readSeconds,
                ["backend_open_seconds"] = openSeconds,
                ["runs"] = runs,
                ["median_seconds_excluding_read"] = median,
                ["frames_per_hour"] = 3600 / median,
                ["pipeline_flops_per_frame"] = flops,
                ["fp64_peak_tflops"] = peak,
                ["flop_floor_seconds"] = peak is double p3 ? flops / (p3 * 1e12) : null,
            };
            File.WriteAllText(jsonPath, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
        }
        return 0;
    }
}
