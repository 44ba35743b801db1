namespace GpuExtract.Fits.Compression;

/// <summary>
/// How a tile-compressed image is cut into tiles: image axes ZNAXISn and tile axes ZTILEn (FITS
/// order, axis 1 fastest; default whole rows), the tile grid, and the copy of one decoded tile
/// (partial at the far edges) into the row-major image.
/// </summary>
internal sealed class TileGeometry
{
    private readonly long[] _axes;
    private readonly long[] _tile;
    private readonly long[] _grid;
    private readonly long[] _strides;

    private TileGeometry(long[] axes, long[] tile)
    {
        _axes = axes;
        _tile = tile;
        _grid = new long[axes.Length];
        _strides = new long[axes.Length];
        long count = axes.Length == 0 ? 0 : 1;
        long tiles = axes.Length == 0 ? 0 : 1;
        long maxTile = 1;
        for (int k = 0; k < axes.Length; k++)
        {
            _strides[k] = count;
            _grid[k] = axes[k] == 0 ? 0 : (axes[k] + tile[k] - 1) / tile[k];
            count = SaturatingMultiply(count, axes[k]);
            tiles = SaturatingMultiply(tiles, _grid[k]);
            maxTile = SaturatingMultiply(maxTile, Math.Min(tile[k], axes[k]));
        }
        PixelCount = count;
        TileCount = tiles;
        MaxTilePixels = (int)Math.Min(maxTile, Array.MaxLength);
    }

    /// <summary>Pixels in the whole image.</summary>
    public long PixelCount { get; }

    /// <summary>Tiles (table rows used).</summary>
    public long TileCount { get; }

    /// <summary>Pixels in the largest (interior) tile.</summary>
    public int MaxTilePixels { get; }

    /// <summary>Reads ZNAXISn and ZTILEn and checks them against the table's rows.</summary>
    public static TileGeometry Read(FitsHdu hdu, FitsTable table)
    {
        int n = hdu.Shape.Length;
        var axes = new long[n];
        var tile = new long[n];
        for (int k = 0; k < n; k++)
        {
            axes[k] = hdu.Shape[n - 1 - k];
            tile[k] = hdu.Header.GetIntOrNull($"ZTILE{k + 1}") ?? (k == 0 ? axes[0] : 1);
            if (tile[k] < 1 && axes[k] > 0)
            {
                throw hdu.Error($"ZTILE{k + 1} = {tile[k]} is not positive");
            }
            tile[k] = Math.Max(tile[k], 1);
        }
        var geometry = new TileGeometry(axes, tile);
        if (geometry.TileCount > table.RowCount)
        {
            throw hdu.Error($"image needs {geometry.TileCount} tiles but the table has {table.RowCount} rows");
        }
        if ((long)geometry.MaxTilePixels * 8 > Array.MaxLength || geometry.MaxTilePixels > geometry.PixelCount && geometry.PixelCount > 0)
        {
            throw hdu.Error($"tiles of {geometry.MaxTilePixels} pixels are too large");
        }
        return geometry;
    }

    /// <summary>Pixels in tile <paramref name="row"/> (0-based), edge tiles being partial.</summary>
    public int TilePixels(int row)
    {
        long count = 1;
        long index = row;
        for (int k = 0; k < _axes.Length; k++)
        {
            long position = index % _grid[k];
            index /= _grid[k];
            count *= Math.Min(_tile[k], _axes[k] - position * _tile[k]);
        }
        return (int)count;
    }

    /// <summary>Copies the decoded pixels of tile <paramref name="row"/> into their places in <paramref name="image"/>.</summary>
    public void Scatter<T>(int row, ReadOnlySpan<T> values, T[] image)
    {
        int n = _axes.Length;
        Span<long> start = stackalloc long[Math.Min(n, 64)];
        Span<long> length = stackalloc long[Math.Min(n, 64)];
        if (n > 64)
        {
            start = new long[n];
            length = new long[n];
        }
        long index = row;
        for (int k = 0; k < n; k++)
        {
            long position = index % _grid[k];
            index /= _grid[k];
            start[k] = position * _tile[k];
            length[k] = Math.Min(_tile[k], _axes[k] - start[k]);
        }
        int lineLength = (int)length[0];
        Span<long> within = n > 64 ? new long[n] : stackalloc long[Math.Max(n, 1)];
        within.Clear();
        int source = 0;
        while (source < values.Length)
        {
            long offset = start[0];
            for (int k = 1; k < n; k++)
            {
                offset += (start[k] + within[k]) * _strides[k];
            }
            values.Slice(source, lineLength).CopyTo(image.AsSpan((int)offset, lineLength));
            source += lineLength;
            // Advance the tile-local index of axes 2…n (odometer).
            for (int k = 1; k < n; k++)
            {
                if (++within[k] < length[k])
                {
                    break;
                }
                within[k] = 0;
            }
        }
    }

    private static long SaturatingMultiply(long a, long b) =>
        a == 0 || b == 0 ? 0 : a > long.MaxValue / b ? long.MaxValue : a * b;
}
