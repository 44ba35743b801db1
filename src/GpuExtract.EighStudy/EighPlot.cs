using System.Globalization;
using System.Text;

namespace GpuExtract.EighStudy;

/// <summary>
/// The study's figure as SVG (<see cref="SvgCanvas"/>): top, log-log median time per matrix against n for the
/// random SPD inputs, one line per method and precision (colour) and batch size (dash pattern); bottom, log-log
/// throughput (matrices/s) against batch size at the extraction's two sizes, n ≈ 74 (per-fiber blocks) and
/// n ≈ 500 (whole patches), from the extraction matrices when they were timed, else the nearest random size.
/// Points that failed validation are marked with a red ×.
/// </summary>
public static class EighPlot
{
    /// <summary>Okabe–Ito colours (distinguishable with colour-blindness), one per method and precision.</summary>
    private static readonly string[] Colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999"];

    /// <summary>Dash patterns for batch sizes, in increasing batch order.</summary>
    private static readonly string[] Dashes = ["", "7 4", "2 3", "9 3 2 3", "1 5"];

    private const string FailedColor = "#E00000";
    private const double Width = 980, Height = 1040;

    /// <summary>The SVG text.</summary>
    public static string Format(EighResults results)
    {
        var svg = new SvgCanvas(Width, Height);
        MachineInfo m = results.Machine;
        svg.Text(Width / 2, 28, "Symmetric eigen-decomposition (eigenvalues + eigenvectors): time and throughput", 17, "middle", bold: true);
        svg.Text(Width / 2, 48, $"{m.CpuModel}, {m.LogicalCores} logical cores; LAPACK: {Shorten(m.Lapack, 70)}; GPU: {m.GpuName ?? "none"}; {m.StartedUtc}", 11, "middle");

        List<(string Method, EighPrecision Precision)> keys = SeriesKeys(results);
        List<int> batches = results.Points.Select(p => p.Batch).Distinct().Order().ToList();

        TimePanel(svg, results, keys, batches, x0: 80, y0: 80, width: 620, height: 470);
        Legend(svg, keys, batches, x: 725, y: 95);

        (EighInput? small, string smallTitle) = ThroughputInput(results, ExtractionMatrices.BlockKind, 74);
        (EighInput? large, string largeTitle) = ThroughputInput(results, ExtractionMatrices.PatchKind, 500);
        ThroughputPanel(svg, results, keys, small, smallTitle, x0: 80, y0: 640, width: 370, height: 300);
        ThroughputPanel(svg, results, keys, large, largeTitle, x0: 570, y0: 640, width: 370, height: 300);

        int failed = results.FailedCount;
        string footer = $"Times: median over {results.Options.Repeats} repeats after {results.Options.Warmups} warm-up. GFLOP/s model: 9n³ per matrix. "
            + (failed > 0 ? $"{failed} point(s) FAILED validation or threw (red ×; see CSV)." : "Every measured point passed validation.");
        svg.Text(Width / 2, Height - 18, footer, 11, "middle");
        return svg.ToXml();
    }

    /// <summary>Writes <see cref="Format"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, EighResults results) => File.WriteAllText(path, Format(results), new UTF8Encoding(false));

    private static List<(string, EighPrecision)> SeriesKeys(EighResults results)
    {
        var keys = new List<(string, EighPrecision)>();
        foreach (EighPoint p in results.Points)
        {
            if (p.Measured && !keys.Contains((p.Method, p.Precision)))
            {
                keys.Add((p.Method, p.Precision));
            }
        }
        return keys;
    }

    private static void TimePanel(SvgCanvas svg, EighResults results, List<(string Method, EighPrecision Precision)> keys, List<int> batches,
        double x0, double y0, double width, double height)
    {
        var points = results.Points.Where(p => p.Measured && p.Input == EighInput.RandomName).ToList();
        svg.Text(x0 + width / 2, y0 - 8, "Time per matrix vs n (random SPD, condition 1e8); line style = batch size", 13, "middle", bold: true);
        if (points.Count == 0)
        {
            svg.Rect(x0, y0, width, height, "none", "#444444");
            svg.Text(x0 + width / 2, y0 + height / 2, "no random-input points measured", 12, "middle");
            return;
        }
        var x = new LogAxis(points.Select(p => (double)p.N), x0, x0 + width);
        var y = new LogAxis(points.Select(p => p.SecondsPerMatrix), y0 + height, y0);
        Axes(svg, x, y, "matrix order n", "median time per matrix [s]");
        for (int k = 0; k < keys.Count; k++)
        {
            for (int b = 0; b < batches.Count; b++)
            {
                var series = points.Where(p => p.Method == keys[k].Method && p.Precision == keys[k].Precision && p.Batch == batches[b])
                    .OrderBy(p => p.N).ToList();
                DrawSeries(svg, series.Select(p => (x.Map(p.N), y.Map(p.SecondsPerMatrix), p.Status)).ToList(), Colors[k % Colors.Length], Dashes[b % Dashes.Length]);
            }
        }
    }

    private static void ThroughputPanel(SvgCanvas svg, EighResults results, List<(string Method, EighPrecision Precision)> keys,
        EighInput? input, string title, double x0, double y0, double width, double height)
    {
        svg.Text(x0 + width / 2, y0 - 8, title, 13, "middle", bold: true);
        var points = input is null ? [] : results.Points.Where(p => p.Measured && p.Input == input.Name && p.N == input.N).ToList();
        if (points.Count == 0)
        {
            svg.Rect(x0, y0, width, height, "none", "#444444");
            svg.Text(x0 + width / 2, y0 + height / 2, "no points measured at this size", 12, "middle");
            return;
        }
        var x = new LogAxis(points.Select(p => (double)p.Batch), x0, x0 + width);
        var y = new LogAxis(points.Select(p => p.MatricesPerSecond), y0 + height, y0);
        Axes(svg, x, y, "batch size (matrices per call)", "matrices per second");
        for (int k = 0; k < keys.Count; k++)
        {
            var series = points.Where(p => p.Method == keys[k].Method && p.Precision == keys[k].Precision).OrderBy(p => p.Batch).ToList();
            DrawSeries(svg, series.Select(p => (x.Map(p.Batch), y.Map(p.MatricesPerSecond), p.Status)).ToList(), Colors[k % Colors.Length], "");
        }
    }

    /// <summary>
    /// The input shown in a throughput panel: the extraction family <paramref name="kind"/> when it was timed,
    /// else the random size nearest <paramref name="target"/> (in log n).
    /// </summary>
    private static (EighInput?, string) ThroughputInput(EighResults results, string kind, int target)
    {
        EighPoint? extraction = results.Points.FirstOrDefault(p => p.Measured && p.Input == kind);
        if (extraction is not null)
        {
            string what = kind == ExtractionMatrices.BlockKind ? "per-fiber blocks of iCov⁻¹" : "whole-patch iCov";
            return (new EighInput(kind, extraction.N, []), string.Create(CultureInfo.InvariantCulture, $"Throughput vs batch, n = {extraction.N} ({what})"));
        }
        EighPoint? nearest = results.Points.Where(p => p.Measured && p.Input == EighInput.RandomName)
            .OrderBy(p => Math.Abs(Math.Log((double)p.N / target))).FirstOrDefault();
        return nearest is null
            ? (null, $"Throughput vs batch, n ≈ {target}")
            : (new EighInput(EighInput.RandomName, nearest.N, []), string.Create(CultureInfo.InvariantCulture, $"Throughput vs batch, n = {nearest.N} (random SPD)"));
    }

    private static void DrawSeries(SvgCanvas svg, List<(double X, double Y, EighPointStatus Status)> series, string color, string dash)
    {
        svg.Polyline(series.Select(s => (s.X, s.Y)).ToList(), color, 1.8, dash);
        foreach (var (px, py, status) in series)
        {
            if (status == EighPointStatus.Failed)
            {
                svg.Cross(px, py, 5, FailedColor);
            }
            else
            {
                svg.Circle(px, py, 2.6, color);
            }
        }
    }

    /// <summary>Frame, grid lines and tick labels of a log-log panel.</summary>
    private static void Axes(SvgCanvas svg, LogAxis x, LogAxis y, string xLabel, string yLabel)
    {
        double left = x.PixelStart, right = x.PixelEnd, bottom = y.PixelStart, top = y.PixelEnd;
        foreach (double t in x.Ticks)
        {
            double px = x.Map(t);
            svg.Line(px, top, px, bottom, "#DDDDDD", 0.8);
            svg.Text(px, bottom + 16, LogAxis.Label(t), 11, "middle");
        }
        foreach (double t in y.Ticks)
        {
            double py = y.Map(t);
            svg.Line(left, py, right, py, "#DDDDDD", 0.8);
            svg.Text(left - 6, py + 4, LogAxis.Label(t), 11, "end");
        }
        svg.Rect(left, top, right - left, bottom - top, "none", "#444444");
        svg.Text((left + right) / 2, bottom + 36, xLabel, 12, "middle");
        svg.Text(left - 52, (top + bottom) / 2, yLabel, 12, "middle", rotate: -90);
    }

    private static void Legend(SvgCanvas svg, List<(string Method, EighPrecision Precision)> keys, List<int> batches, double x, double y)
    {
        svg.Text(x, y, "method, precision (colour)", 12, bold: true);
        for (int k = 0; k < keys.Count; k++)
        {
            double ly = y + 20 + 18 * k;
            svg.Line(x, ly - 4, x + 28, ly - 4, Colors[k % Colors.Length], 2.5);
            svg.Text(x + 36, ly, $"{keys[k].Method} {keys[k].Precision.Label()}", 12);
        }
        double by = y + 40 + 18 * keys.Count;
        svg.Text(x, by, "batch size (line style)", 12, bold: true);
        for (int b = 0; b < batches.Count; b++)
        {
            double ly = by + 20 + 18 * b;
            svg.Line(x, ly - 4, x + 28, ly - 4, "#333333", 1.8, Dashes[b % Dashes.Length]);
            svg.Text(x + 36, ly, batches[b].ToString(CultureInfo.InvariantCulture), 12);
        }
        double fy = by + 40 + 18 * batches.Count;
        svg.Cross(x + 14, fy - 4, 5, FailedColor);
        svg.Text(x + 36, fy, "failed validation", 12);
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
