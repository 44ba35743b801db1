using System.CommandLine;
using GpuExtract.Cli.Syntax;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Validation;

namespace GpuExtract.Cli.Commands;

/// <summary>
/// <c>gpuextract compare FRAME REFERENCE</c>: the differences between two frame files (see <see cref="GpuExtract.Core.Validation.FrameAgreement"/>),
/// checked against limits: by default the GPU-vs-CPU limits of the GPU backend (pull &lt; 1e-4, ivar &lt; 1e-6
/// relative, resolution &lt; 1e-6), with <c>--reference</c> the limits against DESI's reference code (pull &lt; 0.01 for
/// 99.9 % of bins and &lt; 0.02 for all, ivar &lt; 1e-3, resolution &lt; 1e-4). Exit 0 within the limits, 1 outside.
/// </summary>
public sealed class CompareCommand : DocumentedCommand
{
    private readonly Argument<string> frameArgument = new("FRAME") { Description = "the frame to check" };
    private readonly Argument<string> referenceArgument = new("REFERENCE") { Description = "the frame taken as the reference (its ivar weighs the pulls)" };
    private readonly Option<bool> reference = new("--reference") { Description = "use the limits against DESI's reference implementation instead of the GPU-vs-CPU limits" };
    private readonly Option<double?> maxPull = new("--max-pull") { HelpName = "X", Description = "largest allowed pull |dflux|*sqrt(ivar_ref) (default: 1e-4, or 0.02 with --reference)", CustomParser = OptionParsers.OptionalNumber() };
    private readonly Option<double?> maxIvar = new("--max-ivar") { HelpName = "X", Description = "largest allowed relative ivar difference (default: 1e-6, or 1e-3 with --reference)", CustomParser = OptionParsers.OptionalNumber() };
    private readonly Option<double?> maxResolution = new("--max-resolution") { HelpName = "X", Description = "largest allowed absolute resolution difference (default: 1e-6, or 1e-4 with --reference)", CustomParser = OptionParsers.OptionalNumber() };
    private readonly Option<string?> json = new("--json") { HelpName = "FILE", Description = "also write the figures as JSON" };

    public CompareCommand() : base("compare", "Compare a frame file with a reference frame (pulls, ivar, resolution)")
    {
        Add(frameArgument);
        Add(referenceArgument);
        foreach (Option option in (Option[])[reference, maxPull, maxIvar, maxResolution, json])
        {
            Add(option);
        }
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        bool againstReference = parse.GetValue(reference);
        double pullLimit = parse.GetValue(maxPull) ?? (againstReference ? 0.02 : 1e-4);
        double share = againstReference ? 0.999 : 0.0;
        double ivarLimit = parse.GetValue(maxIvar) ?? (againstReference ? 1e-3 : 1e-6);
        double resolutionLimit = parse.GetValue(maxResolution) ?? (againstReference ? 1e-4 : 1e-6);
        string framePath = parse.GetRequiredValue(frameArgument);
        string referencePath = parse.GetRequiredValue(referenceArgument);
        Frame frame = FrameFile.Read(framePath);
        Frame referenceFrame = FrameFile.Read(referencePath);
        FrameAgreement comparison = FrameAgreement.Measure(frame, referenceFrame);
        bool pass = comparison.Within(pullLimit, share, ivarLimit, resolutionLimit);
        Console.WriteLine($"{framePath} vs {referencePath}: {comparison.Summary()}");
        Console.WriteLine(pass ? "within limits" : $"OUTSIDE limits (pull < {pullLimit:g3}{(againstReference ? ", 99.9 % below 0.01" : "")}, ivar < {ivarLimit:g3}, resolution < {resolutionLimit:g3})");
        if (parse.GetValue(json) is { } jsonPath)
        {
            var limits = new Dictionary<string, double> { ["max_pull"] = pullLimit, ["min_share_below_0.01"] = share, ["max_ivar_relative"] = ivarLimit, ["max_resolution"] = resolutionLimit };
            File.WriteAllText(jsonPath, comparison.ToJson(pass, limits));
        }
        return pass ? 0 : 1;
    }
}
