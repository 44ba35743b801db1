namespace GpuExtract.Fuzz;

/// <summary>
/// Failures the fuzzer finds whose fix belongs to work in progress elsewhere (the file and I/O half of the
/// reliability work). They are tallied apart, not counted as failures, until that work is merged; then this
/// list is emptied and any case still matching fails the run.
/// </summary>
public static class KnownIssues
{
    /// <summary>Each entry: an id, what is wrong, and how to recognise it from the exception.</summary>
    public static readonly IReadOnlyList<(string Id, string Description, Func<FuzzCase, Exception, bool> Matches)> Entries =
    [
    ];

    /// <summary>The id of the known issue <paramref name="error"/> is, or null.</summary>
    public static string? Match(FuzzCase fuzzCase, Exception error)
    {
        foreach (var (id, _, matches) in Entries)
        {
            if (matches(fuzzCase, error))
            {
                return id;
            }
        }
        return null;
    }
}
