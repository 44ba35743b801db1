using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace GpuExtract.Fits;

/// <summary>
/// The temporary files outputs are written to before being renamed into place:
/// <c>.NAME.&lt;32 hex digits&gt;.tmp</c> beside the output, NAME shortened when needed so the whole
/// stays within the 255-byte limit of a file name. A writer holds its temporary file open with an
/// exclusive lock (FileShare.None, flock on Linux); one found unlocked was left by a killed process
/// and is removed the next time anything is written to that folder.
/// </summary>
public static partial class TemporaryOutputFiles
{
    /// <summary>Longest file name on Linux file systems [bytes of UTF-8] (NAME_MAX).</summary>
    private const int MaxNameBytes = 255;

    /// <summary>Folders already cleaned by this process (real path and naming): one sweep each.</summary>
    private static readonly ConcurrentDictionary<string, bool> s_swept = new(StringComparer.Ordinal);

    /// <summary>A fresh temporary path beside <paramref name="fullPath"/> (an absolute output path).</summary>
    public static string NameFor(string fullPath)
    {
        string directory = Path.GetDirectoryName(fullPath) ?? ".";
        string name = Path.GetFileName(fullPath);
        string suffix = $".{Guid.NewGuid():N}.tmp";
        int budget = MaxNameBytes - 1 - suffix.Length;
        while (Encoding.UTF8.GetByteCount(name) > budget)
        {
            name = name[..^(char.IsLowSurrogate(name[^1]) && name.Length > 1 ? 2 : 1)];
        }
        return Path.Combine(directory, "." + name + suffix);
    }

    /// <summary>Whether <paramref name="fileName"/> (no folder) is of this naming.</summary>
    public static bool IsTemporaryName(string fileName) => Pattern().IsMatch(fileName);

    /// <summary>
    /// Removes the temporary files of this naming in <paramref name="directory"/> that no writer holds
    /// (left by killed processes); returns how many. Each folder is swept once per process unless
    /// <paramref name="again"/> is set.
    /// </summary>
    public static int RemoveStale(string directory, bool again = false) => RemoveUnlocked(directory, Pattern(), again);

    /// <summary>
    /// Removes the regular files in <paramref name="directory"/> whose names match <paramref name="naming"/>
    /// and that no process holds locked; once per folder and naming per process unless <paramref name="again"/>.
    /// </summary>
    internal static int RemoveUnlocked(string directory, Regex naming, bool again = false)
    {
        string key;
        try
        {
            key = RealPath.Of(directory);
        }
        catch (Exception e) when (e is IOException or ArgumentException)
        {
            return 0;
        }
        if (!s_swept.TryAdd(key + "\0" + naming, true) && !again)
        {
            return 0;
        }
        int removed = 0;
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(key, "*.tmp");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        try
        {
            foreach (string candidate in candidates)
            {
                if (naming.IsMatch(Path.GetFileName(candidate)) && TryRemoveUnlocked(candidate))
                {
                    removed++;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder changed or became unreadable while listed: what was removed stays removed.
        }
        return removed;
    }

    /// <summary>Deletes <paramref name="path"/> if it is a regular file no writer holds.</summary>
    private static bool TryRemoveUnlocked(string path)
    {
        try
        {
            if (FileStatus.Of(path, followLinks: false).Kind != FileKind.RegularFile)
            {
                return false;
            }
            // Opening with FileShare.None fails while a writer holds its lock; holding ours, delete.
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [GeneratedRegex("^\\..+\\.[0-9a-f]{32}\\.tmp$")]
    private static partial Regex Pattern();
}
