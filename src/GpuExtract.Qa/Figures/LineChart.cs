using System.Globalization;
using GpuExtract.Qa.Rendering;
using ScottPlot;

namespace GpuExtract.Qa.Figures;

/// <summary>One line of a <see cref="LinePanel"/>: points joined in the given order.</summary>
/// <param name="X">Abscissae; shape [n].</param>
/// <param name="Y">Ordinates; shape [n].</param>
/// <param name="Color">Index into the colour cycle (<see cref="Panels.LineColors"/>).</param>
/// <param name="Dash">Index into the dash cycle (<see cref="LineChart.Dashes"/>).</param>
/// <param name="Failed">Points drawn as a red × instead of a dot; null = none; shape [n].</param>
public sealed record LineSeries(double[] X, double[] Y, int Color, int Dash = 0, bool[]? Failed = null);

/// <summary>A legend entry drawn by hand: a line of a colour and dash, or the failed-point ×.</summary>
public sealed record LegendEntry(string Label, int Color = 6, int Dash = 0, bool FailedMarker = false);

/// <summary>A panel of lines, on log or linear axes.</summary>
public sealed record LinePanel
{
    public required string Title { get; init; }

    /// <summary>The x axis label, with units.</summary>
    public required string XLabel { get; init; }

    /// <summary>The y axis label, with units.</summary>
    public required string YLabel { get; init; }

    public IReadOnlyList<LineSeries> Series { get; init; } = [];

    public IReadOnlyList<LegendEntry> Legend { get; init; } = [];

    public bool LogX { get; init; }

    public bool LogY { get; init; }

    /// <summary>Shown instead of lines when there are none.</summary>
    public string EmptyText { get; init; } = "no points";

    /// <summary>Placement in the figure: fractions of the area below the title, y from the top.</summary>
    public double Left { get; init; }

    public double Top { get; init; }

    public double Width { get; init; } = 1;

    public double Height { get; init; } = 1;
}

/// <summary>
/// Line plots (timings, throughputs) of one or more panels, log or linear, with a legend per panel and a
/// footer line, as PNG and SVG. Log axes plot log₁₀ of the values with ticks labelled in the values.
/// </summary>
public static class LineChart
{
    /// <summary>Dash patterns, cycled by <see cref="LineSeries.Dash"/>.</summary>
    public static readonly LinePattern[] Dashes = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];

    private static readonly Color FailedColor = Color.FromHex("#E00000");

    /// <summary>Writes <paramref name="basePath"/>.png and .svg; returns their paths.</summary>
    public static string[] Write(string title, IReadOnlyList<LinePanel> panels, string? footer, string basePath, int width, int height)
    {
        var figure = new Figure(title, width, height) { Footer = footer };
        foreach (LinePanel panel in panels)
        {
            Draw(figure.AddPanel(panel.Left, panel.Top, panel.Width, panel.Height), panel);
        }
        return figure.Write(basePath);
    }

    private static void Draw(Plot plot, LinePanel panel)
    {
        plot.Title(panel.Title);
        plot.XLabel(panel.XLabel);
        plot.YLabel(panel.YLabel);
        bool any = false;
        foreach (LineSeries series in panel.Series)
        {
            var points = Enumerable.Range(0, series.X.Length)
                .Where(i => Plottable(series.X[i], panel.LogX) && Plottable(series.Y[i], panel.LogY))
                .ToList();
            if (points.Count == 0)
            {
                continue;
            }
            any = true;
            double[] xs = points.Select(i => Scale(series.X[i], panel.LogX)).ToArray();
            double[] ys = points.Select(i => Scale(series.Y[i], panel.LogY)).ToArray();
            Color color = Panels.LineColors[series.Color % Panels.LineColors.Length];
            var line = plot.Add.Scatter(xs, ys, color);
            line.LinePattern = Dashes[series.Dash % Dashes.Length];
            line.LineWidth = 1.8f;
            line.MarkerSize = 5;
            if (series.Failed is { } failed)
            {
                var bad = points.Select((i, k) => (i, k)).Where(p => failed[p.i]).ToList();
                if (bad.Count > 0)
                {
                    plot.Add.Markers(bad.Select(p => xs[p.k]).ToArray(), bad.Select(p => ys[p.k]).ToArray(), MarkerShape.Eks, 10, FailedColor);
                }
            }
        }
        if (!any)
        {
            var note = plot.Add.Annotation(panel.EmptyText, Alignment.MiddleCenter);
            note.LabelFontSize = 13;
            plot.Axes.SetLimits(0, 1, 0, 1);
        }
        foreach (LegendEntry entry in panel.Legend)
        {
            plot.Legend.ManualItems.Add(entry.FailedMarker
                ? new LegendItem { LabelText = entry.Label, MarkerShape = MarkerShape.Eks, MarkerSize = 10, MarkerLineColor = FailedColor, MarkerFillColor = FailedColor }
                : new LegendItem
                {
                    LabelText = entry.Label,
                    LineColor = Panels.LineColors[entry.Color % Panels.LineColors.Length],
                    LinePattern = Dashes[entry.Dash % Dashes.Length],
                    LineWidth = 2,
                });
        }
        if (panel.Legend.Count > 0)
        {
            plot.ShowLegend(Edge.Right);
        }
        if (any && panel.LogX)
        {
            var (lo, hi) = LogRange(panel.Series.SelectMany(s => s.X));
            plot.Axes.SetLimitsX(lo, hi);
            plot.Axes.Bottom.TickGenerator = LogTicks(lo, hi);
        }
        if (any && panel.LogY)
        {
            var (lo, hi) = LogRange(panel.Series.SelectMany(s => s.Y));
            plot.Axes.SetLimitsY(lo, hi);
            plot.Axes.Left.TickGenerator = LogTicks(lo, hi);
        }
    }

    /// <summary>log₁₀ of the positive finite values' range, widened by 5 % of its span (or ±0.3 decades for one value).</summary>
    private static (double Lo, double Hi) LogRange(IEnumerable<double> values)
    {
        var logs = values.Where(v => double.IsFinite(v) && v > 0).Select(Math.Log10).ToList();
        double lo = logs.Min(), hi = logs.Max();
        double pad = hi > lo ? 0.05 * (hi - lo) : 0.3;
        return (lo - pad, hi + pad);
    }

    /// <summary>
    /// Ticks for a log₁₀ axis over [lo, hi] (exponents), labelled in the values: the powers of ten, and 2 and 5
    /// times them as well when the axis spans under two decades; 2 … 9 times the powers of ten as minor ticks.
    /// </summary>
    private static ScottPlot.TickGenerators.NumericManual LogTicks(double lo, double hi)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        int[] majors = hi - lo < 2 ? [1, 2, 5] : [1];
        for (int decade = (int)Math.Floor(lo); decade <= (int)Math.Ceiling(hi); decade++)
        {
            for (int m = 1; m <= 9; m++)
            {
                double position = decade + Math.Log10(m);
                if (position < lo || position > hi)
                {
                    continue;
                }
                if (majors.Contains(m))
                {
                    double value = m * Math.Pow(10, decade);
                    ticks.AddMajor(position, value.ToString(decade is >= -3 and <= 4 ? "0.###" : "0e+0", CultureInfo.InvariantCulture));
                }
                else
                {
                    ticks.AddMinor(position);
                }
            }
        }
        return ticks;
    }

    private static bool Plottable(double value, bool log) => double.IsFinite(value) && (!log || value > 0);

    private static double Scale(double value, bool log) => log ? Math.Log10(value) : value;
}
