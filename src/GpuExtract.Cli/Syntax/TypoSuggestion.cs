namespace GpuExtract.Cli.Syntax;

/// <summary>
/// The known name closest to a mistyped one, by edit distance (insertions, deletions, substitutions and
/// transpositions of neighbours), e.g. <c>--bundelsize</c> → <c>--bundlesize</c>, <c>extarct</c> → <c>extract</c>.
/// </summary>
public static class TypoSuggestion
{
    /// <summary>
    /// The candidate nearest to <paramref name="typed"/>, or null when none is near: at most a third of the
    /// typed letters (and at least one, at most three) may differ, or the typed text begins a candidate.
    /// </summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        string bare = typed.TrimStart('-');
        int allowed = Math.Clamp(bare.Length / 3, 1, 3);
        foreach (string candidate in candidates)
        {
            int distance = Distance(typed, candidate);
            bool prefix = bare.Length >= 3 && candidate.TrimStart('-').StartsWith(bare, StringComparison.Ordinal);
            if ((distance <= allowed || prefix) && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /// <summary>Optimal-string-alignment distance between <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
