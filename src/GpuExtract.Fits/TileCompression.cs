namespace GpuExtract.Fits;

/// <summary>The lossless tile-compression algorithms <see cref="FitsWriter.WriteCompressedImage{T}"/> writes (ZCMPTYPE).</summary>
public enum TileCompressionMethod
{
    /// <summary>RICE_1: Rice coding of pixel differences (FITS Standard 4.0 §10.4.1); best for integer masks and counts.</summary>
    Rice1,

    /// <summary>GZIP_1: the tile's big-endian pixel bytes, gzip-compressed (§10.4.2).</summary>
    Gzip1,

    /// <summary>GZIP_2: the same bytes shuffled (all most-significant bytes first, …), then gzip (§10.4.3).</summary>
    Gzip2,
}

/// <summary>
/// How <see cref="FitsWriter.WriteCompressedImage{T}"/> compresses an image: the algorithm, the tile
/// shape and, for RICE_1, the block size. The default tiles are single image rows (ZTILE1 = NAXIS1,
/// other ZTILEn = 1), as DESI's preproc MASK and cfitsio's default.
/// </summary>
public sealed class TileCompression
{
    /// <summary>RICE_1 with row tiles and 32-pixel blocks: DESI's MASK compression.</summary>
    public static TileCompression Rice1 { get; } = new() { Method = TileCompressionMethod.Rice1 };

    /// <summary>GZIP_1 with row tiles.</summary>
    public static TileCompression Gzip1 { get; } = new() { Method = TileCompressionMethod.Gzip1 };

    /// <summary>GZIP_2 (byte-shuffled) with row tiles.</summary>
    public static TileCompression Gzip2 { get; } = new() { Method = TileCompressionMethod.Gzip2 };

    public TileCompressionMethod Method { get; init; } = TileCompressionMethod.Rice1;

    /// <summary>
    /// Tile shape in numpy order (last axis along NAXIS1), one entry per image axis; entries longer than
    /// their axis are clipped to it. Null: one image row per tile.
    /// </summary>
    public int[]? TileShape { get; init; }

    /// <summary>RICE_1 pixels per coding block (ZNAME BLOCKSIZE); 32 is what cfitsio, astropy and DESI use.</summary>
    public int BlockSize { get; init; } = 32;

    /// <summary>The ZCMPTYPE value.</summary>
    internal string Name => Method switch
    {
        TileCompressionMethod.Rice1 => "RICE_1",
        TileCompressionMethod.Gzip1 => "GZIP_1",
        TileCompressionMethod.Gzip2 => "GZIP_2",
        _ => throw new ArgumentOutOfRangeException(nameof(Method), Method, "unknown tile compression method"),
    };
}
