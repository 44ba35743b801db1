using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GpuExtract.Cpu.LinearAlgebra;

/// <summary>
/// Level-1 operations on contiguous rows of row-major matrices (dot, sum, axpy, plane rotations), with
/// <see cref="Vector{T}"/>. The managed factorisations are arranged so that every inner loop is one
/// of these over a contiguous row, never a strided column; the extraction's stamp-row products
/// (normal equations, model image, resolution rows) use the same ones.
/// </summary>
internal static class RowOperations
{
    /// <summary>Σ x[i]·y[i] over the common length (x.Length ≤ y.Length).</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length;
        y = y[..n];
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double ry = ref MemoryMarshal.GetReference(y);
        int width = Vector<double>.Count;
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && n >= 2 * width)
        {
            // Two accumulators hide the FMA latency.
            var acc0 = Vector<double>.Zero;
            var acc1 = Vector<double>.Zero;
            for (; i <= n - 2 * width; i += 2 * width)
            {
                acc0 += Vector.LoadUnsafe(ref rx, (nuint)i) * Vector.LoadUnsafe(ref ry, (nuint)i);
                acc1 += Vector.LoadUnsafe(ref rx, (nuint)(i + width)) * Vector.LoadUnsafe(ref ry, (nuint)(i + width));
            }
            sum = Vector.Sum(acc0 + acc1);
        }
        for (; i < n; i++)
        {
            sum += Unsafe.Add(ref rx, i) * Unsafe.Add(ref ry, i);
        }
        return sum;
    }

    /// <summary>Σ x[i] in index order (a stamp row's weight: ~17 values, too short for vectors to pay).</summary>
    public static double Sum(ReadOnlySpan<double> x)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += x[i];
        }
        return sum;
    }

    /// <summary>The dot products of x with y0 and y1 over x's length, loading x once.</summary>
    public static void Dot2(ReadOnlySpan<double> x, ReadOnlySpan<double> y0, ReadOnlySpan<double> y1, out double d0, out double d1)
    {
        int n = x.Length;
        y0 = y0[..n];
        y1 = y1[..n];
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double r0 = ref MemoryMarshal.GetReference(y0);
        ref double r1 = ref MemoryMarshal.GetReference(y1);
        int width = Vector<double>.Count;
        int i = 0;
        d0 = d1 = 0;
        if (Vector.IsHardwareAccelerated && n >= width)
        {
            var acc0 = Vector<double>.Zero;
            var acc1 = Vector<double>.Zero;
            for (; i <= n - width; i += width)
            {
                var xv = Vector.LoadUnsafe(ref rx, (nuint)i);
                acc0 += xv * Vector.LoadUnsafe(ref r0, (nuint)i);
                acc1 += xv * Vector.LoadUnsafe(ref r1, (nuint)i);
            }
            d0 = Vector.Sum(acc0);
            d1 = Vector.Sum(acc1);
        }
        for (; i < n; i++)
        {
            double xi = Unsafe.Add(ref rx, i);
            d0 += xi * Unsafe.Add(ref r0, i);
            d1 += xi * Unsafe.Add(ref r1, i);
        }
    }

    /// <summary>The four dot products of x with y0..y3 over x's length, loading x once.</summary>
    public static void Dot4(ReadOnlySpan<double> x, ReadOnlySpan<double> y0, ReadOnlySpan<double> y1, ReadOnlySpan<double> y2, ReadOnlySpan<double> y3,
        out double d0, out double d1, out double d2, out double d3)
    {
        int n = x.Length;
        y0 = y0[..n];
        y1 = y1[..n];
        y2 = y2[..n];
        y3 = y3[..n];
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double r0 = ref MemoryMarshal.GetReference(y0);
        ref double r1 = ref MemoryMarshal.GetReference(y1);
        ref double r2 = ref MemoryMarshal.GetReference(y2);
        ref double r3 = ref MemoryMarshal.GetReference(y3);
        int width = Vector<double>.Count;
        int i = 0;
        d0 = d1 = d2 = d3 = 0;
        if (Vector.IsHardwareAccelerated && n >= width)
        {
            var acc0 = Vector<double>.Zero;
            var acc1 = Vector<double>.Zero;
            var acc2 = Vector<double>.Zero;
            var acc3 = Vector<double>.Zero;
            for (; i <= n - width; i += width)
            {
                var xv = Vector.LoadUnsafe(ref rx, (nuint)i);
                acc0 += xv * Vector.LoadUnsafe(ref r0, (nuint)i);
                acc1 += xv * Vector.LoadUnsafe(ref r1, (nuint)i);
                acc2 += xv * Vector.LoadUnsafe(ref r2, (nuint)i);
                acc3 += xv * Vector.LoadUnsafe(ref r3, (nuint)i);
            }
            d0 = Vector.Sum(acc0);
            d1 = Vector.Sum(acc1);
            d2 = Vector.Sum(acc2);
            d3 = Vector.Sum(acc3);
        }
        for (; i < n; i++)
        {
            double xi = Unsafe.Add(ref rx, i);
            d0 += xi * Unsafe.Add(ref r0, i);
            d1 += xi * Unsafe.Add(ref r1, i);
            d2 += xi * Unsafe.Add(ref r2, i);
            d3 += xi * Unsafe.Add(ref r3, i);
        }
    }

    /// <summary>y[i] += alpha·x[i] over x's length (x.Length ≤ y.Length).</summary>
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = x.Length;
        y = y[..n];
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double ry = ref MemoryMarshal.GetReference(y);
        int width = Vector<double>.Count;
        int i = 0;
        if (Vector.IsHardwareAccelerated && n >= width)
        {
            var va = new Vector<double>(alpha);
            for (; i <= n - width; i += width)
            {
                (Vector.LoadUnsafe(ref ry, (nuint)i) + va * Vector.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref ry, i) += alpha * Unsafe.Add(ref rx, i);
        }
    }

    /// <summary>y[i] += a0·x0[i] + a1·x1[i] + a2·x2[i] + a3·x3[i] over y's length: four axpys in one pass over y.</summary>
    public static void Axpy4(double a0, ReadOnlySpan<double> x0, double a1, ReadOnlySpan<double> x1, double a2, ReadOnlySpan<double> x2, double a3, ReadOnlySpan<double> x3, Span<double> y)
    {
        int n = y.Length;
        x0 = x0[..n];
        x1 = x1[..n];
        x2 = x2[..n];
        x3 = x3[..n];
        ref double r0 = ref MemoryMarshal.GetReference(x0);
        ref double r1 = ref MemoryMarshal.GetReference(x1);
        ref double r2 = ref MemoryMarshal.GetReference(x2);
        ref double r3 = ref MemoryMarshal.GetReference(x3);
        ref double ry = ref MemoryMarshal.GetReference(y);
        int width = Vector<double>.Count;
        int i = 0;
        if (Vector.IsHardwareAccelerated && n >= width)
        {
            var v0 = new Vector<double>(a0);
            var v1 = new Vector<double>(a1);
            var v2 = new Vector<double>(a2);
            var v3 = new Vector<double>(a3);
            for (; i <= n - width; i += width)
            {
                var sum = Vector.LoadUnsafe(ref ry, (nuint)i)
                    + v0 * Vector.LoadUnsafe(ref r0, (nuint)i)
                    + v1 * Vector.LoadUnsafe(ref r1, (nuint)i)
                    + v2 * Vector.LoadUnsafe(ref r2, (nuint)i)
                    + v3 * Vector.LoadUnsafe(ref r3, (nuint)i);
                sum.StoreUnsafe(ref ry, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref ry, i) += a0 * Unsafe.Add(ref r0, i) + a1 * Unsafe.Add(ref r1, i) + a2 * Unsafe.Add(ref r2, i) + a3 * Unsafe.Add(ref r3, i);
        }
    }

    /// <summary>z[i] −= alpha·x[i] + beta·y[i] (the row form of a symmetric rank-2 update).</summary>
    public static void SubtractTwo(double alpha, ReadOnlySpan<double> x, double beta, ReadOnlySpan<double> y, Span<double> z)
    {
        int n = z.Length;
        x = x[..n];
        y = y[..n];
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double ry = ref MemoryMarshal.GetReference(y);
        ref double rz = ref MemoryMarshal.GetReference(z);
        int width = Vector<double>.Count;
        int i = 0;
        if (Vector.IsHardwareAccelerated && n >= width)
        {
            var va = new Vector<double>(alpha);
            var vb = new Vector<double>(beta);
            for (; i <= n - width; i += width)
            {
                var value = Vector.LoadUnsafe(ref rz, (nuint)i) - va * Vector.LoadUnsafe(ref rx, (nuint)i) - vb * Vector.LoadUnsafe(ref ry, (nuint)i);
                value.StoreUnsafe(ref rz, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref rz, i) -= alpha * Unsafe.Add(ref rx, i) + beta * Unsafe.Add(ref ry, i);
        }
    }

    /// <summary>
    /// Fused row step of a lower-triangle symmetric matrix–vector product: returns Σ row[c]·v[c] over
    /// c &lt; row.Length and adds vr·row[c] to p[c] for the same c (the transposed contribution).
    /// </summary>
    public static double DotAndAxpy(ReadOnlySpan<double> row, ReadOnlySpan<double> v, double vr, Span<double> p)
    {
        int n = row.Length;
        v = v[..n];
        p = p[..n];
        ref double rrow = ref MemoryMarshal.GetReference(row);
        ref double rv = ref MemoryMarshal.GetReference(v);
        ref double rp = ref MemoryMarshal.GetReference(p);
        int width = Vector<double>.Count;
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && n >= width)
        {
            var acc = Vector<double>.Zero;
            var vvr = new Vector<double>(vr);
            for (; i <= n - width; i += width)
            {
                var x = Vector.LoadUnsafe(ref rrow, (nuint)i);
                acc += x * Vector.LoadUnsafe(ref rv, (nuint)i);
                (Vector.LoadUnsafe(ref rp, (nuint)i) + vvr * x).StoreUnsafe(ref rp, (nuint)i);
            }
            sum = Vector.Sum(acc);
        }
        for (; i < n; i++)
        {
            double x = Unsafe.Add(ref rrow, i);
            sum += x * Unsafe.Add(ref rv, i);
            Unsafe.Add(ref rp, i) += vr * x;
        }
        return sum;
    }

    /// <summary>x[i] *= alpha.</summary>
    public static void Scale(Span<double> x, double alpha)
    {
        ref double rx = ref MemoryMarshal.GetReference(x);
        int n = x.Length;
        int width = Vector<double>.Count;
        int i = 0;
        if (Vector.IsHardwareAccelerated && n >= width)
        {
            var va = new Vector<double>(alpha);
            for (; i <= n - width; i += width)
            {
                (Vector.LoadUnsafe(ref rx, (nuint)i) * va).StoreUnsafe(ref rx, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref rx, i) *= alpha;
        }
    }

    /// <summary>Copies the lower triangle of a row-major n × n matrix onto its upper triangle.</summary>
    public static void MirrorLowerToUpper(Span<double> a, int n)
    {
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                a[i * n + j] = a[j * n + i];
            }
        }
    }

    /// <summary>Transposes a row-major n × n matrix in place.</summary>
    public static void TransposeInPlace(Span<double> a, int n)
    {
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                (a[i * n + j], a[j * n + i]) = (a[j * n + i], a[i * n + j]);
            }
        }
    }
}
