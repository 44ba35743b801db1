using GpuExtract.Cli.CommandLine;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Validation;

namespace GpuExtract.Cli.Commands;

/// <summary>
/// <c>gpuextract compare FRAME REFERENCE</c>: the differences between two frame files (see <see cref="FrameAgreement"/>),
/// checked against limits: by default the GPU-vs-CPU limits of the GPU backend (pull &lt; 1e-4, ivar &lt; 1e-6
/// relative, resolution &lt; 1e-6), with <c>--reference</c> the limits against DESI's reference code (pull &lt; 0.01 for
/// 99.9 % of bins and &lt; 0.02 for all, ivar &lt; 1e-3, resolution &lt; 1e-4). Exit 0 within the limits, 1 outside.
/// </summary>
public static class CompareCommand
{
    public static CommandSpec Spec { get; } = new CommandSpec("compare", "Compare a frame file with a reference frame (pulls, ivar, resolution)", Run)
        .Positional("FRAME", "the frame to check")
        .Positional("REFERENCE", "the frame taken as the reference (its ivar weighs the pulls)")
        .Flag("--reference", "use the limits against DESI's reference implementation instead of the GPU-vs-CPU limits")
        .Option("--max-pull", null, "X", "largest allowed pull |dflux|*sqrt(ivar_ref)", defaultText: "1e-4, or 0.02 with --reference")
        .Option("--max-ivar", null, "X", "largest allowed relative ivar difference", defaultText: "1e-6, or 1e-3 with --reference")
        .Option("--max-resolution", null, "X", "largest allowed absolute resolution difference", defaultText: "1e-6, or 1e-4 with --reference")
        .Option("--json", null, "FILE", "also write the figures as JSON");

    private static int Run(ParsedArguments args)
    {
        bool reference = args.Has("--reference");
        double maxPull = args.GetDouble("--max-pull") ?? (reference ? 0.02 : 1e-4);
        double share = reference ? 0.999 : 0.0;
        double maxIvar = args.GetDouble("--max-ivar") ?? (reference ? 1e-3 : 1e-6);
        double maxResolution = args.GetDouble("--max-resolution") ?? (reference ? 1e-4 : 1e-6);
        Frame frame = FrameFile.Read(args.Positionals[0]);
        Frame referenceFrame = FrameFile.Read(args.Positionals[1]);
        FrameAgreement comparison = FrameAgreement.Measure(frame, referenceFrame);
        bool pass = comparison.Within(maxPull, share, maxIvar, maxResolution);
        Console.WriteLine($"{args.Positionals[0]} vs {args.Positionals[1]}: {comparison.Summary()}");
        Console.WriteLine(pass ? "within limits" : $"OUTSIDE limits (pull < {maxPull:g3}{(reference ? ", 99.9 % below 0.01" : "")}, ivar < {maxIvar:g3}, resolution < {maxResolution:g3})");
        if (args.GetString("--json") is { } json)
        {
            var limits = new Dictionary<string, double> { ["max_pull"] = maxPull, ["min_share_below_0.01"] = share, ["max_ivar_relative"] = maxIvar, ["max_resolution"] = maxResolution };
            File.WriteAllText(json, comparison.ToJson(pass, limits));
        }
        return pass ? 0 : 1;
    }
}
