using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GpuExtract.Core.Psf;

/// <summary>
/// One Gauss-Hermite spot (DESIGN §1.2) in the reference's order of operations (specter
/// GaussHermitePSF._xypix then PSF.xypix): pixel ranges by truncation, core
/// Σ_ij GH-i-j·Px_i·Py_j, plus tails, negatives clipped to 0, normalised to sum 1 over the whole
/// stamp, then cut to the CCD.
/// </summary>
internal static class GaussHermiteSpot
{
    /// <summary>
    /// Renders the spot centred at (x, y) with model parameters <paramref name="p"/> (layout
    /// <see cref="SpotParameter"/>) into <paramref name="stamp"/> (shape [StampRows, StampCols]; the
    /// CCD-clipped stamp at its top left, the rest 0). Returns the clipped origin and size;
    /// rows = cols = 0 when the stamp lies entirely off the CCD.
    /// </summary>
    public static void Render(in SpotGeometry g, double x, double y, ReadOnlySpan<double> p,
        SpotWorkspace ws, Span<double> stamp, out int xmin, out int ymin, out int rows, out int cols)
    {
        int stampCols = g.StampCols;
        if (!double.IsFinite(x) || !double.IsFinite(y) || Math.Abs(x) > 1e9 || Math.Abs(y) > 1e9)
        {
            Empty(stamp, 0, 0, out xmin, out ymin, out rows, out cols);
            return;
        }

        // Pixel ranges exactly as the reference: int() truncates toward zero, so near the low CCD
        // edges the stamp is one row/column shorter than floor() would make it (README §7).
        int xlo = (int)(x - g.HalfSizeX + 0.5);
        int xhi = (int)(x + g.HalfSizeX + 1.5);
        int ylo = (int)(y - g.HalfSizeY + 0.5);
        int yhi = (int)(y + g.HalfSizeY + 1.5);

        // Entirely off the CCD: the reference's xypix returns empty slices at these origins.
        if (ylo >= g.NPixY)
        {
            Empty(stamp, 0, g.NPixY, out xmin, out ymin, out rows, out cols);
            return;
        }
        if (yhi < 0)
        {
            Empty(stamp, 0, 0, out xmin, out ymin, out rows, out cols);
            return;
        }
        if (xlo >= g.NPixX)
        {
            Empty(stamp, g.NPixX, 0, out xmin, out ymin, out rows, out cols);
            return;
        }
        if (xhi <= 0)
        {
            Empty(stamp, 0, 0, out xmin, out ymin, out rows, out cols);
            return;
        }

        int nx = xhi - xlo;
        int ny = yhi - ylo;
        int stride = ws.StrideX;
        int degY1 = g.GhDegY + 1;
        double[] image = ws.Image;

        HermiteIntegrals.Evaluate(xlo, nx, x, p[SpotParameter.SigmaX], g.GhDegX, ws.Px, stride, ws.Scratch);
        HermiteIntegrals.Evaluate(ylo, ny, y, p[SpotParameter.SigmaY], g.GhDegY, ws.Py, ny, ws.Scratch);
        for (int j = 0; j < degY1; j++)
        {
            for (int r = 0; r < ny; r++)
            {
                ws.PyT[r * degY1 + j] = ws.Py[j * ny + r];
            }
        }

        // T[j, :] = Σ_i GH-i-j·Px[i, :], then image[r, :] = Σ_j Py[j, r]·T[j, :].
        int nvec = stride / 4;
        ReadOnlySpan<double> gh = p[SpotParameter.GhFirst..];
        ref double t = ref MemoryMarshal.GetArrayDataReference(ws.T);
        for (int j = 0; j < degY1; j++)
        {
            Combine(gh.Slice(j * (g.GhDegX + 1), g.GhDegX + 1), ref MemoryMarshal.GetArrayDataReference(ws.Px), stride,
                ref Unsafe.Add(ref t, j * stride), nvec);
        }
        for (int r = 0; r < ny; r++)
        {
            Combine(ws.PyT.AsSpan(r * degY1, degY1), ref t, stride, ref image[r * stride], nvec);
        }

        double tailAmp = p[SpotParameter.TailAmp];
        if (tailAmp != 0)
        {
            // A zero amplitude adds exactly 0 (the reference adds 0·finite); skipping saves a pow per pixel.
            AddTail(image, stride, nx, ny, xlo, ylo, x, y, p);
        }

        // Negative pixels to 0, then the sum over the whole (unclipped) stamp; padding columns are 0.
        Vector256<double> sumv = Vector256<double>.Zero;
        ref double img = ref MemoryMarshal.GetArrayDataReference(image);
        for (int i = 0; i < ny * stride; i += 4)
        {
            Vector256<double> v = Vector256.Max(Vector256.LoadUnsafe(ref img, (nuint)i), Vector256<double>.Zero);
            v.StoreUnsafe(ref img, (nuint)i);
            sumv += v;
        }
        double scale = 1.0 / Vector256.Sum(sumv);

        // Cut to the CCD after normalising, as the reference's PSF.xypix does.
        int c0 = 0, c1 = nx, r0 = 0, r1 = ny;
        if (xlo < 0)
        {
            c0 = -xlo;
        }
        else if (xhi > g.NPixX)
        {
            c1 = g.NPixX - xlo;
        }
        if (ylo < 0)
        {
            r0 = -ylo;
        }
        else if (yhi > g.NPixY)
        {
            r1 = g.NPixY - ylo;
        }
        xmin = xlo + c0;
        ymin = ylo + r0;
        rows = r1 - r0;
        cols = c1 - c0;
        if (rows <= 0 || cols <= 0)
        {
            rows = cols = 0;
            stamp.Clear();
            return;
        }

        for (int r = 0; r < rows; r++)
        {
            Scale(image.AsSpan((r + r0) * stride + c0, cols), scale, stamp.Slice(r * stampCols, cols));
            if (cols < stampCols)
            {
                stamp.Slice(r * stampCols + cols, stampCols - cols).Clear();
            }
        }
        if (rows < g.StampRows)
        {
            stamp[(rows * stampCols)..(g.StampRows * stampCols)].Clear();
        }
    }

    private static void Empty(Span<double> stamp, int x, int y, out int xmin, out int ymin, out int rows, out int cols)
    {
        stamp.Clear();
        xmin = x;
        ymin = y;
        rows = 0;
        cols = 0;
    }

    /// <summary>dst[0 … 4·nvec) = Σ_k coef[k]·src[k·stride …], four vectors at a time in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Combine(ReadOnlySpan<double> coef, ref double src, int stride, ref double dst, int nvec)
    {
        int b = 0;
        for (; b + 4 <= nvec; b += 4)
        {
            Vector256<double> a0 = Vector256<double>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (int k = 0; k < coef.Length; k++)
            {
                Vector256<double> c = Vector256.Create(coef[k]);
                ref double row = ref Unsafe.Add(ref src, k * stride + b * 4);
                a0 = Vector256.MultiplyAddEstimate(c, Vector256.LoadUnsafe(ref row), a0);
                a1 = Vector256.MultiplyAddEstimate(c, Vector256.LoadUnsafe(ref row, 4), a1);
                a2 = Vector256.MultiplyAddEstimate(c, Vector256.LoadUnsafe(ref row, 8), a2);
                a3 = Vector256.MultiplyAddEstimate(c, Vector256.LoadUnsafe(ref row, 12), a3);
            }
            a0.StoreUnsafe(ref dst, (nuint)(b * 4));
            a1.StoreUnsafe(ref dst, (nuint)(b * 4 + 4));
            a2.StoreUnsafe(ref dst, (nuint)(b * 4 + 8));
            a3.StoreUnsafe(ref dst, (nuint)(b * 4 + 12));
        }
        for (; b < nvec; b++)
        {
            Vector256<double> a = Vector256<double>.Zero;
            for (int k = 0; k < coef.Length; k++)
            {
                a = Vector256.MultiplyAddEstimate(Vector256.Create(coef[k]), Vector256.LoadUnsafe(ref src, (nuint)(k * stride + b * 4)), a);
            }
            a.StoreUnsafe(ref dst, (nuint)(b * 4));
        }
    }

    /// <summary>
    /// Adds TAILAMP·r²/(TAILCORE² + r²)^(1+TAILINDE/2), r² = (dx·TAILXSCA)² + (dy·TAILYSCA)², at
    /// pixel centres (dx, dy = pixel − centre), as the reference does (not pixel-integrated).
    /// </summary>
    private static void AddTail(double[] image, int stride, int nx, int ny, int xlo, int ylo, double x, double y, ReadOnlySpan<double> p)
    {
        double amp = p[SpotParameter.TailAmp];
        double core2 = p[SpotParameter.TailCore] * p[SpotParameter.TailCore];
        double xScale = p[SpotParameter.TailXScale];
        double yScale = p[SpotParameter.TailYScale];
        double power = 1 + p[SpotParameter.TailIndex] / 2.0;
        for (int r = 0; r < ny; r++)
        {
            double dy = ((ylo + r) - y) * yScale;
            double dy2 = dy * dy;
            for (int c = 0; c < nx; c++)
            {
                double dx = ((xlo + c) - x) * xScale;
                double r2 = dx * dx + dy2;
                image[r * stride + c] += amp * r2 / Math.Pow(core2 + r2, power);
            }
        }
    }

    /// <summary>destination = source·scale (the reference divides by the sum; ≤ 1 ulp apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scale(ReadOnlySpan<double> source, double scale, Span<double> destination)
    {
        int i = 0;
        Vector256<double> s = Vector256.Create(scale);
        for (; i + 4 <= source.Length; i += 4)
        {
            (Vector256.Create(source.Slice(i, 4)) * s).CopyTo(destination[i..]);
        }
        for (; i < source.Length; i++)
        {
            destination[i] = source[i] * scale;
        }
    }
}
