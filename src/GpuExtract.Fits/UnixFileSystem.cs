using System.Runtime.InteropServices;

namespace GpuExtract.Fits;

/// <summary>
/// The few C library calls .NET does not expose: stat/lstat (file kind and identity) and realpath.
/// glibc before 2.33 exports stat only as __xstat; both are tried.
/// </summary>
internal static partial class UnixFileSystem
{
    /// <summary>__xstat's version argument: _STAT_VER is 1 on x86-64 and 0 on the generic ABI.</summary>
    private static readonly int StatVersion = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 1 : 0;

    private static bool s_hasStat = true;

    public static int Stat(string path, Span<byte> buffer) => Call(path, buffer, follow: true);

    public static int Lstat(string path, Span<byte> buffer) => Call(path, buffer, follow: false);

    /// <summary>The canonical absolute path (symlinks, "." and ".." resolved), or null with errno set.</summary>
    public static string? RealPath(string path)
    {
        IntPtr resolved = RealPathNative(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return null;
        }
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    private static int Call(string path, Span<byte> buffer, bool follow)
    {
        if (s_hasStat)
        {
            try
            {
                return follow ? StatNative(path, ref MemoryMarshal.GetReference(buffer)) : LstatNative(path, ref MemoryMarshal.GetReference(buffer));
            }
            catch (EntryPointNotFoundException)
            {
                s_hasStat = false;
            }
        }
        return follow
            ? XstatNative(StatVersion, path, ref MemoryMarshal.GetReference(buffer))
            : LxstatNative(StatVersion, path, ref MemoryMarshal.GetReference(buffer));
    }

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatNative(string path, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LstatNative(string path, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "__xstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int XstatNative(int version, string path, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "__lxstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LxstatNative(int version, string path, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr RealPathNative(string path, IntPtr resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(IntPtr pointer);
}
