using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using GpuExtract.Core.Extraction;

namespace GpuExtract.Cli.Syntax;

/// <summary>
/// Parsers of option values whose errors name the option and the value in one line, e.g.
/// <c>option --nsubbundles expects an integer ≥ 1, got 'five'</c>. A malformed value is thus a parse
/// error (exit 2) reported before any file is read.
/// </summary>
public static class OptionParsers
{
    /// <summary>An integer ≥ <paramref name="minimum"/>.</summary>
    public static Func<ArgumentResult, int> Integer(int minimum = int.MinValue) =>
        result => ParseInteger(result, minimum) ?? 0;

    /// <summary>An integer ≥ <paramref name="minimum"/>, null when the option is absent.</summary>
    public static Func<ArgumentResult, int?> OptionalInteger(int minimum = int.MinValue) =>
        result => ParseInteger(result, minimum);

    /// <summary>A finite number ≥ <paramref name="minimum"/>.</summary>
    public static Func<ArgumentResult, double> Number(double minimum = double.MinValue) =>
        result => ParseNumber(result, minimum) ?? 0;

    /// <summary>A finite number ≥ <paramref name="minimum"/>, null when the option is absent.</summary>
    public static Func<ArgumentResult, double?> OptionalNumber(double minimum = double.MinValue) =>
        result => ParseNumber(result, minimum);

    /// <summary>A wavelength grid <c>WMIN,WMAX,DW</c>.</summary>
    public static WavelengthRange? Grid(ArgumentResult result) =>
        Parse<WavelengthRange?>(result, WavelengthRange.TryParse, "3 comma-separated numbers WMIN,WMAX,DW");

    /// <summary>A fiber range <c>A-B</c>.</summary>
    public static FiberRange? Range(ArgumentResult result) =>
        Parse(result, FiberRange.TryParse, "a range like 0-24");

    /// <summary>One of <paramref name="choices"/>, e.g. <c>--backend auto|cpu|cuda</c>.</summary>
    public static Func<ArgumentResult, string?> OneOf(params string[] choices) =>
        result => Parse(result, text => Array.IndexOf(choices, text) >= 0 ? text : null, string.Join(", ", choices[..^1]) + " or " + choices[^1]);

    /// <summary>
    /// Lets every single-valued option of <paramref name="command"/> and its subcommands be given more than
    /// once, the last occurrence winning (as with the former parser and with argparse), one value per occurrence.
    /// </summary>
    public static void LastOccurrenceWins(Command command)
    {
        foreach (Option option in command.Options)
        {
            if (option.Arity.MaximumNumberOfValues == 1 && option.ValueType != typeof(bool))
            {
                option.Arity = ArgumentArity.OneOrMore;
                option.AllowMultipleArgumentsPerToken = false;
                if (option is Option<string> text && text.CustomParser is null)
                {
                    text.CustomParser = result => result.Tokens.Count == 0 ? null : result.Tokens[^1].Value;
                }
            }
        }
        foreach (Command subcommand in command.Subcommands)
        {
            LastOccurrenceWins(subcommand);
        }
    }

    /// <summary>The option's name (its long form) for messages.</summary>
    public static string OptionName(ArgumentResult result) =>
        result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;

    private static int? ParseInteger(ArgumentResult result, int minimum)
    {
        string expected = minimum == int.MinValue ? "an integer" : $"an integer >= {minimum}";
        return Parse<int?>(result, text =>
            int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= minimum ? value : null, expected);
    }

    private static double? ParseNumber(ArgumentResult result, double minimum)
    {
        string expected = minimum == double.MinValue ? "a number" : string.Create(CultureInfo.InvariantCulture, $"a number >= {minimum}");
        return Parse<double?>(result, text =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && value >= minimum ? value : null, expected);
    }

    private static T? Parse<T>(ArgumentResult result, Func<string, T?> parse, string expected)
    {
        if (result.Tokens.Count == 0)
        {
            return default;
        }
        // The last occurrence wins, so that a later option overrides an earlier one (e.g. in a response file).
        string text = result.Tokens[^1].Value;
        T? value = parse(text);
        if (value is null)
        {
            result.AddError($"option {OptionName(result)} expects {expected}, got '{text}'");
        }
        return value;
    }
}
