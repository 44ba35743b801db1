using System.Text.RegularExpressions;

namespace GpuExtract.Batch;

/// <summary>
/// Temporary files that a killed writer left beside an output. <see cref="Fits.AtomicFile"/> writes
/// <c>.NAME.&lt;32 hex digits&gt;.tmp</c> in the output's directory and renames it onto NAME; a process
/// killed before the rename leaves the temporary file behind (a frame's size each time). The rank that
/// owns a frame removes them before writing it again.
/// </summary>
public static partial class InterruptedWrites
{
    /// <summary>Deletes the leftover temporary files of <paramref name="output"/>; returns how many there were.</summary>
    public static int Remove(string output)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(output))!;
        string name = Path.GetFileName(output);
        if (!Directory.Exists(directory))
        {
            return 0;
        }
        int removed = 0;
        foreach (string candidate in Directory.EnumerateFiles(directory, $".{name}.*.tmp"))
        {
            string suffix = Path.GetFileName(candidate)[(name.Length + 2)..];
            if (!TemporarySuffix().IsMatch(suffix))
            {
                continue;
            }
            try
            {
                File.Delete(candidate);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for later: a stale temporary file never stands in for the output.
            }
        }
        return removed;
    }

    [GeneratedRegex("^[0-9a-f]{32}\\.tmp$")]
    private static partial Regex TemporarySuffix();
}
