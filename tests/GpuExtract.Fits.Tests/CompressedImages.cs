namespace GpuExtract.Fits.Tests;

/// <summary>
/// Integer test images for tile compression: random values of several entropies (one row per noise
/// amplitude 2^0 … 2^bits, so RICE_1 uses every split k and its verbatim blocks), the type's minimum
/// and maximum (alone and alternating), all-zero rows and isolated non-zero pixels.
/// </summary>
public static class CompressedImages
{
    /// <summary>A row-major image of <paramref name="rows"/> × <paramref name="columns"/> values of T (byte, short or int).</summary>
    public static T[] EdgeCases<T>(int rows, int columns, int seed) where T : unmanaged
    {
        var random = new Random(seed);
        (long min, long max, int bits) = typeof(T) == typeof(byte) ? (0L, 255L, 8)
            : typeof(T) == typeof(short) ? (short.MinValue, short.MaxValue, 16)
            : ((long)int.MinValue, (long)int.MaxValue, 32);
        var values = new long[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            Span<long> row = values.AsSpan(r * columns, columns);
            switch (r % 6)
            {
                case 0:
                    row.Clear();                       // all-zero row: RICE low-entropy blocks
                    if (r % 12 == 6)
                    {
                        row[random.Next(columns)] = max;   // a single pixel in a zero row
                    }
                    break;
                case 1:
                    for (int c = 0; c < columns; c++)
                    {
                        row[c] = c % 2 == 0 ? min : max;   // largest possible differences: verbatim blocks
                    }
                    break;
                default:
                    // Noise of amplitude 2^a around a level: exercises the splits k = 0 … bits − 2.
                    int amplitude = r % bits;
                    long level = min + (max - min) / 2 + random.NextInt64(-(1L << (bits - 2)), 1L << (bits - 2));
                    for (int c = 0; c < columns; c++)
                    {
                        long value = level + random.NextInt64(-(1L << amplitude), (1L << amplitude) + 1);
                        row[c] = Math.Clamp(value, min, max);
                    }
                    break;
            }
        }
        values[0] = min;
        values[^1] = max;
        var result = new T[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = typeof(T) == typeof(byte) ? (T)(object)(byte)values[i]
                : typeof(T) == typeof(short) ? (T)(object)(short)values[i]
                : (T)(object)(int)values[i];
        }
        return result;
    }
}
