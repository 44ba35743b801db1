using System.Globalization;
using GpuExtract.Qa.Figures;

namespace GpuExtract.EighStudy;

/// <summary>
/// The study's figure (<see cref="LineChart"/>, PNG and SVG): top, log-log median time per matrix against n for
/// the random SPD inputs, one line per method and precision (colour) and batch size (dash pattern); bottom,
/// log-log throughput (matrices/s) against batch size at the extraction's two sizes, n ≈ 74 (per-fiber blocks)
/// and n ≈ 500 (whole patches), from the extraction matrices when they were timed, else the nearest random size.
/// Points that failed validation are marked with a red ×.
/// </summary>
public static class EighPlot
{
    public const int Width = 1100, Height = 1100;

    /// <summary>The figure's title.</summary>
    public static string Title(EighResults results)
    {
        MachineInfo m = results.Machine;
        return $"Symmetric eigen-decomposition: {m.CpuModel}, {m.LogicalCores} cores; GPU: {m.GpuName ?? "none"}; {m.StartedUtc}";
    }

    /// <summary>The footer: how times were taken and whether every point passed validation.</summary>
    public static string Footer(EighResults results)
    {
        int failed = results.FailedCount;
        return $"LAPACK: {Shorten(results.Machine.Lapack, 60)}. Median over {results.Options.Repeats} repeats after {results.Options.Warmups} warm-up. "
            + (failed > 0 ? $"{failed} point(s) FAILED validation or threw (red ×; see CSV)." : "Every measured point passed validation.");
    }

    /// <summary>The three panels: time vs n (top), throughput vs batch at n ≈ 74 and n ≈ 500 (bottom).</summary>
    public static LinePanel[] Panels(EighResults results)
    {
        List<(string Method, EighPrecision Precision)> keys = SeriesKeys(results);
        List<int> batches = results.Points.Select(p => p.Batch).Distinct().Order().ToList();
        var legend = keys.Select((k, i) => new LegendEntry($"{k.Method} {k.Precision.Label()}", i))
            .Concat(batches.Select((b, i) => new LegendEntry($"batch {b.ToString(CultureInfo.InvariantCulture)}", 6, i)))
            .Append(new LegendEntry("failed validation", FailedMarker: true))
            .ToList();

        var random = results.Points.Where(p => p.Measured && p.Input == EighInput.RandomName).ToList();
        var timeSeries = new List<LineSeries>();
        for (int k = 0; k < keys.Count; k++)
        {
            for (int b = 0; b < batches.Count; b++)
            {
                var series = random.Where(p => p.Method == keys[k].Method && p.Precision == keys[k].Precision && p.Batch == batches[b]).OrderBy(p => p.N).ToList();
                if (series.Count > 0)
                {
                    timeSeries.Add(new LineSeries(series.Select(p => (double)p.N).ToArray(), series.Select(p => p.SecondsPerMatrix).ToArray(), k, b,
                        series.Select(p => p.Status == EighPointStatus.Failed).ToArray()));
                }
            }
        }
        var time = new LinePanel
        {
            Title = "Time per matrix vs n (random SPD, condition 1e8); colour = method, line style = batch size",
            XLabel = "matrix order n",
            YLabel = "median time per matrix [s]",
            LogX = true,
            LogY = true,
            Series = timeSeries,
            Legend = legend,
            EmptyText = "no random-input points measured",
            Height = 0.55,
        };
        (EighInput? small, string smallTitle) = ThroughputInput(results, ExtractionMatrices.BlockKind, 74);
        (EighInput? large, string largeTitle) = ThroughputInput(results, ExtractionMatrices.PatchKind, 500);
        return [time, Throughput(results, keys, small, smallTitle, 0), Throughput(results, keys, large, largeTitle, 0.5)];
    }

    /// <summary>Writes <paramref name="basePath"/>.png and .svg; returns their paths.</summary>
    public static string[] Write(string basePath, EighResults results) =>
        LineChart.Write(Title(results), Panels(results), Footer(results), basePath, Width, Height);

    private static LinePanel Throughput(EighResults results, List<(string Method, EighPrecision Precision)> keys, EighInput? input, string title, double left)
    {
        var points = input is null ? [] : results.Points.Where(p => p.Measured && p.Input == input.Name && p.N == input.N).ToList();
        var series = new List<LineSeries>();
        for (int k = 0; k < keys.Count; k++)
        {
            var line = points.Where(p => p.Method == keys[k].Method && p.Precision == keys[k].Precision).OrderBy(p => p.Batch).ToList();
            if (line.Count > 0)
            {
                series.Add(new LineSeries(line.Select(p => (double)p.Batch).ToArray(), line.Select(p => p.MatricesPerSecond).ToArray(), k, 0,
                    line.Select(p => p.Status == EighPointStatus.Failed).ToArray()));
            }
        }
        return new LinePanel
        {
            Title = title,
            XLabel = "batch size [matrices per call]",
            YLabel = "throughput [matrices/s]",
            LogX = true,
            LogY = true,
            Series = series,
            EmptyText = "no points measured at this size",
            Left = left,
            Top = 0.55,
            Width = 0.5,
            Height = 0.45,
        };
    }

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

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
