namespace GpuExtract.Fits;

/// <summary>What a path names, as the S_IFMT bits of <c>stat</c> tell it.</summary>
public enum FileKind
{
    /// <summary>Nothing exists under the path.</summary>
    Missing,
    RegularFile,
    Directory,
    SymbolicLink,
    CharacterDevice,
    BlockDevice,
    Fifo,
    Socket,
    Unknown,
}
