namespace GpuExtract.Fits;

/// <summary>
/// Canonical absolute paths, resolved the way the kernel resolves them (symlinked folders followed
/// before "..", as realpath(3) does), including for files that do not exist yet: the longest existing
/// prefix is resolved and the rest appended. Two names of one place give one real path.
/// </summary>
public static class RealPath
{
    /// <summary>The canonical absolute form of <paramref name="path"/> (which need not exist).</summary>
    public static string Of(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return Path.GetFullPath(path);
        }
        // Not Path.GetFullPath: it folds "alias/.." lexically, where the kernel first follows alias.
        string absolute = Path.IsPathRooted(path) ? path : Environment.CurrentDirectory.TrimEnd('/') + "/" + path;
        return Resolve(absolute.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/");
    }

    /// <summary>
    /// Whether <paramref name="path"/> lies strictly inside <paramref name="folder"/> once both are
    /// resolved (a symlink inside the folder that leads out of it is outside).
    /// </summary>
    public static bool IsWithin(string path, string folder)
    {
        string inner = Of(path);
        string outer = Of(folder).TrimEnd('/') + "/";
        return inner.StartsWith(outer, StringComparison.Ordinal) && inner.Length > outer.Length;
    }

    private static string Resolve(string absolute)
    {
        if (UnixFileSystem.RealPath(absolute) is string real)
        {
            return real;
        }
        int slash = absolute.LastIndexOf('/');
        string parent = slash <= 0 ? "/" : absolute[..slash];
        string name = absolute[(slash + 1)..];
        string resolvedParent = parent == "/" ? "/" : Resolve(parent);
        return name switch
        {
            "" or "." => resolvedParent,
            ".." => Path.GetDirectoryName(resolvedParent) ?? "/",
            _ => resolvedParent.TrimEnd('/') + "/" + name,
        };
    }
}
