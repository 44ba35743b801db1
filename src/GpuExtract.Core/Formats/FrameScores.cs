namespace GpuExtract.Core.Formats;

/// <summary>
/// The RAW scores desispec's extraction appends to every frame:
/// <c>specscore.compute_and_append_frame_scores(frame, suffix="RAW")</c>, whose default
/// <c>flux_per_angstrom=False</c> makes <c>compute_frame_scores</c> treat FLUX as counts per bin even though
/// it is per Ångström; matched on purpose so the numbers equal desispec's.
/// </summary>
public static class FrameScores
{
    /// <summary>Top-hat ranges [Å] of the three arms, [low, high) (desispec's <c>tophat_wave</c>).</summary>
    private static readonly (char Band, double Low, double High)[] TopHats = [('b', 4000, 5800), ('r', 5800, 7600), ('z', 7600, 9800)];

    /// <summary>
    /// SUM_RAW_COUNT_X = Σ flux, MEDIAN_RAW_COUNT_X = median(flux / Δλ) and
    /// MEDIAN_RAW_SNR_X = median(√ivar · flux / √Δλ) over the bins of the arm's top hat, X the arm chosen
    /// from the mean wavelength (≤ 5800 Å: B, ≥ 7600 Å: Z, else R), Δλ numpy's gradient of the grid.
    /// </summary>
    /// <param name="wavelength">The frame's grid [Å]; shape [nwave].</param>
    /// <param name="flux">Flux [electron/Å]; shape [nspec, nwave].</param>
    /// <param name="ivar">Inverse variance; shape [nspec, nwave]; negative values count as 0.</param>
    /// <exception cref="Extraction.ExtractionInputException">no bin falls in the arm's top hat (desispec raises too).</exception>
    public static IReadOnlyList<FrameScore> Compute(double[] wavelength, double[] flux, double[] ivar, int nspec)
    {
        int nwave = wavelength.Length;
        double mean = 0;
        foreach (double w in wavelength)
        {
            mean += w;
        }
        mean /= nwave;
        var (band, low, high) = mean <= TopHats[0].High ? TopHats[0] : mean >= TopHats[2].Low ? TopHats[2] : TopHats[1];
        var bins = new List<int>();
        for (int j = 0; j < nwave; j++)
        {
            if (wavelength[j] >= low && wavelength[j] < high)
            {
                bins.Add(j);
            }
        }
        if (bins.Count == 0)
        {
            throw new Extraction.ExtractionInputException(
                $"the wavelength grid {wavelength[0]} to {wavelength[^1]} Å misses the {band} arm's score range [{low}, {high}) Å; use --no-scores");
        }
        var width = new double[nwave];
        for (int j = 0; j < nwave; j++)
        {
            width[j] = nwave == 1 ? 0 : j == 0 ? wavelength[1] - wavelength[0]
                : j == nwave - 1 ? wavelength[^1] - wavelength[^2]
                : (wavelength[j + 1] - wavelength[j - 1]) / 2;
        }
        var sum = new double[nspec];
        var medianCount = new double[nspec];
        var medianSnr = new double[nspec];
        var counts = new double[bins.Count];
        var snr = new double[bins.Count];
        for (int i = 0; i < nspec; i++)
        {
            double total = 0;
            for (int k = 0; k < bins.Count; k++)
            {
                int at = i * nwave + bins[k];
                double f = flux[at], iv = Math.Max(ivar[at], 0);
                total += f;
                counts[k] = f / width[bins[k]];
                snr[k] = Math.Sqrt(iv) * f / Math.Sqrt(width[bins[k]]);
            }
            sum[i] = total;
            medianCount[i] = Median(counts);
            medianSnr[i] = Median(snr);
        }
        string upper = char.ToUpperInvariant(band).ToString();
        string range = $"{low:0},{high:0}A";
        return
        [
            new FrameScore($"SUM_RAW_COUNT_{upper}", sum, $"sum counts in wave. range {range}"),
            new FrameScore($"MEDIAN_RAW_COUNT_{upper}", medianCount, $"median counts/A in wave. range {range}"),
            new FrameScore($"MEDIAN_RAW_SNR_{upper}", medianSnr, $"median SNR/sqrt(A) in wave. range {range}"),
        ];
    }

    /// <summary>numpy's median: the middle value, or the mean of the two middle values; sorts a copy.</summary>
    internal static double Median(ReadOnlySpan<double> values)
    {
        double[] sorted = values.ToArray();
        Array.Sort(sorted);
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
