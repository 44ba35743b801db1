using GpuExtract.Cli.CommandLine;
using GpuExtract.Cli.Commands;

namespace GpuExtract.Cli;

/// <summary>
/// Entry point of the <c>gpuextract</c> command. Exit codes: 0 success, 2 bad input or usage
/// (one line on stderr), 1 internal error (one line; <c>--verbose</c> adds the stack trace).
/// </summary>
public static class Program
{
    public const string Name = "gpuextract";

    /// <summary>Every sub-command, in the order <c>--help</c> lists them.</summary>
    public static IReadOnlyList<CommandSpec> Commands { get; } =
    [
        InfoCommand.Spec,
        PsfSpotCommand.Spec,
        ExtractCommand.Spec,
        SimulateCommand.Spec,
        DemoCommand.Spec,
        BatchCommand.Spec,
        EighBenchCommand.Spec,
        DevicesCommand.Spec,
        CompareCommand.Spec,
        GpuBenchmarkCommand.Spec,
    ];

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs one command line; the testable entry point.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            stdout.Write(Help());
            return args.Length == 0 ? 2 : 0;
        }
        if (args[0] == "--version")
        {
            stdout.WriteLine($"{Name} {typeof(Program).Assembly.GetName().Version}");
            return 0;
        }
        CommandSpec? command = null;
        foreach (var candidate in Commands)
        {
            if (candidate.Name == args[0] || (candidate.Name.Contains(' ') && args.Length > 1 && candidate.Name == args[0] + " " + args[1]))
            {
                command = candidate;
            }
        }
        if (command is null)
        {
            stderr.WriteLine($"{Name}: unknown command '{args[0]}' (see '{Name} --help')");
            return 2;
        }
        string[] rest = args[(command.Name.Count(c => c == ' ') + 1)..];
        if (rest.Contains("-h") || rest.Contains("--help"))
        {
            stdout.Write(command.Help(Name));
            return 0;
        }
        bool verbose = rest.Contains("--verbose");
        try
        {
            return command.Run(command.Parse(rest));
        }
        catch (Exception error) when (ErrorReport.IsInputError(error))
        {
            stderr.WriteLine($"{Name}: {ErrorReport.OneLine(error)}");
            if (verbose)
            {
                stderr.WriteLine(error);
            }
            return 2;
        }
        catch (Exception error)
        {
            stderr.WriteLine($"{Name}: internal error: {ErrorReport.OneLine(error)}{(verbose ? "" : " (--verbose shows the stack trace)")}");
            if (verbose)
            {
                stderr.WriteLine(error);
            }
            return 1;
        }
    }

    /// <summary>Text of <c>gpuextract --help</c>.</summary>
    public static string Help()
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"Usage: {Name} COMMAND [options]");
        text.AppendLine();
        text.AppendLine("Extracts 1-D spectra from 2-D spectrograph CCD frames (spectro-perfectionism, as DESI's specter).");
        text.AppendLine();
        text.AppendLine("Commands:");
        foreach (var command in Commands)
        {
            text.Append("  ").Append(command.Name.PadRight(16)).AppendLine(command.Summary);
        }
        text.AppendLine();
        text.AppendLine($"'{Name} COMMAND --help' describes a command. Exit codes: 0 success, 2 bad input or usage, 1 internal error.");
        return text.ToString();
    }
}
