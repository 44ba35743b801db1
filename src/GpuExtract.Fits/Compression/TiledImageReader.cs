namespace GpuExtract.Fits.Compression;

/// <summary>Placeholder until tile decompression lands.</summary>
internal static class TiledImageReader
{
    public static T[] Read<T>(FitsHdu hdu, FitsTable table) where T : unmanaged =>
        throw hdu.Error("tile-compressed images are not supported yet");
}
