using GpuExtract.Fits;

namespace GpuExtract.Batch;

/// <summary>
/// Files by real path and, for those that exist, by device and inode, each with the manifest line that
/// named it first: two names of one file (a symlinked folder, a hard link) are found as one.
/// </summary>
internal sealed class FileIdentities
{
    private readonly Dictionary<string, int> _byPath = new(StringComparer.Ordinal);
    private readonly Dictionary<(ulong Device, ulong Inode), int> _byIdentity = [];

    /// <summary>Records <paramref name="path"/> as named on <paramref name="line"/> unless already recorded.</summary>
    public void Add(string path, int line)
    {
        _byPath.TryAdd(RealPath.Of(path), line);
        if (Identity(path) is { } identity)
        {
            _byIdentity.TryAdd(identity, line);
        }
    }

    /// <summary>The line that named <paramref name="path"/> (or another name of the same file), or null.</summary>
    public int? Find(string path)
    {
        if (_byPath.TryGetValue(RealPath.Of(path), out int line))
        {
            return line;
        }
        return Identity(path) is { } identity && _byIdentity.TryGetValue(identity, out line) ? line : null;
    }

    private static (ulong, ulong)? Identity(string path)
    {
        try
        {
            FileStatus status = FileStatus.Of(path);
            return status.Kind == FileKind.Missing || (status.Device, status.Inode) == (0UL, 0UL) ? null : (status.Device, status.Inode);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
