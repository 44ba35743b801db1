using GpuExtract.Core.Formats;
using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;

namespace GpuExtract.Qa;

/// <summary>
/// The model image of a frame over a CCD region, from the frame and the PSF alone: each fiber's
/// deconvolved spectrum f = R⁻¹·(flux·dλ) [electron per bin] (R assembled from RESOLUTION) projected
/// through the PSF's spots, model = Σ spot(fiber, λ_j)·f_j, the A·f of the extraction. Unlike the
/// <c>extract --model</c> image, where each patch's box overwrites its neighbours' (the reference's quirk),
/// every fiber's light is in it everywhere.
/// </summary>
public static class ProjectedModel
{
    /// <summary>
    /// Model [electron] over <paramref name="region"/>; shape [region.Height, region.Width]. Fibers of the
    /// frame whose spots reach the region contribute; fibers outside the frame do not.
    /// </summary>
    public static double[] Compute(Frame frame, GaussHermitePsf psf, PixelBox region)
    {
        var model = new double[region.PixelCount];
        int nwave = frame.NWave;
        var stamp = new double[psf.StampRows * psf.StampCols];
        var deconvolved = new double[nwave];
        for (int spec = 0; spec < frame.NSpec; spec++)
        {
            int fiber = frame.SpecMin + spec;
            if (fiber < psf.FiberMin || fiber >= psf.FiberMin + psf.FiberCount || !Reaches(frame, psf, fiber, region))
            {
                continue;
            }
            Deconvolve(frame, spec, deconvolved);
            for (int j = 0; j < nwave; j++)
            {
                double y = psf.Y(fiber, frame.Wavelength[j]);
                if (deconvolved[j] == 0 || y < region.YMin - psf.HalfSizeY - 2 || y > region.YMax + psf.HalfSizeY + 1)
                {
                    continue;
                }
                psf.Spot(fiber, frame.Wavelength[j], stamp, out int xmin, out int ymin, out int rows, out int cols);
                for (int r = 0; r < rows; r++)
                {
                    int py = ymin + r;
                    if (py < region.YMin || py >= region.YMax)
                    {
                        continue;
                    }
                    for (int c = 0; c < cols; c++)
                    {
                        int px = xmin + c;
                        if (px >= region.XMin && px < region.XMax)
                        {
                            model[(py - region.YMin) * region.Width + px - region.XMin] += deconvolved[j] * stamp[r * psf.StampCols + c];
                        }
                    }
                }
            }
        }
        return model;
    }

    /// <summary>Whether the fiber's trace passes within a spot's half-width of the region's columns.</summary>
    private static bool Reaches(Frame frame, GaussHermitePsf psf, int fiber, PixelBox region)
    {
        double margin = psf.HalfSizeX + 2;
        foreach (double wavelength in new[] { frame.Wavelength[0], frame.Wavelength[frame.NWave / 2], frame.Wavelength[^1] })
        {
            double x = psf.X(fiber, wavelength);
            if (x >= region.XMin - margin && x <= region.XMax + margin)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Solves R·f = flux·dλ for one fiber, R[i, j] = RESOLUTION[i − j + ndiag, j] (|i − j| ≤ ndiag), by
    /// band Gaussian elimination without pivoting (R = diag(1/s)·Q with Q positive definite). Bins with
    /// ivar 0, or a pivot that vanishes, get f = 0 and are cut out of the system.
    /// </summary>
    internal static void Deconvolve(Frame frame, int spec, double[] f)
    {
        int nwave = frame.NWave, ndiag = frame.DiagonalCount, half = ndiag / 2;
        int width = 2 * half + 1;
        // Band storage: band[i, d + half] = R[i, i + d].
        var band = new double[nwave * width];
        for (int i = 0; i < nwave; i++)
        {
            int at = spec * nwave + i;
            bool usable = frame.Ivar[at] > 0;
            double step = i + 1 < nwave ? frame.Wavelength[i + 1] - frame.Wavelength[i] : frame.Wavelength[i] - frame.Wavelength[i - 1];
            f[i] = usable ? frame.Flux[at] * step : 0;
            for (int d = -half; d <= half; d++)
            {
                int j = i + d;
                if (j < 0 || j >= nwave)
                {
                    continue;
                }
                bool columnUsable = frame.Ivar[spec * nwave + j] > 0;
                band[i * width + d + half] = usable && columnUsable ? frame.Resolution[(spec * ndiag + half - d) * nwave + j] : d == 0 && !usable ? 1 : 0;
            }
        }
        // Forward elimination.
        for (int k = 0; k < nwave; k++)
        {
            double pivot = band[k * width + half];
            if (!(Math.Abs(pivot) > 1e-12))
            {
                band[k * width + half] = 1;
                for (int d = 1; d <= half && k + d < nwave; d++)
                {
                    band[k * width + half + d] = 0;
                }
                f[k] = 0;
                continue;
            }
            for (int i = k + 1; i <= Math.Min(k + half, nwave - 1); i++)
            {
                double factor = band[i * width + (k - i) + half] / pivot;
                if (factor == 0)
                {
                    continue;
                }
                for (int j = k; j <= Math.Min(k + half, nwave - 1); j++)
                {
                    band[i * width + (j - i) + half] -= factor * band[k * width + (j - k) + half];
                }
                f[i] -= factor * f[k];
            }
        }
        // Back substitution.
        for (int i = nwave - 1; i >= 0; i--)
        {
            double sum = f[i];
            for (int j = i + 1; j <= Math.Min(i + half, nwave - 1); j++)
            {
                sum -= band[i * width + (j - i) + half] * f[j];
            }
            f[i] = sum / band[i * width + half];
        }
    }
}
