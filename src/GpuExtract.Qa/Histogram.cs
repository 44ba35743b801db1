using GpuExtract.Core.Psf;

namespace GpuExtract.Qa;

/// <summary>
/// Counts of values in equal bins over [Min, Max], with the moments of all the finite values (those
/// outside the range included), for comparing normalised residuals or pulls with N(0, 1).
/// </summary>
public sealed class Histogram
{
    private Histogram(double min, double max, long[] counts, long below, long above, double mean, double standardDeviation, double robustWidth)
    {
        Min = min;
        Max = max;
        Counts = counts;
        Below = below;
        Above = above;
        Mean = mean;
        StandardDeviation = standardDeviation;
        RobustWidth = robustWidth;
    }

    /// <summary>Lower edge of the first bin.</summary>
    public double Min { get; }

    /// <summary>Upper edge of the last bin.</summary>
    public double Max { get; }

    /// <summary>Values per bin; shape [BinCount]. Bin b holds Min + b·BinWidth ≤ v &lt; Min + (b + 1)·BinWidth (the last bin also holds v = Max).</summary>
    public long[] Counts { get; }

    /// <summary>Finite values below <see cref="Min"/>.</summary>
    public long Below { get; }

    /// <summary>Finite values above <see cref="Max"/>.</summary>
    public long Above { get; }

    /// <summary>Mean of every finite value (NaN when there are none).</summary>
    public double Mean { get; }

    /// <summary>Sample standard deviation of every finite value (NaN for fewer than 2).</summary>
    public double StandardDeviation { get; }

    /// <summary>
    /// Interquartile range / 1.349 (= 2·Φ⁻¹(0.75)): σ for normal values, and insensitive to the few
    /// outliers (cosmic rays, bad columns) that dominate <see cref="StandardDeviation"/>.
    /// </summary>
    public double RobustWidth { get; }

    public int BinCount => Counts.Length;

    public double BinWidth => (Max - Min) / Counts.Length;

    /// <summary>All finite values, in range or not.</summary>
    public long Total => Below + Above + Counts.Sum();

    /// <summary>Centre of bin <paramref name="bin"/>.</summary>
    public double Center(int bin) => Min + (bin + 0.5) * BinWidth;

    /// <summary>
    /// Counts that <see cref="Total"/> values drawn from N(0, 1) put in bin <paramref name="bin"/> on average:
    /// Total·(Φ(b) − Φ(a)), Φ(x) = ½(1 + erf(x/√2)), for the bin [a, b].
    /// </summary>
    public double NormalCount(int bin)
    {
        double a = Min + bin * BinWidth, b = a + BinWidth;
        return Total * 0.5 * (ErrorFunction.Erf(b / Math.Sqrt(2)) - ErrorFunction.Erf(a / Math.Sqrt(2)));
    }

    /// <summary>Bins the finite values of <paramref name="values"/> (NaN and ±∞ are left out).</summary>
    /// <param name="values">Values of any shape, flattened.</param>
    /// <param name="min">Lower edge of the first bin.</param>
    /// <param name="max">Upper edge of the last bin; &gt; <paramref name="min"/>.</param>
    /// <param name="bins">Number of bins; ≥ 1.</param>
    public static Histogram Of(ReadOnlySpan<double> values, double min, double max, int bins)
    {
        if (!(max > min) || bins < 1)
        {
            throw new ArgumentException($"histogram range [{min}, {max}] with {bins} bins is empty");
        }
        var counts = new long[bins];
        long below = 0, above = 0;
        double width = (max - min) / bins;
        var finite = new List<double>(values.Length);
        double sum = 0;
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
            {
                continue;
            }
            finite.Add(v);
            sum += v;
            if (v < min)
            {
                below++;
            }
            else if (v > max)
            {
                above++;
            }
            else
            {
                counts[Math.Min((int)((v - min) / width), bins - 1)]++;
            }
        }
        int n = finite.Count;
        double mean = n > 0 ? sum / n : double.NaN;
        double squares = 0;
        foreach (double v in finite)
        {
            squares += (v - mean) * (v - mean);
        }
        double std = n > 1 ? Math.Sqrt(squares / (n - 1)) : double.NaN;
        finite.Sort();
        double robust = n > 1 ? (Quantile(finite, 0.75) - Quantile(finite, 0.25)) / 1.3489795003921634 : double.NaN;
        return new Histogram(min, max, counts, below, above, mean, std, robust);
    }

    /// <summary>Linear-interpolated quantile of sorted values (numpy's default, "linear").</summary>
    internal static double Quantile(List<double> sorted, double q)
    {
        double position = q * (sorted.Count - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }
}
