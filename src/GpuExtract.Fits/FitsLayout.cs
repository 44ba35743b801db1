namespace GpuExtract.Fits;

/// <summary>Record layout constants of the FITS Standard 4.0 §3.1: 2880-byte blocks of 36 cards.</summary>
internal static class FitsLayout
{
    public const int BlockSize = 2880;

    public const int CardLength = 80;

    /// <summary><paramref name="length"/> rounded up to whole 2880-byte blocks.</summary>
    public static long Padded(long length) => (length + BlockSize - 1) / BlockSize * BlockSize;

    /// <summary>Bytes per value for a BITPIX, or 0 when the BITPIX is not one of 8, 16, 32, 64, −32, −64.</summary>
    public static int BytesPerValue(long bitpix) => bitpix switch
    {
        8 => 1,
        16 => 2,
        32 => 4,
        64 => 8,
        -32 => 4,
        -64 => 8,
        _ => 0,
    };
}
