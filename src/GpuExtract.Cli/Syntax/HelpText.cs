using System.CommandLine;
using GpuExtract.Cli.Commands;

namespace GpuExtract.Cli.Syntax;

/// <summary>
/// The <c>--help</c> text: System.CommandLine's generated help, laid out with the usage on one line
/// (<c>Usage: gpuextract psf spot [options]</c>) first, then the command's summary and details, then the
/// generated arguments, options and commands sections.
/// </summary>
public static class HelpText
{
    /// <summary>Writes the help of the command <paramref name="parse"/> asks help for to <paramref name="output"/>.</summary>
    public static void Write(ParseResult parse, TextWriter output)
    {
        var generated = new StringWriter();
        parse.Invoke(new InvocationConfiguration { Output = generated, Error = output, EnableDefaultExceptionHandler = false });
        output.Write(Lay(generated.ToString(), parse.CommandResult.Command));
    }

    /// <summary>Re-lays generated help: the usage first on one line, then summary and details, then the rest.</summary>
    public static string Lay(string generated, Command command)
    {
        string[] sections = generated.ReplaceLineEndings("\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        string? usage = null;
        var rest = new List<string>();
        foreach (string section in sections)
        {
            string[] lines = section.Split('\n');
            if (lines[0] == "Usage:" && lines.Length > 1)
            {
                usage = "Usage: " + string.Join(' ', lines[1..].Select(l => l.Trim()));
            }
            else if (lines[0] != "Description:")
            {
                rest.Add(section.TrimEnd('\n'));
            }
        }
        var text = new System.Text.StringBuilder();
        text.Append(usage ?? "Usage: " + UsageError.CommandPath(command)).Append("\n\n");
        if (!string.IsNullOrEmpty(command.Description))
        {
            text.Append(command.Description).Append("\n\n");
        }
        if (command is DocumentedCommand { Details: string details })
        {
            text.Append(details.TrimEnd()).Append("\n\n");
        }
        if (command is RootCommand)
        {
            rest.Add($"'{Program.Name} COMMAND --help' describes a command. Exit codes: 0 success, 2 bad input or usage, 1 internal error.");
        }
        text.AppendJoin("\n\n", rest);
        return text.Append('\n').ToString().ReplaceLineEndings();
    }
}
