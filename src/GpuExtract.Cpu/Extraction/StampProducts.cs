using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GpuExtract.Cpu.Extraction;

/// <summary>SIMD sums over the rows of clipped stamps (rows are at most one stamp wide, ~17 values).</summary>
internal static class StampProducts
{
    /// <summary>Σ a[i]·b[i] over <paramref name="length"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int length)
    {
        ref double pa = ref MemoryMarshal.GetReference(a);
        ref double pb = ref MemoryMarshal.GetReference(b);
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<double>.Count)
        {
            var acc = Vector<double>.Zero;
            for (; i <= length - Vector<double>.Count; i += Vector<double>.Count)
            {
                acc += Vector.LoadUnsafe(ref pa, (nuint)i) * Vector.LoadUnsafe(ref pb, (nuint)i);
            }
            sum = Vector.Sum(acc);
        }
        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref pa, i) * Unsafe.Add(ref pb, i);
        }
        return sum;
    }

    /// <summary>Σ a[i]·b[i]·c[i] over <paramref name="length"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, int length)
    {
        ref double pa = ref MemoryMarshal.GetReference(a);
        ref double pb = ref MemoryMarshal.GetReference(b);
        ref double pc = ref MemoryMarshal.GetReference(c);
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<double>.Count)
        {
            var acc = Vector<double>.Zero;
            for (; i <= length - Vector<double>.Count; i += Vector<double>.Count)
            {
                acc += Vector.LoadUnsafe(ref pa, (nuint)i) * Vector.LoadUnsafe(ref pb, (nuint)i) * Vector.LoadUnsafe(ref pc, (nuint)i);
            }
            sum = Vector.Sum(acc);
        }
        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref pa, i) * Unsafe.Add(ref pb, i) * Unsafe.Add(ref pc, i);
        }
        return sum;
    }

    /// <summary>y[i] += alpha·x[i] over <paramref name="length"/> values (axpy).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled(ReadOnlySpan<double> x, double alpha, Span<double> y, int length)
    {
        ref double px = ref MemoryMarshal.GetReference(x);
        ref double py = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var a = new Vector<double>(alpha);
            for (; i <= length - Vector<double>.Count; i += Vector<double>.Count)
            {
                (Vector.LoadUnsafe(ref py, (nuint)i) + a * Vector.LoadUnsafe(ref px, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
            }
        }
        for (; i < length; i++)
        {
            Unsafe.Add(ref py, i) += alpha * Unsafe.Add(ref px, i);
        }
    }

    /// <summary>Σ a[i] over <paramref name="length"/> values.</summary>
    public static double Sum(ReadOnlySpan<double> a, int length)
    {
        double sum = 0;
        for (int i = 0; i < length; i++)
        {
            sum += a[i];
        }
        return sum;
    }
}
