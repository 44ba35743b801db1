namespace GpuExtract.Fits;

/// <summary>What an HDU holds.</summary>
public enum HduKind
{
    /// <summary>Primary array or IMAGE extension.</summary>
    Image,

    /// <summary>BINTABLE extension.</summary>
    BinaryTable,

    /// <summary>Tile-compressed image stored as a BINTABLE with ZIMAGE = T.</summary>
    CompressedImage,

    /// <summary>ASCII TABLE extension (header readable, data not decoded).</summary>
    AsciiTable,

    /// <summary>Any other conforming extension type (skipped over, header readable).</summary>
    Other,
}
