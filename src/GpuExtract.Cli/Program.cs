using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using GpuExtract.Cli.Commands;
using GpuExtract.Cli.Syntax;

namespace GpuExtract.Cli;

/// <summary>
/// Entry point of the <c>gpuextract</c> command. Exit codes: 0 success, 2 bad input or usage
/// (one line on stderr), 1 internal error (one line; <c>--verbose</c> adds the stack trace).
/// Arguments <c>@FILE</c> are replaced by the words of FILE (a response file).
/// </summary>
public static class Program
{
    public const string Name = "gpuextract";

    /// <summary>Every command, in the order <c>--help</c> lists them.</summary>
    public static IReadOnlyList<Command> Commands => CreateRootCommand().Subcommands.ToArray();

    public static int Main(string[] args) => Run(DesiExtractSpectra.Arguments(args), Console.Out, Console.Error);

    /// <summary>The command tree: every command, the recursive <c>--verbose</c>, help and version.</summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("Extracts 1-D spectra from 2-D spectrograph CCD frames (spectro-perfectionism, as DESI's specter).")
        {
            new InfoCommand(),
            new PsfCommand(),
            new ExtractCommand(),
            new SimulateCommand(),
            new DemoCommand(),
            new QaCommand(),
            new BatchCommand(),
            new EighBenchCommand(),
            new DevicesCommand(),
            new CompareCommand(),
            new GpuBenchmarkCommand(),
            Verbose,
        };
        OptionParsers.LastOccurrenceWins(root);
        return root;
    }

    /// <summary><c>--verbose</c>, accepted by every command: an error also prints its stack trace.</summary>
    public static Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Show the stack trace of an error (desi_extract_spectra's -v: print more)", Recursive = true };

    /// <summary>Runs one command line; the testable entry point.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        RootCommand root = CreateRootCommand();
        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        if (args.Length == 0)
        {
            HelpText.Write(root.Parse(["--help"]), stdout);
            return 2;
        }
        ParseResult parse = root.Parse(args);
        if (parse.Action is HelpAction)
        {
            HelpText.Write(parse, stdout);
            return 0;
        }
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction or null)
        {
            stderr.WriteLine($"{Name}: {UsageError.Describe(parse)}");
            return 2;
        }
        bool verbose = parse.GetValue(Verbose);
        try
        {
            return parse.Invoke(invocation);
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
}
