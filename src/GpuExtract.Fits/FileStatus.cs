using System.Runtime.InteropServices;

namespace GpuExtract.Fits;

/// <summary>
/// The kind and identity of a file: device and inode number from <c>stat</c>/<c>lstat</c>, so that
/// two paths naming one file (hard links, symlinked folders, "a/../b") are recognised as one. On
/// systems other than Linux the identity is (0, 0) and only the kind is known.
/// </summary>
public readonly record struct FileStatus(FileKind Kind, ulong Device, ulong Inode)
{
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;

    /// <summary>Whether both statuses name the same existing file.</summary>
    public bool IsSameFile(FileStatus other) =>
        Kind != FileKind.Missing && other.Kind != FileKind.Missing && (Device, Inode) != (0UL, 0UL) &&
        Device == other.Device && Inode == other.Inode;

    /// <summary>
    /// The status of <paramref name="path"/>, following symbolic links unless
    /// <paramref name="followLinks"/> is false. A path that does not exist gives <see cref="FileKind.Missing"/>;
    /// any other failure (a symlink loop, a name too long, no permission) throws <see cref="IOException"/>
    /// with the system's reason.
    /// </summary>
    public static FileStatus Of(string path, bool followLinks = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new IOException($"{path.Replace('\0', '?')}: the name contains a NUL character");
        }
        if (!OperatingSystem.IsLinux())
        {
            return Managed(path, followLinks);
        }
        // Linux's struct stat begins with st_dev and st_ino (8 bytes each) on every 64-bit ABI;
        // st_mode follows st_nlink (8 bytes) on x86-64 and precedes it on the generic ABI (arm64).
        Span<byte> buffer = stackalloc byte[256];
        int result = followLinks ? UnixFileSystem.Stat(path, buffer) : UnixFileSystem.Lstat(path, buffer);
        if (result != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is ENOENT or ENOTDIR)
            {
                return new FileStatus(FileKind.Missing, 0, 0);
            }
            throw new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
        ulong device = MemoryMarshal.Read<ulong>(buffer);
        ulong inode = MemoryMarshal.Read<ulong>(buffer[8..]);
        int modeOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
        uint mode = MemoryMarshal.Read<uint>(buffer[modeOffset..]);
        return new FileStatus(KindOf(mode), device, inode);
    }

    /// <summary>The kind from the file-type bits of st_mode (S_IFMT).</summary>
    private static FileKind KindOf(uint mode) => (mode & 0xF000) switch
    {
        0x8000 => FileKind.RegularFile,
        0x4000 => FileKind.Directory,
        0xA000 => FileKind.SymbolicLink,
        0x2000 => FileKind.CharacterDevice,
        0x6000 => FileKind.BlockDevice,
        0x1000 => FileKind.Fifo,
        0xC000 => FileKind.Socket,
        _ => FileKind.Unknown,
    };

    private static FileStatus Managed(string path, bool followLinks)
    {
        FileSystemInfo info = new FileInfo(path);
        if (!info.Exists && !Directory.Exists(path) && info.LinkTarget is null)
        {
            return new FileStatus(FileKind.Missing, 0, 0);
        }
        if (followLinks && info.LinkTarget is not null)
        {
            info = info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
        }
        FileAttributes attributes = info.Attributes;
        FileKind kind = attributes.HasFlag(FileAttributes.ReparsePoint) && !followLinks ? FileKind.SymbolicLink
            : attributes.HasFlag(FileAttributes.Directory) ? FileKind.Directory
            : attributes.HasFlag(FileAttributes.Device) ? FileKind.CharacterDevice
            : FileKind.RegularFile;
        return new FileStatus(kind, 0, 0);
    }
}
