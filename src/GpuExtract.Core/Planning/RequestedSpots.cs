using GpuExtract.Core.Extraction;
using GpuExtract.Core.Psf;

namespace GpuExtract.Core.Planning;

/// <summary>
/// Checks that the PSF describes real spots for what is requested, before any is evaluated: every requested
/// fiber has a spot on the CCD at some requested wavelength, and the spot widths are positive wherever a
/// spot is evaluated (the frame grid, pads included, where the PSF's Legendre series are extrapolated).
/// Without it a PSF with corrupt coefficients gives a frame of zeros and exit 0.
/// </summary>
public static class RequestedSpots
{
    /// <summary>Throws when a requested fiber never reaches the CCD or two requested fibers' traces cross.</summary>
    /// <exception cref="PsfFormatException">naming the PSF, the HDU, the fiber and the wavelength.</exception>
    public static void RequireTraces(GaussHermitePsf psf, ExtractionOptions options)
    {
        for (int fiber = options.SpecMin; fiber < options.SpecMin + options.NSpec; fiber++)
        {
            RequireOnCcd(psf, fiber, options.Wavelengths);
        }
        RequireOrderedInX(psf, options);
    }

    /// <summary>Throws when a spot width is not positive at a grid wavelength where a spot is evaluated.</summary>
    /// <exception cref="PsfFormatException">naming the PSF, the parameter, the fiber and the wavelength.</exception>
    public static void RequireWidths(GaussHermitePsf psf, ExtractionOptions options, double[] gridWavelengths)
    {
        foreach (string name in GaussHermitePsfCoefficients.SigmaParameters)
        {
            double[] values = psf.EvaluateParameter(name, options.SpecMin, options.NSpec, gridWavelengths);
            for (int f = 0; f < options.NSpec; f++)
            {
                int fiber = options.SpecMin + f;
                var (covered0, covered1) = psf.WavelengthCoverage(fiber);
                for (int g = 0; g < gridWavelengths.Length; g++)
                {
                    double lambda = gridWavelengths[g];
                    double sigma = values[f * gridWavelengths.Length + g];
                    if (lambda >= covered0 && lambda <= covered1 && !(sigma > 0 && double.IsFinite(sigma)))
                    {
                        throw new PsfFormatException(psf.Source, "PSF",
                            $"parameter {name} of fiber {fiber} is {sigma:G6} pixels at {lambda:0.###} A (extrapolated beyond the PSF's {psf.WaveMin}-{psf.WaveMax} A when outside); a spot width must be positive");
                    }
                }
            }
        }
    }

    /// <summary>
    /// Consecutive requested fibers must lie left to right (x increasing with the fiber number) at the grid's
    /// first, middle and last wavelength, as on every DESI CCD: the patch boxes (the reference's xyrange) take
    /// their left edge from the first fiber and their right edge from the last, so crossed traces give boxes
    /// of negative width.
    /// </summary>
    private static void RequireOrderedInX(GaussHermitePsf psf, ExtractionOptions options)
    {
        double[] w = options.Wavelengths;
        foreach (double lambda in (ReadOnlySpan<double>)[w[0], w[w.Length / 2], w[^1]])
        {
            for (int fiber = options.SpecMin; fiber + 1 < options.SpecMin + options.NSpec; fiber++)
            {
                double x0 = psf.X(fiber, lambda), x1 = psf.X(fiber + 1, lambda);
                if (!(x1 > x0))
                {
                    throw new PsfFormatException(psf.Source, "XTRACE",
                        $"fibers {fiber} and {fiber + 1} are not in increasing x order at {lambda:0.###} A (x = {x0:G6}, {x1:G6} pixels); traces must not cross");
                }
            }
        }
    }

    /// <summary>A fiber whose spots are all off the CCD (trace outside it, or wavelengths it never reaches) cannot be extracted.</summary>
    private static void RequireOnCcd(GaussHermitePsf psf, int fiber, double[] wavelengths)
    {
        var (covered0, covered1) = psf.WavelengthCoverage(fiber);
        foreach (double lambda in wavelengths)
        {
            if (lambda < covered0 || lambda > covered1)
            {
                continue;
            }
            double x = psf.X(fiber, lambda);
            double y = psf.Y(fiber, lambda);
            if (x > -psf.HalfSizeX - 1 && x < psf.NPixX + psf.HalfSizeX && y > -psf.HalfSizeY - 1 && y < psf.NPixY + psf.HalfSizeY)
            {
                return;
            }
        }
        throw new PsfFormatException(psf.Source, "XTRACE/YTRACE",
            $"fiber {fiber} has no spot on the {psf.NPixX} × {psf.NPixY} CCD at any requested wavelength ({wavelengths[0]:0.###}-{wavelengths[^1]:0.###} A; " +
            $"its trace covers {covered0:0.###}-{covered1:0.###} A, x = {psf.X(fiber, wavelengths[wavelengths.Length / 2]):G6} at mid-range)");
    }
}
