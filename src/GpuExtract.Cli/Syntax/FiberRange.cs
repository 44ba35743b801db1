using System.Globalization;

namespace GpuExtract.Cli.Syntax;

/// <summary>An inclusive fiber range as the command line gives it, <c>A-B</c> or a single <c>A</c>, e.g. <c>0-24</c>.</summary>
public sealed record FiberRange(int First, int Count)
{
    /// <summary>Parses <c>A-B</c> (A ≤ B) or <c>A</c>; null when malformed.</summary>
    public static FiberRange? TryParse(string text)
    {
        string[] parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int last)
            && last >= first)
        {
            return new FiberRange(first, last - first + 1);
        }
        return null;
    }

    /// <summary>The command-line form, so that --help shows defaults as they are typed.</summary>
    public override string ToString() => Count == 1
        ? First.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{First}-{First + Count - 1}");
}
