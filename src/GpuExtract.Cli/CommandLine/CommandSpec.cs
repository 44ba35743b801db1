using System.Text;

namespace GpuExtract.Cli.CommandLine;

/// <summary>
/// A sub-command: its name, one-line summary, positional arguments, options and the action run
/// with the parsed arguments (returning the exit code).
/// </summary>
public sealed class CommandSpec(string name, string summary, Func<ParsedArguments, int> run)
{
    public string Name { get; } = name;
    public string Summary { get; } = summary;
    public Func<ParsedArguments, int> Run { get; } = run;
    public List<OptionSpec> Options { get; } = [];
    public List<(string Name, string Description)> Positionals { get; } = [];

    /// <summary>Longer text printed under the usage line by --help.</summary>
    public string? Details { get; init; }

    public CommandSpec Option(string longName, string? shortName, string? valueName, string description, string? defaultValue = null, bool required = false, string? defaultText = null)
    {
        Options.Add(new OptionSpec(longName, shortName, valueName, description, defaultValue, required, defaultText));
        return this;
    }

    public CommandSpec Flag(string longName, string description) => Option(longName, null, null, description);

    public CommandSpec Positional(string name, string description)
    {
        Positionals.Add((name, description));
        return this;
    }

    /// <summary>Text of <c>gpuextract NAME --help</c>.</summary>
    public string Help(string program)
    {
        var text = new StringBuilder();
        text.Append("Usage: ").Append(program).Append(' ').Append(Name);
        foreach (var (positional, _) in Positionals)
        {
            text.Append(' ').Append(positional);
        }
        text.AppendLine(Options.Count > 0 ? " [options]" : "");
        text.AppendLine().AppendLine(Summary);
        if (Details is not null)
        {
            text.AppendLine().AppendLine(Details);
        }
        if (Positionals.Count > 0)
        {
            text.AppendLine().AppendLine("Arguments:");
            foreach (var (positional, description) in Positionals)
            {
                text.Append("  ").Append(positional.PadRight(30)).AppendLine(description);
            }
        }
        text.AppendLine().AppendLine("Options:");
        foreach (var option in Options)
        {
            string suffix = option.Required ? " (required)" : (option.DefaultText ?? option.Default) is string shown ? $" (default: {shown})" : "";
            text.Append("  ").Append(option.Synopsis.PadRight(30)).Append(' ').Append(option.Description).AppendLine(suffix);
        }
        text.Append("  ").Append("    --verbose".PadRight(30)).AppendLine(" Show the stack trace of an error");
        text.Append("  ").Append("-h, --help".PadRight(30)).AppendLine(" Show this help");
        return text.ToString();
    }

    /// <summary>Parses <paramref name="args"/> (after the command name) against this command's options.</summary>
    public ParsedArguments Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var positionals = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--verbose")
            {
                values["--verbose"] = "";
                continue;
            }
            if (arg.Length > 1 && arg[0] == '-' && !IsNumber(arg))
            {
                string key = arg;
                string? inline = null;
                int eq = arg.IndexOf('=');
                if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
                {
                    key = arg[..eq];
                    inline = arg[(eq + 1)..];
                }
                OptionSpec option = Options.Find(o => o.Long == key || o.Short == key)
                    ?? throw new UsageException($"unknown option '{key}' for '{Name}' (see '{Name} --help')");
                if (option.ValueName is null)
                {
                    if (inline is not null)
                    {
                        throw new UsageException($"option '{option.Long}' takes no value");
                    }
                    values[option.Long] = "";
                }
                else
                {
                    string value = inline ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"option '{option.Long}' needs a value {option.ValueName}"));
                    values[option.Long] = value;
                }
                continue;
            }
            positionals.Add(arg);
        }
        if (positionals.Count > Positionals.Count)
        {
            throw new UsageException($"unexpected argument '{positionals[Positionals.Count]}' for '{Name}' (see '{Name} --help')");
        }
        if (positionals.Count < Positionals.Count)
        {
            throw new UsageException($"'{Name}' needs {Positionals[positionals.Count].Name} (see '{Name} --help')");
        }
        foreach (var option in Options)
        {
            if (option.Required && !values.ContainsKey(option.Long))
            {
                throw new UsageException($"'{Name}' needs option {option.Long} {option.ValueName}");
            }
        }
        return new ParsedArguments(this, values, positionals);
    }

    private static bool IsNumber(string arg) => double.TryParse(arg, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
}
