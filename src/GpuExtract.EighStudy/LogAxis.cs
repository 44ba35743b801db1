using System.Globalization;

namespace GpuExtract.EighStudy;

/// <summary>
/// A logarithmic axis from <see cref="Min"/> to <see cref="Max"/> (data units, both &gt; 0) mapped onto
/// [<see cref="PixelStart"/>, <see cref="PixelEnd"/>], with tick values at 1-2-5 steps when the range spans at
/// most three decades and at powers of ten otherwise.
/// </summary>
public sealed class LogAxis
{
    /// <summary>An axis covering <paramref name="values"/> (positive, finite ones), widened to whole ticks.</summary>
    public LogAxis(IEnumerable<double> values, double pixelStart, double pixelEnd)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (v > 0 && double.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }
        if (double.IsInfinity(min))
        {
            (min, max) = (1, 10);
        }
        if (max <= min * 1.0001)
        {
            (min, max) = (min / 2, max * 2);
        }
        Ticks = TickValues(min, max);
        Min = Math.Min(min, Ticks[0]);
        Max = Math.Max(max, Ticks[^1]);
        PixelStart = pixelStart;
        PixelEnd = pixelEnd;
    }

    public double Min { get; }

    public double Max { get; }

    public double PixelStart { get; }

    public double PixelEnd { get; }

    /// <summary>Tick values, ascending, from the one at or below Min to the one at or above Max.</summary>
    public IReadOnlyList<double> Ticks { get; }

    /// <summary>Pixel coordinate of <paramref name="value"/>.</summary>
    public double Map(double value) =>
        PixelStart + (Math.Log10(value) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min)) * (PixelEnd - PixelStart);

    /// <summary>A tick label: plain numbers from 0.01 to 99999, else m·10ᵉ (10ᵉ for m = 1) with a Unicode superscript exponent.</summary>
    public static string Label(double value)
    {
        if (value >= 0.01 && value < 1e5)
        {
            return value.ToString("0.##", CultureInfo.InvariantCulture);
        }
        int exponent = (int)Math.Floor(Math.Log10(value) + 1e-9);
        double mantissa = value / Math.Pow(10, exponent);
        string power = "10" + Superscript(exponent);
        return Math.Abs(mantissa - 1) < 1e-9 ? power : mantissa.ToString("0.#", CultureInfo.InvariantCulture) + "·" + power;
    }

    private static IReadOnlyList<double> TickValues(double min, double max)
    {
        int low = (int)Math.Floor(Math.Log10(min) + 1e-9);
        int high = (int)Math.Ceiling(Math.Log10(max) - 1e-9);
        double[] steps = high - low <= 3 ? [1, 2, 5] : [1];
        var ticks = new List<double>();
        for (int e = low; e <= high; e++)
        {
            foreach (double s in steps)
            {
                double t = s * Math.Pow(10, e);
                ticks.Add(t);
            }
        }
        // Keep one tick at or below min and one at or above max.
        int first = ticks.FindLastIndex(t => t <= min * (1 + 1e-9));
        int last = ticks.FindIndex(t => t >= max * (1 - 1e-9));
        first = Math.Max(first, 0);
        last = last < 0 ? ticks.Count - 1 : last;
        return ticks.GetRange(first, last - first + 1);
    }

    private static string Superscript(int exponent)
    {
        const string digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        string text = Math.Abs(exponent).ToString(CultureInfo.InvariantCulture);
        var result = new System.Text.StringBuilder(exponent < 0 ? "⁻" : "");
        foreach (char c in text)
        {
            result.Append(digits[c - '0']);
        }
        return result.ToString();
    }
}
