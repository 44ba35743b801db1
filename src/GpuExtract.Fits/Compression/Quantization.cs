namespace GpuExtract.Fits.Compression;

/// <summary>
/// Quantized floating-point tiles (FITS Standard 4.0 §10.2): stored integers i become
/// (i − r + 0.5)·ZSCALE + ZZERO with the subtractive dither r (SUBTRACTIVE_DITHER_1/2), or
/// i·ZSCALE + ZZERO (NO_DITHER); ZBLANK marks NaN; under SUBTRACTIVE_DITHER_2 a dedicated value
/// marks exact zeros. ZSCALE/ZZERO/ZBLANK come from per-tile columns or header keywords.
/// </summary>
internal sealed class Quantization
{
    private readonly double[]? _scaleColumn;
    private readonly double[]? _zeroColumn;
    private readonly long[]? _blankColumn;
    private readonly double _scaleKey;
    private readonly double _zeroKey;
    private readonly long? _blankKey;
    private readonly int _method;
    private readonly long _ditherOffset;

    private Quantization(bool quantized, double[]? scale, double[]? zero, long[]? blank, double scaleKey, double zeroKey, long? blankKey, int method, long ditherOffset)
    {
        IsQuantized = quantized;
        _scaleColumn = scale;
        _zeroColumn = zero;
        _blankColumn = blank;
        _scaleKey = scaleKey;
        _zeroKey = zeroKey;
        _blankKey = blankKey;
        _method = method;
        _ditherOffset = ditherOffset;
    }

    /// <summary>True for floating-point images stored as quantized integers (ZSCALE present).</summary>
    public bool IsQuantized { get; }

    public static Quantization Read(FitsHdu hdu, FitsTable table)
    {
        FitsHeader header = hdu.Header;
        bool real = hdu.Bitpix < 0;
        bool scaleColumn = table.HasColumn("ZSCALE");
        bool quantized = real && (scaleColumn || header.Contains("ZSCALE"));
        if (!quantized)
        {
            return new Quantization(false, null, null, null, 1, 0, null, 0, 0);
        }
        string name = (header.GetStringOrNull("ZQUANTIZ") ?? "NO_DITHER").Trim().ToUpperInvariant();
        int method = name switch
        {
            "NO_DITHER" or "NONE" => 0,
            "SUBTRACTIVE_DITHER_1" => 1,
            "SUBTRACTIVE_DITHER_2" => 2,
            _ => throw hdu.Error($"unsupported ZQUANTIZ = '{name}' (supported: NO_DITHER, SUBTRACTIVE_DITHER_1, SUBTRACTIVE_DITHER_2)"),
        };
        long ditherOffset = method == 0 ? 0 : header.GetIntOrNull("ZDITHER0") ?? 0;
        return new Quantization(
            true,
            scaleColumn ? table.GetColumn<double>("ZSCALE") : null,
            table.HasColumn("ZZERO") ? table.GetColumn<double>("ZZERO") : null,
            table.HasColumn("ZBLANK") ? table.GetColumn<long>("ZBLANK") : null,
            header.GetDoubleOrNull("ZSCALE") ?? 1.0,
            header.GetDoubleOrNull("ZZERO") ?? 0.0,
            header.GetIntOrNull("ZBLANK"),
            method,
            ditherOffset);
    }

    /// <summary>Restores the floating-point values of tile <paramref name="row"/> (0-based).</summary>
    public void Dequantize<TReal>(ReadOnlySpan<int> stored, Span<TReal> values, int row)
        where TReal : unmanaged, System.Numerics.IFloatingPointIeee754<TReal>
    {
        double scale = _scaleColumn is not null && row < _scaleColumn.Length ? _scaleColumn[row] : _scaleKey;
        double zero = _zeroColumn is not null && row < _zeroColumn.Length ? _zeroColumn[row] : _zeroKey;
        long? blank = _blankColumn is not null && row < _blankColumn.Length ? _blankColumn[row] : _blankKey;
        long blankValue = blank ?? long.MinValue;
        if (_method == 0)
        {
            for (int i = 0; i < stored.Length; i++)
            {
                values[i] = stored[i] == blankValue ? TReal.NaN : TReal.CreateTruncating(stored[i] * scale + zero);
            }
            return;
        }
        float[] random = SubtractiveDither.Values;
        int seed = (int)((row + _ditherOffset - 1 + SubtractiveDither.Count) % SubtractiveDither.Count);
        if (seed < 0)
        {
            seed += SubtractiveDither.Count;
        }
        int next = (int)(random[seed] * 500);
        for (int i = 0; i < stored.Length; i++)
        {
            int q = stored[i];
            if (q == blankValue)
            {
                values[i] = TReal.NaN;
            }
            else if (_method == 2 && q == SubtractiveDither.ZeroValue)
            {
                values[i] = TReal.Zero;
            }
            else
            {
                values[i] = TReal.CreateTruncating((q - (double)random[next] + 0.5) * scale + zero);
            }
            if (++next == SubtractiveDither.Count)
            {
                seed = (seed + 1) % SubtractiveDither.Count;
                next = (int)(random[seed] * 500);
            }
        }
    }
}
