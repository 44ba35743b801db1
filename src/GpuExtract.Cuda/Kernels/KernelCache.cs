using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace GpuExtract.Cuda.Kernels;

/// <summary>
/// Compiled kernels on disk, keyed by (source hash, architecture, compiler identity), so that NVRTC runs once per
/// machine and kernel version instead of once per process. An entry is written to a temporary file in the cache
/// directory and renamed into place (rename is atomic on POSIX file systems), so that hundreds of processes
/// starting together never read a half-written entry: a reader sees either no file or a complete one. Each
/// entry also carries a SHA-256 of its payload, so a damaged file (full disk, manual edit) is treated as a miss
/// and replaced. A cache directory that cannot be written only costs the compile; it is never an error.
/// </summary>
public sealed class KernelCache
{
    /// <summary>Environment variable naming the cache directory (default: $XDG_CACHE_HOME/gpuextract or ~/.cache/gpuextract).</summary>
    public const string DirectoryVariable = "GPUEXTRACT_KERNEL_CACHE";

    private static readonly byte[] Magic = "GXKC1\n"u8.ToArray();
    private const int HeaderLength = 6 + 1 + 4 + 32; // magic, kind, payload length, SHA-256 of the payload

    public KernelCache(string directory)
    {
        Directory = directory;
    }

    /// <summary>Where entries are kept.</summary>
    public string Directory { get; }

    /// <summary>Warnings (unwritable directory, damaged entries), one line each; the caller may show them.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>The default cache: $GPUEXTRACT_KERNEL_CACHE, else $XDG_CACHE_HOME/gpuextract, else ~/.cache/gpuextract, else the temp directory.</summary>
    public static KernelCache Default()
    {
        string? configured = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new KernelCache(configured.Trim());
        }
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg))
        {
            return new KernelCache(Path.Combine(xdg.Trim(), "gpuextract"));
        }
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new KernelCache(string.IsNullOrEmpty(home)
            ? Path.Combine(Path.GetTempPath(), "gpuextract-cache")
            : Path.Combine(home, ".cache", "gpuextract"));
    }

    /// <summary>
    /// The entry's file name: kernel file, architecture, and a hash of (source hash, architecture, compiler
    /// identity), e.g. <c>spots-sm90-3f2a…c1.bin</c>.
    /// </summary>
    public static string Key(KernelSource source, int architecture, string compilerIdentity)
    {
        string material = $"{source.ContentHash}\n{architecture}\n{compilerIdentity}";
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)))[..32];
        return $"{Path.GetFileNameWithoutExtension(source.Name)}-sm{architecture}-{hash}.bin";
    }

    /// <summary>
    /// The compiled kernel from the cache, or compiled now with <paramref name="compiler"/> and stored.
    /// <paramref name="fromCache"/> tells which.
    /// </summary>
    public CompiledKernel GetOrCompile(KernelSource source, int architecture, IKernelCompiler compiler, out bool fromCache)
    {
        string key = Key(source, architecture, compiler.Identity);
        if (TryRead(key, out CompiledKernel? cached))
        {
            fromCache = true;
            return cached!;
        }
        CompiledKernel compiled = compiler.Compile(source, architecture);
        Write(key, compiled);
        fromCache = false;
        return compiled;
    }

    /// <summary>Reads entry <paramref name="key"/>; false when absent or damaged (a damaged entry is reported in <see cref="Warnings"/>).</summary>
    public bool TryRead(string key, out CompiledKernel? kernel)
    {
        kernel = null;
        string path = Path.Combine(Directory, key);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return false; // absent (FileNotFound/DirectoryNotFound are IOExceptions) or unreadable: a miss
        }
        if (bytes.Length < HeaderLength || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic)
            || bytes[Magic.Length] is not ((byte)KernelImageKind.Cubin or (byte)KernelImageKind.Ptx))
        {
            Warnings.Add($"kernel cache entry {path} is damaged (bad header); recompiling");
            return false;
        }
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(Magic.Length + 1, 4));
        ReadOnlySpan<byte> payload = bytes.AsSpan(HeaderLength);
        if (length != payload.Length || !SHA256.HashData(payload).AsSpan().SequenceEqual(bytes.AsSpan(Magic.Length + 5, 32)))
        {
            Warnings.Add($"kernel cache entry {path} is damaged (length or checksum); recompiling");
            return false;
        }
        kernel = new CompiledKernel((KernelImageKind)bytes[Magic.Length], payload.ToArray());
        return true;
    }

    /// <summary>
    /// Stores <paramref name="kernel"/> as entry <paramref name="key"/>: written in full to a uniquely named temporary
    /// file beside it, flushed to disk, then renamed over the entry. Returns false (with a warning) when the
    /// directory cannot be written.
    /// </summary>
    public bool Write(string key, CompiledKernel kernel)
    {
        string path = Path.Combine(Directory, key);
        string temporary = Path.Combine(Directory, $".{key}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Span<byte> header = stackalloc byte[HeaderLength];
                Magic.CopyTo(header);
                header[Magic.Length] = (byte)kernel.Kind;
                BinaryPrimitives.WriteInt32LittleEndian(header.Slice(Magic.Length + 1, 4), kernel.Image.Length);
                SHA256.HashData(kernel.Image).CopyTo(header.Slice(Magic.Length + 5, 32));
                stream.Write(header);
                stream.Write(kernel.Image);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
            return true;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            Warnings.Add($"kernel cache {Directory} is not writable ({error.Message}); compiled kernels are not kept");
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
            }
            return false;
        }
    }
}
