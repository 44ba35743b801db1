namespace GpuExtract.Fits.Compression;

/// <summary>
/// How a tile-compressed image is cut into tiles: image axes ZNAXISn and tile axes ZTILEn (FITS
/// order, axis 1 fastest; default whole rows), the tile grid, and the copies of one tile (partial at
/// the far edges) into the row-major image (reading) and out of it (writing).
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

    /// <summary>Tile size along FITS axis <paramref name="k"/> (0-based; ZTILE(k+1)).</summary>
    public long TileAxis(int k) => _tile[k];

    /// <summary>
    /// The tiling of an image being written: <paramref name="shape"/> and <paramref name="tileShape"/> in
    /// numpy order (null tile shape: one row per tile); tile axes longer than the image's are clipped.
    /// </summary>
    public static TileGeometry ForImage(ReadOnlySpan<int> shape, int[]? tileShape)
    {
        int n = shape.Length;
        if (tileShape is not null && tileShape.Length != n)
        {
            throw new ArgumentException($"tile shape has {tileShape.Length} axes but the image has {n}", nameof(tileShape));
        }
        var axes = new long[n];
        var tile = new long[n];
        for (int k = 0; k < n; k++)
        {
            axes[k] = shape[n - 1 - k];
            long wanted = tileShape is null ? (k == 0 ? axes[0] : 1) : tileShape[n - 1 - k];
            if (wanted < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(tileShape), $"tile axis {n - k} is {wanted}; tile axes must be positive");
            }
            tile[k] = Math.Clamp(wanted, 1, Math.Max(axes[k], 1));
        }
        return new TileGeometry(axes, tile);
    }

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
            // A tile longer than its axis is the whole axis (and keeps the grid arithmetic in range).
            tile[k] = Math.Clamp(tile[k], 1, Math.Max(axes[k], 1));
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
        Span<long> scratch = _axes.Length <= 16 ? stackalloc long[48] : new long[3 * _axes.Length];
        var lines = new TileLines(this, row, scratch);
        int source = 0;
        while (source < values.Length && lines.MoveNext())
        {
            values.Slice(source, lines.Length).CopyTo(image.AsSpan((int)lines.Offset, lines.Length));
            source += lines.Length;
        }
    }

    /// <summary>Copies the pixels of tile <paramref name="row"/> out of <paramref name="image"/> into <paramref name="values"/> (its <see cref="TilePixels"/>, tile order).</summary>
    public void Gather<T>(int row, ReadOnlySpan<T> image, Span<T> values)
    {
        Span<long> scratch = _axes.Length <= 16 ? stackalloc long[48] : new long[3 * _axes.Length];
        var lines = new TileLines(this, row, scratch);
        int target = 0;
        while (target < values.Length && lines.MoveNext())
        {
            image.Slice((int)lines.Offset, lines.Length).CopyTo(values.Slice(target, lines.Length));
            target += lines.Length;
        }
    }

    /// <summary>The image lines (runs along axis 1) of one tile, in tile order: image offset and length of each.</summary>
    private ref struct TileLines
    {
        private readonly TileGeometry _geometry;
        private readonly Span<long> _start;
        private readonly Span<long> _length;
        private readonly Span<long> _within;
        private bool _started;

        /// <param name="scratch">at least 3 · NAXIS values of working space.</param>
        public TileLines(TileGeometry geometry, int row, Span<long> scratch)
        {
            _geometry = geometry;
            int n = geometry._axes.Length;
            scratch.Clear();
            _start = scratch[..n];
            _length = scratch.Slice(n, n);
            _within = scratch.Slice(2 * n, n);
            long index = row;
            for (int k = 0; k < n; k++)
            {
                long position = index % geometry._grid[k];
                index /= geometry._grid[k];
                _start[k] = position * geometry._tile[k];
                _length[k] = Math.Min(geometry._tile[k], geometry._axes[k] - _start[k]);
            }
            Length = n == 0 ? 0 : (int)_length[0];
        }

        /// <summary>Pixels per line.</summary>
        public int Length { get; }

        /// <summary>Image offset of the current line's first pixel.</summary>
        public long Offset { get; private set; }

        public bool MoveNext()
        {
            int n = _start.Length;
            if (_started)
            {
                // Advance the tile-local index of axes 2…n (odometer); past the last line when all wrap.
                int k = 1;
                for (; k < n; k++)
                {
                    if (++_within[k] < _length[k])
                    {
                        break;
                    }
                    _within[k] = 0;
                }
                if (k >= n)
                {
                    return false;
                }
            }
            _started = true;
            long offset = n == 0 ? 0 : _start[0];
            for (int k = 1; k < n; k++)
            {
                offset += (_start[k] + _within[k]) * _geometry._strides[k];
            }
            Offset = offset;
            return true;
        }
    }

    private static long SaturatingMultiply(long a, long b) =>
        a == 0 || b == 0 ? 0 : a > long.MaxValue / b ? long.MaxValue : a * b;
}
