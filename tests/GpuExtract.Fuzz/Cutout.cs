using GpuExtract.Core.Formats;
using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;

namespace GpuExtract.Fuzz;

/// <summary>
/// Small inputs cut from full-frame ones: a PSF restricted to a few fibers and a CCD window (its traces
/// shifted by the window's origin, which is exact for Legendre series: only the constant term moves), and
/// the matching window of a preproc image. Fuzz cases then run in milliseconds instead of seconds.
/// </summary>
public static class Cutout
{
    /// <summary>Fibers fiberFirst … fiberFirst+fiberCount−1 of <paramref name="c"/> on the CCD window <paramref name="window"/>.</summary>
    public static GaussHermitePsfCoefficients Psf(GaussHermitePsfCoefficients c, int fiberFirst, int fiberCount, PixelBox window)
    {
        int first = fiberFirst - c.FiberMin;
        var parameters = new Dictionary<string, double[,]>(StringComparer.Ordinal);
        foreach (var (name, values) in c.Parameters)
        {
            parameters[name] = Rows(values, first, fiberCount, 0);
        }
        return c with
        {
            XTrace = Rows(c.XTrace, first, fiberCount, window.XMin),
            YTrace = Rows(c.YTrace, first, fiberCount, window.YMin),
            Parameters = parameters,
            FiberMin = fiberFirst,
            NPixX = window.Width,
            NPixY = window.Height,
        };
    }

    /// <summary>The pixels of <paramref name="image"/> inside <paramref name="window"/>, with its header and fibermap.</summary>
    public static PreprocImage Image(PreprocImage image, PixelBox window)
    {
        int n = window.PixelCount;
        var pixels = new float[n];
        var ivar = new float[n];
        var mask = new int[n];
        for (int y = 0; y < window.Height; y++)
        {
            int from = (window.YMin + y) * image.NPixX + window.XMin;
            image.Image.AsSpan(from, window.Width).CopyTo(pixels.AsSpan(y * window.Width));
            image.Ivar.AsSpan(from, window.Width).CopyTo(ivar.AsSpan(y * window.Width));
            image.Mask.AsSpan(from, window.Width).CopyTo(mask.AsSpan(y * window.Width));
        }
        return new PreprocImage
        {
            NPixX = window.Width,
            NPixY = window.Height,
            Image = pixels,
            Ivar = ivar,
            Mask = mask,
            Header = image.Header,
            Fibermap = image.Fibermap,
        };
    }

    private static double[,] Rows(double[,] values, int first, int count, double shift)
    {
        int ncoef = values.GetLength(1);
        var rows = new double[count, ncoef];
        for (int f = 0; f < count; f++)
        {
            for (int k = 0; k < ncoef; k++)
            {
                rows[f, k] = values[first + f, k];
            }
            rows[f, 0] -= shift;
        }
        return rows;
    }
}
