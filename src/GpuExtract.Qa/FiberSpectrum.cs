using GpuExtract.Core.Formats;

namespace GpuExtract.Qa;

/// <summary>What the spectra figure draws for one fiber: flux with its ±1σ band, and the masked bins.</summary>
/// <param name="Fiber">Absolute fiber number.</param>
/// <param name="Wavelength">Bin centres [Å]; shape [nwave].</param>
/// <param name="Flux">Flux [electron/Å]; shape [nwave].</param>
/// <param name="Sigma">1/√ivar [electron/Å]; NaN where ivar ≤ 0; shape [nwave].</param>
/// <param name="MaskedBins">Bins with any MASK bit set, in increasing order.</param>
public sealed record FiberSpectrum(int Fiber, double[] Wavelength, double[] Flux, double[] Sigma, int[] MaskedBins)
{
    /// <summary>Quantile of the flux at the top of the figure's y range: sky lines would otherwise flatten the continuum and its ±1σ band.</summary>
    public const double UpperQuantile = 0.98;

    /// <summary>
    /// The figure's y range [electron/Å]: the 1st to <see cref="UpperQuantile"/> quantile of the flux, widened by
    /// half its span (and by 3σ of the median σ) on each side.
    /// </summary>
    public (double Bottom, double Top) FluxRange()
    {
        var flux = Flux.Where(double.IsFinite).Order().ToList();
        var sigma = Sigma.Where(double.IsFinite).Order().ToList();
        if (flux.Count == 0)
        {
            return (-1, 1);
        }
        double lo = Histogram.Quantile(flux, 0.01), hi = Histogram.Quantile(flux, UpperQuantile);
        double pad = 0.5 * (hi - lo) + (sigma.Count > 0 ? 3 * Histogram.Quantile(sigma, 0.5) : 0);
        return pad > 0 ? (lo - pad, hi + pad) : (lo - 1, hi + 1);
    }

    /// <summary>The spectrum of absolute fiber <paramref name="fiber"/> in <paramref name="frame"/>.</summary>
    /// <exception cref="GpuExtract.Core.Extraction.ExtractionInputException">the frame does not hold that fiber.</exception>
    public static FiberSpectrum Of(Frame frame, int fiber)
    {
        int spec = FrameFibers.IndexOf(frame, fiber);
        int nwave = frame.NWave;
        var flux = new double[nwave];
        var sigma = new double[nwave];
        var masked = new List<int>();
        for (int j = 0; j < nwave; j++)
        {
            int at = spec * nwave + j;
            flux[j] = frame.Flux[at];
            double ivar = frame.Ivar[at];
            sigma[j] = ivar > 0 ? 1 / Math.Sqrt(ivar) : double.NaN;
            if (frame.Mask[at] != 0)
            {
                masked.Add(j);
            }
        }
        return new FiberSpectrum(fiber, (double[])frame.Wavelength.Clone(), flux, sigma, masked.ToArray());
    }
}
