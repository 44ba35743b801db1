namespace GpuExtract.Fits;

/// <summary>
/// How a .NET element type is stored in FITS: BITPIX, binary-table TFORM letter, and the offset
/// (BZERO/TZERO) of the unsigned-integer convention (§5.3: 32768, 2147483648, 9223372036854775808;
/// −128 for signed bytes), zero when none.
/// </summary>
internal readonly record struct StorageType(int Bitpix, char TformCode, double Zero)
{
    /// <summary>Bytes per stored value.</summary>
    public int Size => FitsLayout.BytesPerValue(Bitpix);

    /// <summary>The storage of <typeparamref name="T"/>; NotSupportedException for other types.</summary>
    public static StorageType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(byte)) { return new(8, 'B', 0); }
        if (typeof(T) == typeof(sbyte)) { return new(8, 'B', -128); }
        if (typeof(T) == typeof(short)) { return new(16, 'I', 0); }
        if (typeof(T) == typeof(ushort)) { return new(16, 'I', 32768); }
        if (typeof(T) == typeof(int)) { return new(32, 'J', 0); }
        if (typeof(T) == typeof(uint)) { return new(32, 'J', 2147483648); }
        if (typeof(T) == typeof(long)) { return new(64, 'K', 0); }
        if (typeof(T) == typeof(ulong)) { return new(64, 'K', 9223372036854775808); }
        if (typeof(T) == typeof(float)) { return new(-32, 'E', 0); }
        if (typeof(T) == typeof(double)) { return new(-64, 'D', 0); }
        throw new NotSupportedException($"FITS has no storage for element type {typeof(T).Name}; use byte, sbyte, short, ushort, int, uint, long, ulong, float or double");
    }

    /// <summary>BITPIX of a binary-table TFORM code, or 0 when it is not numeric.</summary>
    public static int BitpixOfTform(char code) => code switch
    {
        'B' => 8,
        'I' => 16,
        'J' => 32,
        'K' => 64,
        'E' => -32,
        'D' => -64,
        _ => 0,
    };
}
