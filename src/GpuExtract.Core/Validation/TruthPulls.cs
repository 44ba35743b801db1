using GpuExtract.Core.Formats;

namespace GpuExtract.Core.Validation;

/// <summary>
/// How well a frame recovers the spectra that went into a simulation: the pulls
/// (flux − R·truth)·√ivar, which have mean 0 and standard deviation 1 when flux, ivar and the
/// resolution matrix are all right (Bolton &amp; Schlegel 2010: the extracted flux estimates R·truth).
/// </summary>
public sealed record TruthPulls(int Bins, double Mean, double StandardDeviation, double MaxAbsolute)
{
    /// <summary>
    /// Pulls over every fiber and every bin at least <paramref name="edgeBins"/> from either end of the
    /// grid (R's columns beyond the grid are not stored), leaving out bins with ivar 0 or any mask bit.
    /// </summary>
    /// <param name="frame">The extracted frame.</param>
    /// <param name="truthWavelengths">The truth's grid [Å]; must contain the frame's wavelengths (within 1e-6 Å).</param>
    /// <param name="truthFluxDensity">Truth [electron/Å]; shape [frame.NSpec, truthWavelengths.Length].</param>
    /// <param name="edgeBins">Bins left out at each end.</param>
    public static TruthPulls Compute(Frame frame, double[] truthWavelengths, double[] truthFluxDensity, int edgeBins)
    {
        double[] pulls = PerBin(frame, truthWavelengths, truthFluxDensity, edgeBins);
        double sum = 0, sumSquares = 0, maxAbsolute = 0;
        int bins = 0;
        foreach (double pull in pulls)
        {
            if (double.IsNaN(pull))
            {
                continue;
            }
            sum += pull;
            sumSquares += pull * pull;
            maxAbsolute = Math.Max(maxAbsolute, Math.Abs(pull));
            bins++;
        }
        double mean = bins > 0 ? sum / bins : double.NaN;
        double variance = bins > 1 ? (sumSquares - bins * mean * mean) / (bins - 1) : double.NaN;
        return new TruthPulls(bins, mean, Math.Sqrt(Math.Max(variance, 0)), maxAbsolute);
    }

    /// <summary>
    /// The pull of every bin, (flux − R·truth)·√ivar; NaN for the bins <see cref="Compute"/> leaves out.
    /// Shape [frame.NSpec, frame.NWave]. Arguments as for <see cref="Compute"/>.
    /// </summary>
    public static double[] PerBin(Frame frame, double[] truthWavelengths, double[] truthFluxDensity, int edgeBins)
    {
        int nwave = frame.NWave;
        int ndiag = frame.DiagonalCount;
        int half = ndiag / 2;
        int offset = OffsetOf(frame.Wavelength[0], truthWavelengths);
        if (offset < half || offset + nwave + half > truthWavelengths.Length
            || Math.Abs(truthWavelengths[offset + nwave - 1] - frame.Wavelength[^1]) > 1e-6)
        {
            throw new ArgumentException("the truth grid must contain the frame's grid, with ndiag bins to spare at each end");
        }
        int ntruth = truthWavelengths.Length;
        var pulls = new double[frame.NSpec * nwave];
        Array.Fill(pulls, double.NaN);
        for (int spec = 0; spec < frame.NSpec; spec++)
        {
            for (int row = edgeBins; row < nwave - edgeBins; row++)
            {
                int at = spec * nwave + row;
                if (!(frame.Ivar[at] > 0) || frame.Mask[at] != 0)
                {
                    continue;
                }
                // (R·t)[row] = Σ_j R[row, j]·t[j], and RESOLUTION[k, j] = R[j − half + k, j], so j = row + half − k.
                double convolved = 0;
                for (int k = 0; k < ndiag; k++)
                {
                    int j = row + half - k;
                    if (j >= 0 && j < nwave)
                    {
                        convolved += frame.Resolution[(spec * ndiag + k) * nwave + j] * truthFluxDensity[spec * ntruth + offset + j];
                    }
                }
                pulls[at] = (frame.Flux[at] - convolved) * Math.Sqrt(frame.Ivar[at]);
            }
        }
        return pulls;
    }

    private static int OffsetOf(double wavelength, double[] grid)
    {
        for (int i = 0; i < grid.Length; i++)
        {
            if (Math.Abs(grid[i] - wavelength) <= 1e-6)
            {
                return i;
            }
        }
        throw new ArgumentException($"the truth grid has no bin at {wavelength} A");
    }
}
