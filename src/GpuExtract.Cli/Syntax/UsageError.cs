using System.CommandLine;
using System.CommandLine.Parsing;

namespace GpuExtract.Cli.Syntax;

/// <summary>
/// A command line that does not parse, told in one line that names the command, the option or word and
/// the value, with the nearest known name when a word looks mistyped, e.g.
/// <c>unknown option '--bundelsize' for 'extract'; did you mean '--bundlesize'? (see 'gpuextract extract --help')</c>.
/// </summary>
public static class UsageError
{
    /// <summary>The one-line message (without the program prefix) for a parse result that has errors.</summary>
    public static string Describe(ParseResult parse)
    {
        Command command = parse.CommandResult.Command;
        string path = CommandPath(command);
        string help = $"(see '{path} --help')";
        if (parse.UnmatchedTokens.Count > 0)
        {
            string token = parse.UnmatchedTokens[0];
            if (token.StartsWith('-') && token.Length > 1)
            {
                return $"unknown option '{token}'{ForCommand(command)}{Suggestion(token, OptionNames(command))} {help}";
            }
            if (command.Subcommands.Count > 0 && command.Arguments.Count == 0)
            {
                return $"unknown command '{token}'{Suggestion(token, command.Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name)))} {help}";
            }
            return $"unexpected argument '{token}'{ForCommand(command)} {help}";
        }
        if (command.Action is null && command.Subcommands.Count > 0 && parse.Errors.All(e => e.SymbolResult is null or CommandResult))
        {
            return $"'{Name(command)}' needs a command: {string.Join(", ", command.Subcommands.Select(c => c.Name))} {help}";
        }
        if (parse.Errors.FirstOrDefault(e => e.SymbolResult is OptionResult or ArgumentResult) is ParseError valueError)
        {
            return $"{OneLine(valueError.Message)} {help}";
        }
        if (command.Options.FirstOrDefault(o => o.Required && parse.GetResult(o) is not { IdentifierToken: not null }) is Option option)
        {
            return $"'{Name(command)}' needs option {option.Name} {option.HelpName} {help}".Replace("  ", " ");
        }
        if (command.Arguments.FirstOrDefault(a => a.Arity.MinimumNumberOfValues > 0 && parse.GetResult(a) is not { Tokens.Count: > 0 }) is Argument argument)
        {
            return $"'{Name(command)}' needs {argument.HelpName ?? argument.Name} {help}";
        }
        return $"{OneLine(parse.Errors[0].Message)} {help}";
    }

    /// <summary><c>gpuextract psf spot</c> for the spot command.</summary>
    public static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? symbol = command; symbol is Command c; symbol = c.Parents.FirstOrDefault())
        {
            names.Add(c is RootCommand ? Program.Name : c.Name);
        }
        names.Reverse();
        return string.Join(' ', names);
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Replace('\t', ' ').Trim();

    private static string Name(Command command) => CommandPath(command)[(Program.Name.Length + 1)..];

    private static string ForCommand(Command command) => command is RootCommand ? "" : $" for '{Name(command)}'";

    private static string Suggestion(string typed, IEnumerable<string> candidates) =>
        TypoSuggestion.Closest(typed, candidates) is string near ? $"; did you mean '{near}'?" : "";

    /// <summary>Every alias of the command's options and of the options its parents pass down.</summary>
    private static IEnumerable<string> OptionNames(Command command)
    {
        IEnumerable<Option> options = command.Options;
        for (Symbol? symbol = command.Parents.FirstOrDefault(); symbol is Command parent; symbol = parent.Parents.FirstOrDefault())
        {
            options = options.Concat(parent.Options.Where(o => o.Recursive));
        }
        return options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name));
    }
}
