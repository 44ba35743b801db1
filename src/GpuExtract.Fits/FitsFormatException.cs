namespace GpuExtract.Fits;

/// <summary>
/// A FITS file (or stream) that breaks the FITS Standard 4.0 in a way this library cannot read past:
/// truncated data, a missing END card, bad mandatory keywords, an unsupported BITPIX or TFORM,
/// a failed checksum. The message is one line naming the file, the HDU (index and EXTNAME) and,
/// where known, the card number or byte offset.
/// </summary>
public class FitsFormatException : Exception
{
    public FitsFormatException(string detail, string? fileName = null, int? hduIndex = null, string? hduName = null, long? byteOffset = null, Exception? inner = null)
        : base(Compose(detail, fileName, hduIndex, hduName, byteOffset), inner)
    {
        Detail = detail;
        FileName = fileName;
        HduIndex = hduIndex;
        HduName = hduName;
        ByteOffset = byteOffset;
    }

    /// <summary>The problem itself, without the location prefix.</summary>
    public string Detail { get; }

    /// <summary>File (or stream display name) in which the problem was found.</summary>
    public string? FileName { get; }

    /// <summary>Zero-based HDU index, when the problem belongs to one HDU.</summary>
    public int? HduIndex { get; }

    /// <summary>EXTNAME of that HDU, when it has one.</summary>
    public string? HduName { get; }

    /// <summary>Byte offset in the (decompressed) file where the problem was found.</summary>
    public long? ByteOffset { get; }

    private static string Compose(string detail, string? fileName, int? hduIndex, string? hduName, long? byteOffset)
    {
        var text = new System.Text.StringBuilder();
        text.Append(fileName ?? "FITS data");
        if (hduIndex is int index)
        {
            text.Append(", HDU ").Append(index);
            if (!string.IsNullOrEmpty(hduName))
            {
                text.Append(" (").Append(hduName).Append(')');
            }
        }
        else if (!string.IsNullOrEmpty(hduName))
        {
            text.Append(", HDU ").Append(hduName);
        }
        if (byteOffset is long offset)
        {
            text.Append(", byte ").Append(offset);
        }
        text.Append(": ").Append(detail);
        // One line, whatever the detail contains.
        return text.ToString().ReplaceLineEndings(" ");
    }
}
