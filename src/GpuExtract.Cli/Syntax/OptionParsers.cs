using System.CommandLine.Parsing;
using System.Globalization;

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
    public static WavelengthGrid? Grid(ArgumentResult result) =>
        Parse(result, WavelengthGrid.TryParse, "3 comma-separated numbers WMIN,WMAX,DW");

    /// <summary>A fiber range <c>A-B</c>.</summary>
    public static FiberRange? Range(ArgumentResult result) =>
        Parse(result, FiberRange.TryParse, "a range like 0-24");

    /// <summary>One of <paramref name="choices"/>, e.g. <c>--backend auto|cpu|cuda</c>.</summary>
    public static Func<ArgumentResult, string?> OneOf(params string[] choices) =>
        result => Parse(result, text => Array.IndexOf(choices, text) >= 0 ? text : null, string.Join(", ", choices[..^1]) + " or " + choices[^1]);

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
        string text = result.Tokens[0].Value;
        T? value = parse(text);
        if (value is null)
        {
            result.AddError($"option {OptionName(result)} expects {expected}, got '{text}'");
        }
        return value;
    }
}
