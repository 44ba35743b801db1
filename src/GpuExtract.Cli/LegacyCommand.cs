using System.CommandLine;
using GpuExtract.Cli.CommandLine;

namespace GpuExtract.Cli;

/// <summary>Runs a command still declared with the old parser (batch, eigh-bench) until it moves over.</summary>
internal static class LegacyCommand
{
    public static Command Wrap(CommandSpec spec)
    {
        var command = new Command(spec.Name, spec.Summary) { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(parse => spec.Run(spec.Parse(parse.UnmatchedTokens)));
        return command;
    }
}
