using System.Globalization;
using ScottPlot;

namespace GpuExtract.Qa.Rendering;

/// <summary>The kinds of panel the figures are made of: an image with its colour scale, a histogram against N(0, 1).</summary>
public static class Panels
{
    /// <summary>Colour of cells with nothing to show (NaN).</summary>
    public static readonly Color Missing = Color.FromHex("#D9D9D9");

    /// <summary>Okabe–Ito colours (distinguishable with colour-blindness) for lines.</summary>
    public static readonly Color[] LineColors =
        new[] { "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999" }
            .Select(Color.FromHex).ToArray();

    /// <summary>
    /// An image of <paramref name="values"/> (row-major [rows, cols]) covering <paramref name="left"/> …
    /// <paramref name="right"/> along x and <paramref name="bottom"/> … <paramref name="top"/> along y, row 0 at
    /// the bottom, with a colour scale labelled <paramref name="scaleLabel"/> on the right.
    /// </summary>
    public static void Image(Plot plot, double[] values, int rows, int cols, double left, double right, double bottom, double top,
        IColormap colormap, double colorMin, double colorMax, string scaleLabel)
    {
        // Intensities[0, *] is drawn at the top: fill it with the last row so that row 0 is at the bottom.
        var cells = new double[rows, cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                cells[rows - 1 - r, c] = values[r * cols + c];
            }
        }
        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Extent = new CoordinateRect(left, right, bottom, top);
        heatmap.Colormap = colormap;
        heatmap.ManualRange = new ScottPlot.Range(colorMin, colorMax);
        heatmap.NaNCellColor = Missing;
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = scaleLabel;
        plot.Axes.SetLimits(left, right, bottom, top);
        // Fixed margins so that stacked images line up whatever their tick labels' widths.
        plot.Layout.Fixed(new PixelPadding(75, 130, 50, 30));
    }

    /// <summary>
    /// Bars of <paramref name="histogram"/>, the counts N(0, 1) would give as a line, and the mean, standard
    /// deviation and robust width in the corner.
    /// </summary>
    /// <param name="plot">The panel.</param>
    /// <param name="histogram">The values' histogram.</param>
    /// <param name="xLabel">What was binned, with units.</param>
    /// <param name="yLabel">What is counted ("pixels per bin").</param>
    /// <param name="title">The panel's title.</param>
    public static void HistogramAgainstNormal(Plot plot, Histogram histogram, string xLabel, string yLabel, string title)
    {
        var bars = new List<Bar>(histogram.BinCount);
        for (int b = 0; b < histogram.BinCount; b++)
        {
            bars.Add(new Bar
            {
                Position = histogram.Center(b),
                Value = histogram.Counts[b],
                Size = histogram.BinWidth,
                FillColor = LineColors[0].WithAlpha(0.55),
                LineWidth = 0,
            });
        }
        var barPlot = plot.Add.Bars(bars);
        barPlot.LegendText = "counts";
        int fine = histogram.BinCount * 8;
        var xs = new double[fine + 1];
        var ys = new double[fine + 1];
        double scale = histogram.Total * histogram.BinWidth / Math.Sqrt(2 * Math.PI);
        for (int i = 0; i <= fine; i++)
        {
            xs[i] = histogram.Min + i * (histogram.Max - histogram.Min) / fine;
            ys[i] = scale * Math.Exp(-xs[i] * xs[i] / 2);
        }
        var normal = plot.Add.ScatterLine(xs, ys, LineColors[1]);
        normal.LineWidth = 2;
        normal.LegendText = "N(0, 1)";
        plot.ShowLegend(Alignment.UpperLeft);
        var note = plot.Add.Annotation(string.Create(CultureInfo.InvariantCulture,
            $"n = {histogram.Total}\nmean {histogram.Mean:0.000}\nstd {histogram.StandardDeviation:0.000}\nIQR/1.349 {histogram.RobustWidth:0.000}\noutside ±{histogram.Max:0}: {histogram.Below + histogram.Above}"),
            Alignment.UpperRight);
        note.LabelFontSize = 12;
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
    }
}
