using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace GpuExtract.Fits;

/// <summary>
/// Turns big-endian stored values (BITPIX 8, 16, 32, 64, −32, −64) into physical values of the
/// requested element type: physical = stored·scale + zero, undefined integers (BLANK) as NaN in
/// real types. Unscaled data of the same type, and the unsigned-integer conventions read into the
/// unsigned type, are converted in place (a vectorised byte swap and a sign-bit flip).
/// Integer targets need integral scaling and in-range values, else a <see cref="FitsFormatException"/>.
/// </summary>
internal static class PixelDecoder
{
    /// <summary>True when stored values can be read straight into <typeparamref name="T"/> memory and fixed with <see cref="DecodeInPlace"/>.</summary>
    public static bool CanDecodeInPlace<T>(int bitpix, LinearScaling scaling) where T : unmanaged
    {
        StorageType storage = StorageType.Of<T>();
        return storage.Bitpix == bitpix && scaling.Scale == 1 && scaling.Zero == storage.Zero;
    }

    /// <summary>Converts stored big-endian values already in <paramref name="values"/>' memory to native <typeparamref name="T"/>.</summary>
    public static void DecodeInPlace<T>(Span<T> values) where T : unmanaged
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(values);
        StorageType storage = StorageType.Of<T>();
        SwapInPlace(bytes, storage.Size);
        if (storage.Zero != 0)
        {
            FlipSignBits(bytes, storage.Size);
        }
    }

    /// <summary>
    /// Writes native values as big-endian stored values of the same size (vectorised swap from
    /// <paramref name="values"/> into <paramref name="stored"/>), flipping the sign bit first for the
    /// unsigned conventions (<paramref name="flipSign"/>).
    /// </summary>
    public static void EncodeBigEndian(ReadOnlySpan<byte> values, Span<byte> stored, int size, bool flipSign)
    {
        switch (size)
        {
            case 1:
                values.CopyTo(stored);
                break;
            case 2:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(values), MemoryMarshal.Cast<byte, ushort>(stored));
                break;
            case 4:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(values), MemoryMarshal.Cast<byte, uint>(stored));
                break;
            case 8:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(values), MemoryMarshal.Cast<byte, ulong>(stored));
                break;
        }
        if (flipSign)
        {
            // After the swap the sign bit is in each value's first byte, the low byte of a little-endian word.
            switch (size)
            {
                case 1:
                    Xor(stored, (byte)0x80);
                    break;
                case 2:
                    Xor(MemoryMarshal.Cast<byte, ushort>(stored), (ushort)0x0080);
                    break;
                case 4:
                    Xor(MemoryMarshal.Cast<byte, uint>(stored), 0x00000080u);
                    break;
                case 8:
                    Xor(MemoryMarshal.Cast<byte, ulong>(stored), 0x80ul);
                    break;
            }
        }
    }

    /// <summary>Reverses the byte order of each <paramref name="size"/>-byte value (vectorised by the runtime).</summary>
    public static void SwapInPlace(Span<byte> bytes, int size)
    {
        switch (size)
        {
            case 2:
                var shorts = MemoryMarshal.Cast<byte, ushort>(bytes);
                BinaryPrimitives.ReverseEndianness(shorts, shorts);
                break;
            case 4:
                var ints = MemoryMarshal.Cast<byte, uint>(bytes);
                BinaryPrimitives.ReverseEndianness(ints, ints);
                break;
            case 8:
                var longs = MemoryMarshal.Cast<byte, ulong>(bytes);
                BinaryPrimitives.ReverseEndianness(longs, longs);
                break;
        }
    }

    /// <summary>Flips the top bit of each native value: signed ↔ unsigned-convention conversion.</summary>
    public static void FlipSignBits(Span<byte> bytes, int size)
    {
        switch (size)
        {
            case 1:
                Xor(bytes, (byte)0x80);
                break;
            case 2:
                Xor(MemoryMarshal.Cast<byte, ushort>(bytes), (ushort)0x8000);
                break;
            case 4:
                Xor(MemoryMarshal.Cast<byte, uint>(bytes), 0x80000000u);
                break;
            case 8:
                Xor(MemoryMarshal.Cast<byte, ulong>(bytes), 0x8000000000000000ul);
                break;
        }
    }

    private static void Xor<TWord>(Span<TWord> words, TWord mask) where TWord : unmanaged, IBinaryInteger<TWord>
    {
        var vectorMask = new Vector<TWord>(mask);
        int i = 0;
        for (; i + Vector<TWord>.Count <= words.Length; i += Vector<TWord>.Count)
        {
            var slice = words.Slice(i, Vector<TWord>.Count);
            (new Vector<TWord>(slice) ^ vectorMask).CopyTo(slice);
        }
        for (; i < words.Length; i++)
        {
            words[i] ^= mask;
        }
    }

    /// <summary>
    /// Converts stored big-endian values in <paramref name="stored"/> (swapped in place as a side effect)
    /// into <paramref name="destination"/>; <paramref name="error"/> builds the exception for values
    /// the target type cannot hold.
    /// </summary>
    public static void Decode<T>(Span<byte> stored, int bitpix, LinearScaling scaling, Span<T> destination, Func<string, FitsFormatException> error)
        where T : unmanaged
    {
        int size = FitsLayout.BytesPerValue(bitpix);
        SwapInPlace(stored, size);
        switch (bitpix)
        {
            case 8:
                Convert<byte, T>(stored, scaling, destination, error);
                break;
            case 16:
                Convert<short, T>(MemoryMarshal.Cast<byte, short>(stored), scaling, destination, error);
                break;
            case 32:
                Convert<int, T>(MemoryMarshal.Cast<byte, int>(stored), scaling, destination, error);
                break;
            case 64:
                Convert<long, T>(MemoryMarshal.Cast<byte, long>(stored), scaling, destination, error);
                break;
            case -32:
                Convert<float, T>(MemoryMarshal.Cast<byte, float>(stored), scaling, destination, error);
                break;
            case -64:
                Convert<double, T>(MemoryMarshal.Cast<byte, double>(stored), scaling, destination, error);
                break;
            default:
                throw error($"unsupported BITPIX {bitpix}");
        }
    }

    /// <summary>Converts native stored values to physical values of type <typeparamref name="T"/>.</summary>
    public static void Convert<TRaw, T>(ReadOnlySpan<TRaw> raw, LinearScaling scaling, Span<T> destination, Func<string, FitsFormatException> error)
        where TRaw : unmanaged, INumberBase<TRaw>
        where T : unmanaged
    {
        if (typeof(T) == typeof(float)) { ToReal(raw, scaling, MemoryMarshal.Cast<T, float>(destination)); }
        else if (typeof(T) == typeof(double)) { ToReal(raw, scaling, MemoryMarshal.Cast<T, double>(destination)); }
        else if (typeof(T) == typeof(byte)) { ToInteger(raw, scaling, MemoryMarshal.Cast<T, byte>(destination), error); }
        else if (typeof(T) == typeof(sbyte)) { ToInteger(raw, scaling, MemoryMarshal.Cast<T, sbyte>(destination), error); }
        else if (typeof(T) == typeof(short)) { ToInteger(raw, scaling, MemoryMarshal.Cast<T, short>(destination), error); }
        else if (typeof(T) == typeof(ushort)) { ToInteger(raw, scaling, MemoryMarshal.Cast<T, ushort>(destination), error); }
        else if (typeof(T) == typeof(int)) { ToInteger(raw, scaling, MemoryMarshal.Cast<T, int>(destination), error); }
        else if (typeof(T) == typeof(uint)) { ToInteger(raw, scaling, MemoryMarshal.Cast<T, uint>(destination), error); }
        else if (typeof(T) == typeof(long)) { ToInteger(raw, scaling, MemoryMarshal.Cast<T, long>(destination), error); }
        else if (typeof(T) == typeof(ulong)) { ToInteger(raw, scaling, MemoryMarshal.Cast<T, ulong>(destination), error); }
        else { _ = StorageType.Of<T>(); }
    }

    private static bool IsReal<TRaw>() => typeof(TRaw) == typeof(float) || typeof(TRaw) == typeof(double);

    private static void ToReal<TRaw, TReal>(ReadOnlySpan<TRaw> raw, LinearScaling scaling, Span<TReal> destination)
        where TRaw : unmanaged, INumberBase<TRaw>
        where TReal : unmanaged, IFloatingPointIeee754<TReal>
    {
        int count = Math.Min(raw.Length, destination.Length);
        bool blank = scaling.Blank.HasValue && !IsReal<TRaw>();
        long blankValue = scaling.Blank ?? 0;
        if (scaling.IsIdentity && !blank)
        {
            for (int i = 0; i < count; i++)
            {
                destination[i] = TReal.CreateTruncating(raw[i]);
            }
            return;
        }
        double scale = scaling.Scale;
        double zero = scaling.Zero;
        for (int i = 0; i < count; i++)
        {
            if (blank && long.CreateTruncating(raw[i]) == blankValue)
            {
                destination[i] = TReal.NaN;
                continue;
            }
            destination[i] = TReal.CreateTruncating(double.CreateTruncating(raw[i]) * scale + zero);
        }
    }

    private static void ToInteger<TRaw, TInt>(ReadOnlySpan<TRaw> raw, LinearScaling scaling, Span<TInt> destination, Func<string, FitsFormatException> error)
        where TRaw : unmanaged, INumberBase<TRaw>
        where TInt : unmanaged, IBinaryInteger<TInt>, IMinMaxValue<TInt>
    {
        if (IsReal<TRaw>())
        {
            throw error($"floating-point values cannot be read as {typeof(TInt).Name}; read them as float or double");
        }
        if (!scaling.IsIntegral)
        {
            throw error($"values scaled by {scaling.Scale:R} and offset {scaling.Zero:R} are not integers; read them as float or double");
        }
        int count = Math.Min(raw.Length, destination.Length);
        var min = Int128.CreateTruncating(TInt.MinValue);
        var max = Int128.CreateTruncating(TInt.MaxValue);
        if (scaling.IsIdentity)
        {
            long minLong = (long)Int128.Max(min, long.MinValue);
            long maxLong = (long)Int128.Min(max, long.MaxValue);
            for (int i = 0; i < count; i++)
            {
                long value = long.CreateTruncating(raw[i]);
                if (value < minLong || value > maxLong)
                {
                    throw OutOfRange<TInt>(error, value.ToString(System.Globalization.CultureInfo.InvariantCulture), i);
                }
                destination[i] = TInt.CreateTruncating(value);
            }
            return;
        }
        var scale = (Int128)scaling.Scale;
        var zero = (Int128)scaling.Zero;
        for (int i = 0; i < count; i++)
        {
            Int128 value = Int128.CreateTruncating(raw[i]) * scale + zero;
            if (value < min || value > max)
            {
                throw OutOfRange<TInt>(error, value.ToString(System.Globalization.CultureInfo.InvariantCulture), i);
            }
            destination[i] = TInt.CreateTruncating(value);
        }
    }

    private static FitsFormatException OutOfRange<TInt>(Func<string, FitsFormatException> error, string value, int index) =>
        error($"value {value} (element {index} of its block) does not fit in {typeof(TInt).Name}; read it as a wider type");
}
