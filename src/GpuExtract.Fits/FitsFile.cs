namespace GpuExtract.Fits;

/// <summary>
/// A FITS file opened for reading. Opening scans the headers once (seeking past data units);
/// data are read on demand. Gzip content (.fits.gz) is recognised by its magic bytes and inflated
/// first; plain files are read by offset straight from the file.
/// </summary>
public sealed class FitsFile : IDisposable
{
    private readonly ByteSource _source;
    private readonly List<FitsHdu> _hdus = [];

    private FitsFile(ByteSource source, string fileName)
    {
        _source = source;
        FileName = fileName;
        Scan();
    }

    /// <summary>Path or display name, as used in error messages.</summary>
    public string FileName { get; }

    public IReadOnlyList<FitsHdu> Hdus => _hdus;

    /// <summary>The HDU at <paramref name="index"/> (0 = primary).</summary>
    public FitsHdu this[int index] => index >= 0 && index < _hdus.Count
        ? _hdus[index]
        : throw new FitsFormatException($"no HDU {index} in file (it has {_hdus.Count})", FileName);

    /// <summary>The first HDU whose EXTNAME is <paramref name="extname"/> (case-insensitive).</summary>
    public FitsHdu this[string extname]
    {
        get
        {
            foreach (FitsHdu hdu in _hdus)
            {
                if (string.Equals(hdu.Name, extname?.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    return hdu;
                }
            }
            throw new FitsFormatException($"no HDU named {extname} in file", FileName);
        }
    }

    /// <summary>
    /// Opens a plain or gzip-compressed FITS file; optionally verifies every HDU's checksums.
    /// Throws <see cref="FitsFormatException"/> for malformed content and <see cref="IOException"/>
    /// (e.g. <see cref="FileNotFoundException"/>) when the file cannot be read, and
    /// <see cref="InputFileException"/> for anything but a regular file (a FIFO is refused before it
    /// is opened, since opening it would wait for a writer).
    /// </summary>
    public static FitsFile Open(string path, bool verifyChecksums = false)
    {
        InputFile.RequireRegularOrMissing(path);
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (UnauthorizedAccessException e)
        {
            // OS-level problems reach callers as IOException, as documented.
            throw new IOException($"cannot read {path}: {e.Message}", e);
        }
        ByteSource source;
        try
        {
            Span<byte> head = stackalloc byte[2];
            int read = RandomAccess.Read(handle, head, 0);
            if (read == 2 && GzipContent.HasGzipMagic(head))
            {
                using var stream = new FileStream(handle, FileAccess.Read, 1 << 16);
                source = GzipContent.Inflate(stream, path);
            }
            else
            {
                source = new FileByteSource(handle);
            }
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        return Create(source, path, verifyChecksums);
    }

    /// <summary>
    /// Opens FITS content from a stream the caller owns and keeps open while this file is in use
    /// (a seekable plain stream is read in place; gzip or non-seekable content is copied into memory).
    /// </summary>
    public static FitsFile Open(Stream stream, string displayName, bool verifyChecksums = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ByteSource source;
        if (stream.CanSeek)
        {
            long start = stream.Position;
            Span<byte> head = stackalloc byte[2];
            int read = stream.ReadAtLeast(head, 2, throwOnEndOfStream: false);
            stream.Position = start;
            source = read == 2 && GzipContent.HasGzipMagic(head) ? GzipContent.Inflate(stream, displayName) : new StreamByteSource(stream);
        }
        else
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            Span<byte> head = copy.Length >= 2 ? copy.GetBuffer().AsSpan(0, 2) : [];
            source = GzipContent.HasGzipMagic(head) ? GzipContent.Inflate(copy, displayName) : new MemoryByteSource(copy.GetBuffer(), (int)copy.Length);
        }
        return Create(source, displayName, verifyChecksums);
    }

    /// <summary>Finds the HDU with EXTNAME <paramref name="extname"/> and EXTVER <paramref name="extver"/> (absent EXTVER counts as 1).</summary>
    public bool TryGetHdu(string extname, out FitsHdu hdu, int extver = 1)
    {
        foreach (FitsHdu candidate in _hdus)
        {
            if (string.Equals(candidate.Name, extname?.Trim(), StringComparison.OrdinalIgnoreCase) && candidate.Extver == extver)
            {
                hdu = candidate;
                return true;
            }
        }
        hdu = null!;
        return false;
    }

    /// <summary>Verifies DATASUM/CHECKSUM of every HDU that has them.</summary>
    public void VerifyChecksums()
    {
        foreach (FitsHdu hdu in _hdus)
        {
            hdu.VerifyChecksum();
        }
    }

    public void Dispose() => _source.Dispose();

    private static FitsFile Create(ByteSource source, string fileName, bool verifyChecksums)
    {
        try
        {
            var file = new FitsFile(source, fileName);
            if (verifyChecksums)
            {
                file.VerifyChecksums();
            }
            return file;
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    private void Scan()
    {
        if (_source.Length == 0)
        {
            throw new FitsFormatException("file is empty", FileName);
        }
        long offset = 0;
        Span<byte> head = stackalloc byte[FitsLayout.CardLength];
        while (offset < _source.Length)
        {
            if (_hdus.Count > 0 && !StartsAnotherHdu(offset, head))
            {
                break;
            }
            FitsHdu hdu = FitsHdu.Read(_source, FileName, _hdus.Count, offset);
            _hdus.Add(hdu);
            offset = hdu.DataOffset + FitsLayout.Padded(hdu.DataLength);
        }
    }

    /// <summary>
    /// Whether the bytes after an HDU begin another one. Trailing blocks of zeros or spaces (some
    /// writers pad files) end the file; anything else that is not an XTENSION card is an error.
    /// </summary>
    private bool StartsAnotherHdu(long offset, Span<byte> head)
    {
        int read = _source.ReadAt(offset, head);
        Span<byte> start = head[..Math.Max(0, read)];
        if (start.StartsWith("XTENSION"u8))
        {
            return true;
        }
        if (start.IndexOfAnyExcept((byte)0, (byte)' ') < 0)
        {
            return false;
        }
        throw new FitsFormatException($"unexpected bytes after HDU {_hdus.Count - 1}: not an XTENSION header", FileName, null, null, offset);
    }
}
