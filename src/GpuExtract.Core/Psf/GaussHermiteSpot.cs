using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GpuExtract.Core.Psf;

/// <summary>Stamp size, Hermite degrees and CCD size shared by every spot of one PSF.</summary>
internal readonly record struct SpotGeometry(int HalfSizeX, int HalfSizeY, int GhDegX, int GhDegY, int NPixX, int NPixY)
{
    public int StampRows => 2 * HalfSizeY + 1;

    public int StampCols => 2 * HalfSizeX + 1;
}

/// <summary>The tail parameters of one spot (TAILAMP … TAILINDE); all 0 when the PSF has no tails.</summary>
internal readonly record struct SpotTail(double Amplitude, double Core, double XScale, double YScale, double Index);

/// <summary>Per-thread scratch buffers for <see cref="GaussHermiteSpot.Render"/>; no allocation per spot.</summary>
internal sealed class SpotWorkspace
{
    public SpotWorkspace(in SpotGeometry g)
    {
        int width = Vector<double>.Count;
        StrideX = (g.StampCols + width - 1) / width * width;
        Px = new double[(g.GhDegX + 1) * StrideX];
        Py = new double[(g.GhDegY + 1) * g.StampRows];
        T = new double[(g.GhDegY + 1) * StrideX];
        Image = new double[g.StampRows * StrideX];
        Gh = new double[(g.GhDegX + 1) * (g.GhDegY + 1)];
    }

    /// <summary>Row stride of Px, T and Image: StampCols rounded up to the SIMD width (padding is 0).</summary>
    public int StrideX { get; }

    /// <summary>Pixel-integrated Hermite functions along x; shape [GhDegX+1, StrideX].</summary>
    public double[] Px { get; }

    /// <summary>Pixel-integrated Hermite functions along y; shape [GhDegY+1, rows].</summary>
    public double[] Py { get; }

    /// <summary>T = GH·Px; shape [GhDegY+1, StrideX].</summary>
    public double[] T { get; }

    /// <summary>Unnormalised stamp; shape [StampRows, StrideX].</summary>
    public double[] Image { get; }

    /// <summary>Hermite coefficients GH-i-j of the spot at [j·(GhDegX+1) + i]; filled by the caller.</summary>
    public double[] Gh { get; }
}

/// <summary>
/// One Gauss-Hermite spot (DESIGN §1.2) in the reference's order of operations (specter
/// GaussHermitePSF._xypix then PSF.xypix): pixel ranges by truncation, core
/// Σ_ij GH-i-j·Px_i·Py_j, plus tails, negatives clipped to 0, normalised to sum 1 over the whole
/// stamp, then cut to the CCD.
/// </summary>
internal static class GaussHermiteSpot
{
    /// <summary>
    /// Renders the spot centred at (x, y) into <paramref name="stamp"/> (shape [StampRows, StampCols];
    /// the CCD-clipped stamp at its top left, the rest 0). Returns the clipped origin and size;
    /// rows = cols = 0 when the stamp lies entirely off the CCD.
    /// </summary>
    /// <param name="g">Stamp and CCD geometry.</param>
    /// <param name="x">Trace centre x [pixel].</param>
    /// <param name="y">Trace centre y [pixel].</param>
    /// <param name="sigmaX">GHSIGX [pixel].</param>
    /// <param name="sigmaY">GHSIGY [pixel].</param>
    /// <param name="tail">Tail parameters.</param>
    /// <param name="ws">Scratch, with <see cref="SpotWorkspace.Gh"/> already holding this spot's GH-i-j.</param>
    /// <param name="stamp">Output, StampRows·StampCols values.</param>
    /// <param name="xmin">First CCD column of the clipped stamp.</param>
    /// <param name="ymin">First CCD row of the clipped stamp.</param>
    /// <param name="rows">Rows kept.</param>
    /// <param name="cols">Columns kept.</param>
    public static void Render(in SpotGeometry g, double x, double y, double sigmaX, double sigmaY, in SpotTail tail,
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
        double[] image = ws.Image;

        HermiteIntegrals.Evaluate(xlo, nx, x, sigmaX, g.GhDegX, ws.Px, stride);
        HermiteIntegrals.Evaluate(ylo, ny, y, sigmaY, g.GhDegY, ws.Py, ny);
        Core(g.GhDegX, g.GhDegY, ny, stride, ws.Gh, ws.Px, ws.Py, ws.T, image);

        if (tail.Amplitude != 0)
        {
            // A zero amplitude adds exactly 0 (the reference adds 0·finite); skipping saves a pow per pixel.
            AddTail(image, stride, nx, ny, xlo, ylo, x, y, tail);
        }

        // Negative pixels to 0, then the sum over the whole (unclipped) stamp.
        double sum = 0;
        for (int r = 0; r < ny; r++)
        {
            Span<double> row = image.AsSpan(r * stride, nx);
            for (int c = 0; c < row.Length; c++)
            {
                if (row[c] < 0)
                {
                    row[c] = 0;
                }
                sum += row[c];
            }
        }

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
            Divide(image.AsSpan((r + r0) * stride + c0, cols), sum, stamp.Slice(r * stampCols, cols));
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

    /// <summary>image[r, :] = Σ_j Py[j, r]·T[j, :] with T[j, :] = Σ_i GH[j, i]·Px[i, :], over padded rows.</summary>
    private static void Core(int degX, int degY, int ny, int stride, double[] gh, double[] px, double[] py, double[] t, double[] image)
    {
        int nvec = stride / Vector<double>.Count;
        int width = Vector<double>.Count;
        ref double pxRef = ref MemoryMarshal.GetArrayDataReference(px);
        ref double tRef = ref MemoryMarshal.GetArrayDataReference(t);
        ref double imageRef = ref MemoryMarshal.GetArrayDataReference(image);

        for (int j = 0; j <= degY; j++)
        {
            int ghRow = j * (degX + 1);
            for (int b = 0; b < nvec; b++)
            {
                Vector<double> acc = Vector<double>.Zero;
                for (int i = 0; i <= degX; i++)
                {
                    acc += new Vector<double>(gh[ghRow + i]) * Vector.LoadUnsafe(ref pxRef, (nuint)(i * stride + b * width));
                }
                acc.StoreUnsafe(ref tRef, (nuint)(j * stride + b * width));
            }
        }

        for (int r = 0; r < ny; r++)
        {
            for (int b = 0; b < nvec; b++)
            {
                Vector<double> acc = Vector<double>.Zero;
                for (int j = 0; j <= degY; j++)
                {
                    acc += new Vector<double>(py[j * ny + r]) * Vector.LoadUnsafe(ref tRef, (nuint)(j * stride + b * width));
                }
                acc.StoreUnsafe(ref imageRef, (nuint)(r * stride + b * width));
            }
        }
    }

    /// <summary>
    /// Adds TAILAMP·r²/(TAILCORE² + r²)^(1+TAILINDE/2), r² = (dx·TAILXSCA)² + (dy·TAILYSCA)², at
    /// pixel centres (dx, dy = pixel − centre), as the reference does (not pixel-integrated).
    /// </summary>
    private static void AddTail(double[] image, int stride, int nx, int ny, int xlo, int ylo, double x, double y, in SpotTail tail)
    {
        double power = 1 + tail.Index / 2.0;
        double core2 = tail.Core * tail.Core;
        for (int r = 0; r < ny; r++)
        {
            double dy = ((ylo + r) - y) * tail.YScale;
            double dy2 = dy * dy;
            for (int c = 0; c < nx; c++)
            {
                double dx = ((xlo + c) - x) * tail.XScale;
                double r2 = dx * dx + dy2;
                image[r * stride + c] += tail.Amplitude * r2 / Math.Pow(core2 + r2, power);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Divide(ReadOnlySpan<double> source, double divisor, Span<double> destination)
    {
        int i = 0;
        int width = Vector<double>.Count;
        var d = new Vector<double>(divisor);
        for (; i + width <= source.Length; i += width)
        {
            (new Vector<double>(source[i..]) / d).CopyTo(destination[i..]);
        }
        for (; i < source.Length; i++)
        {
            destination[i] = source[i] / divisor;
        }
    }
}
