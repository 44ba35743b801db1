using GpuExtract.Core.Psf;

namespace GpuExtract.Core.Simulation;

/// <summary>
/// A Gaussian emission line: centre [Å], σ [Å] and total flux [photon]. Integrated over wavelength
/// bins exactly, ½·Flux·[erf((b − λ₀)/(√2σ)) − erf((a − λ₀)/(√2σ))] for a bin [a, b], so a line
/// narrower than a bin still puts all its photons in the bins it covers.
/// </summary>
public readonly record struct EmissionLine(double Wavelength, double Sigma, double Flux)
{
    /// <summary>Beyond this many σ from the centre the line contributes less than 1e-23 of its flux.</summary>
    private const double ReachInSigmas = 10.0;

    /// <summary>
    /// Adds <paramref name="scale"/> × the line's photons in each bin to <paramref name="binPhotons"/>.
    /// </summary>
    /// <param name="edges">Bin edges [Å], increasing; shape [nbin + 1].</param>
    /// <param name="binPhotons">Photons per bin, accumulated; shape [nbin].</param>
    /// <param name="scale">Factor applied to the flux (exposure time, throughput).</param>
    public void AddTo(ReadOnlySpan<double> edges, Span<double> binPhotons, double scale)
    {
        double reach = ReachInSigmas * Sigma;
        int first = LastEdgeAtOrBelow(edges, Wavelength - reach);
        int last = LastEdgeAtOrBelow(edges, Wavelength + reach) + 1;
        first = Math.Max(first, 0);
        last = Math.Min(last, edges.Length - 1);
        if (first >= last)
        {
            return;
        }
        double halfFlux = 0.5 * Flux * scale;
        double inverseWidth = 1.0 / (Math.Sqrt(2.0) * Sigma);
        double lower = ErrorFunction.Erf((edges[first] - Wavelength) * inverseWidth);
        for (int bin = first; bin < last; bin++)
        {
            double upper = ErrorFunction.Erf((edges[bin + 1] - Wavelength) * inverseWidth);
            binPhotons[bin] += halfFlux * (upper - lower);
            lower = upper;
        }
    }

    /// <summary>Index of the last edge ≤ <paramref name="wavelength"/>, −1 when all are above.</summary>
    private static int LastEdgeAtOrBelow(ReadOnlySpan<double> edges, double wavelength)
    {
        int index = edges.BinarySearch(wavelength);
        return index >= 0 ? index : ~index - 1;
    }
}
