using System.Globalization;

namespace GpuExtract.Cli.CommandLine;

/// <summary>Option values of one command invocation, with typed getters whose errors are usage errors.</summary>
public sealed class ParsedArguments(CommandSpec command, Dictionary<string, string> values, List<string> positionals)
{
    public IReadOnlyList<string> Positionals { get; } = positionals;

    public bool Verbose => values.ContainsKey("--verbose");

    /// <summary>Whether the option or flag was given.</summary>
    public bool Has(string longName) => values.ContainsKey(Known(longName).Long);

    /// <summary>The option's value, else its default, else null.</summary>
    public string? GetString(string longName)
    {
        var option = Known(longName);
        return values.TryGetValue(option.Long, out string? value) ? value : option.Default;
    }

    public string GetRequiredString(string longName) =>
        GetString(longName) ?? throw new UsageException($"'{command.Name}' needs option {longName}");

    public int? GetInt(string longName)
    {
        string? text = GetString(longName);
        if (text is null)
        {
            return null;
        }
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new UsageException($"option {longName} expects an integer, got '{text}'");
    }

    public double? GetDouble(string longName)
    {
        string? text = GetString(longName);
        if (text is null)
        {
            return null;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw new UsageException($"option {longName} expects a number, got '{text}'");
    }

    /// <summary>A comma-separated list of numbers, e.g. <c>5760,7620,0.8</c>.</summary>
    public double[]? GetDoubles(string longName, int? count = null)
    {
        string? text = GetString(longName);
        if (text is null)
        {
            return null;
        }
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var result = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out result[i]) || !double.IsFinite(result[i]))
            {
                throw new UsageException($"option {longName} expects comma-separated numbers, got '{text}'");
            }
        }
        if (count is int n && result.Length != n)
        {
            throw new UsageException($"option {longName} expects {n} comma-separated numbers, got '{text}'");
        }
        return result;
    }

    /// <summary>An inclusive range <c>A-B</c> or a single <c>A</c>, e.g. fibers <c>0-24</c>; returns (first, count).</summary>
    public (int First, int Count)? GetRange(string longName)
    {
        string? text = GetString(longName);
        if (text is null)
        {
            return null;
        }
        string[] parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int last)
            && last >= first)
        {
            return (first, last - first + 1);
        }
        throw new UsageException($"option {longName} expects a range like 0-24, got '{text}'");
    }

    private OptionSpec Known(string longName) =>
        command.Options.Find(o => o.Long == longName) ?? throw new InvalidOperationException($"command '{command.Name}' declares no option {longName}");
}
