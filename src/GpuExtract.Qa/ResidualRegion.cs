using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;

namespace GpuExtract.Qa;

/// <summary>The CCD region the residual figure shows when none is given.</summary>
public static class ResidualRegion
{
    /// <summary>Rows shown above and below the centre.</summary>
    public const int HalfHeight = 60;

    /// <summary>Most columns shown.</summary>
    public const int MaxWidth = 400;

    /// <summary>
    /// The columns of <paramref name="fibers"/>' traces (plus the spot half-width and 2 pixels), at most
    /// <see cref="MaxWidth"/> from the first fiber on, and ±<see cref="HalfHeight"/> rows around the first
    /// fiber's trace at <paramref name="wavelength"/> [Å].
    /// </summary>
    public static PixelBox AroundFibers(GaussHermitePsf psf, IReadOnlyList<int> fibers, double wavelength)
    {
        double xmin = double.MaxValue, xmax = double.MinValue;
        foreach (int fiber in fibers)
        {
            double x = psf.X(fiber, wavelength);
            xmin = Math.Min(xmin, x);
            xmax = Math.Max(xmax, x);
        }
        int pad = psf.HalfSizeX + 2;
        int x0 = (int)Math.Floor(xmin) - pad;
        int x1 = Math.Min((int)Math.Ceiling(xmax) + pad + 1, x0 + MaxWidth);
        int yc = (int)Math.Round(psf.Y(fibers[0], wavelength));
        return Clip(new PixelBox(x0, x1, yc - HalfHeight, yc + HalfHeight), psf.NPixX, psf.NPixY);
    }

    /// <summary>
    /// Without a PSF: the centre of the model's non-zero pixels, at most <see cref="MaxWidth"/> columns by
    /// 2·<see cref="HalfHeight"/> rows; the whole CCD's centre when the model is all zero.
    /// </summary>
    /// <param name="model">Model image; shape [npixY, npixX].</param>
    public static PixelBox OfModel(ReadOnlySpan<float> model, int npixX, int npixY)
    {
        int xmin = npixX, xmax = -1, ymin = npixY, ymax = -1;
        for (int y = 0; y < npixY; y++)
        {
            ReadOnlySpan<float> row = model.Slice(y * npixX, npixX);
            int first = row.IndexOfAnyExcept(0f);
            if (first < 0)
            {
                continue;
            }
            int last = row.LastIndexOfAnyExcept(0f);
            xmin = Math.Min(xmin, first);
            xmax = Math.Max(xmax, last);
            ymin = Math.Min(ymin, y);
            ymax = Math.Max(ymax, y);
        }
        if (xmax < 0)
        {
            (xmin, xmax, ymin, ymax) = (0, npixX - 1, 0, npixY - 1);
        }
        int width = Math.Min(xmax - xmin + 1, MaxWidth);
        int xc = (xmin + xmax) / 2, yc = (ymin + ymax) / 2;
        int x0 = Math.Max(xmin, xc - width / 2);
        return Clip(new PixelBox(x0, x0 + width, yc - HalfHeight, yc + HalfHeight), npixX, npixY);
    }

    private static PixelBox Clip(PixelBox box, int npixX, int npixY) =>
        new(Math.Max(box.XMin, 0), Math.Min(box.XMax, npixX), Math.Max(box.YMin, 0), Math.Min(box.YMax, npixY));
}
