namespace GpuExtract.Batch;

/// <summary>
/// A batch manifest cannot be used. The one-line message names the manifest file, the line and the
/// column (CSV) or key (JSON lines) at fault, e.g.
/// <c>frames.csv, line 4, column 5 (wmin): expected a number, got 'abc'</c>.
/// </summary>
public sealed class ManifestException(string path, int? line, string? column, string detail)
    : Exception(Compose(path, line, column, detail))
{
    /// <summary>The manifest file.</summary>
    public string Path { get; } = path;

    /// <summary>1-based line, when the problem is on one line.</summary>
    public int? Line { get; } = line;

    /// <summary>The column or key, e.g. <c>column 5 (wmin)</c> or <c>key 'wmin'</c>.</summary>
    public string? Column { get; } = column;

    private static string Compose(string path, int? line, string? column, string detail)
    {
        string where = path + (line is int l ? $", line {l}" : "") + (column is not null ? $", {column}" : "");
        return $"{where}: {detail}".ReplaceLineEndings(" ");
    }
}
