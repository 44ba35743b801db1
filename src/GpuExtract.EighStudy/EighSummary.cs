using System.Globalization;
using System.Text;

namespace GpuExtract.EighStudy;

/// <summary>
/// The study's findings as Markdown tables, printed at the end of a run and pasted into perf/README.md:
/// single-matrix time against n, the CPU/GPU crossover size (when both backends ran), and the throughput at
/// the extraction's sizes for each batch size against a loop of single-matrix calls on one core.
/// </summary>
public static class EighSummary
{
    /// <summary>The method whose batch-1 time defines "a loop of single-matrix calls".</summary>
    public const string LoopMethod = "lapack-1core";

    /// <summary>Markdown text (tables use median times; failed points are marked "FAILED").</summary>
    public static string Markdown(EighResults results)
    {
        var text = new StringBuilder();
        ContentionWarning(text, results.Machine);
        List<(string Method, EighPrecision Precision)> columns = results.Points
            .Where(p => p.Measured).Select(p => (p.Method, p.Precision)).Distinct().ToList();
        SingleMatrixTable(text, results, columns);
        Crossover(text, results);
        foreach (string input in results.Points.Where(p => p.Input != EighInput.RandomName && p.Measured).Select(p => p.Input).Distinct())
        {
            ThroughputTable(text, results, columns, input);
        }
        return text.ToString();
    }

    /// <summary>A warning when the 1-minute load average exceeded the core count at the start or the end.</summary>
    private static void ContentionWarning(StringBuilder text, MachineInfo machine)
    {
        double worst = 0;
        foreach (string? load in (string?[])[machine.LoadAtStart, machine.LoadAtEnd])
        {
            if (load is not null && double.TryParse(load.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double oneMinute))
            {
                worst = Math.Max(worst, oneMinute);
            }
        }
        if (worst > machine.LogicalCores)
        {
            string load = worst.ToString("0.#", CultureInfo.InvariantCulture);
            text.AppendLine($"Warning: load average up to {load} on {machine.LogicalCores} logical cores: other processes shared the cores, so wall times " +
                "of calls longer than a scheduler slice are inflated; the cpu_s column (CPU time of this process) is the better estimate of idle-machine cost.").AppendLine();
        }
    }

    private static void SingleMatrixTable(StringBuilder text, EighResults results, List<(string Method, EighPrecision Precision)> columns)
    {
        var points = results.Points.Where(p => p.Input == EighInput.RandomName && p.Batch == 1).ToList();
        if (points.Count == 0)
        {
            return;
        }
        text.AppendLine("Single-matrix time, median [ms] (random SPD, condition 1e8, batch 1):").AppendLine();
        Header(text, "n", columns);
        foreach (int n in points.Select(p => p.N).Distinct().Order())
        {
            text.Append("| ").Append(n.ToString(CultureInfo.InvariantCulture)).Append(" |");
            foreach (var (method, precision) in columns)
            {
                EighPoint? p = points.FirstOrDefault(q => q.N == n && q.Method == method && q.Precision == precision);
                text.Append(' ').Append(Cell(p, q => Number(q.MedianSeconds * 1e3))).Append(" |");
            }
            text.AppendLine();
        }
        text.AppendLine();
    }

    /// <summary>The smallest n from which the fastest GPU method beats the fastest CPU method at batch 1, per precision.</summary>
    private static void Crossover(StringBuilder text, EighResults results)
    {
        var single = results.Points.Where(p => p.Input == EighInput.RandomName && p.Batch == 1 && p.Status == EighPointStatus.Ok).ToList();
        if (!single.Any(p => p.Backend == "cuda"))
        {
            text.AppendLine("CPU/GPU single-matrix crossover: not measured (no GPU method ran; it needs a run with --backend cpu,cuda on a GPU).").AppendLine();
            return;
        }
        foreach (EighPrecision precision in single.Select(p => p.Precision).Distinct())
        {
            int? crossover = null;
            foreach (int n in single.Where(p => p.Precision == precision).Select(p => p.N).Distinct().OrderDescending())
            {
                double cpu = Best(single, n, precision, "cpu");
                double gpu = Best(single, n, precision, "cuda");
                if (!(gpu < cpu))
                {
                    break;
                }
                crossover = n;
            }
            text.AppendLine(crossover is int c
                ? $"CPU/GPU single-matrix crossover ({precision.Label()}): the GPU is faster from n = {c} up."
                : $"CPU/GPU single-matrix crossover ({precision.Label()}): the GPU is not faster at the largest n measured.");
        }
        text.AppendLine();
    }

    private static double Best(List<EighPoint> points, int n, EighPrecision precision, string backend)
    {
        double best = double.PositiveInfinity;
        foreach (EighPoint p in points)
        {
            if (p.N == n && p.Precision == precision && p.Backend == backend)
            {
                best = Math.Min(best, p.MedianSeconds);
            }
        }
        return best;
    }

    private static void ThroughputTable(StringBuilder text, EighResults results, List<(string Method, EighPrecision Precision)> columns, string input)
    {
        var points = results.Points.Where(p => p.Input == input).ToList();
        int n = points[0].N;
        string what = input == ExtractionMatrices.BlockKind ? "per-fiber blocks of iCov⁻¹" : input == ExtractionMatrices.PatchKind ? "whole-patch iCov" : input;
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Throughput at n = {n} ({what}), matrices/s (× = relative to a loop of single-matrix calls, {LoopMethod} batch 1):")).AppendLine();
        Header(text, "batch", columns);
        foreach (int batch in points.Select(p => p.Batch).Distinct().Order())
        {
            text.Append("| ").Append(batch.ToString(CultureInfo.InvariantCulture)).Append(" |");
            foreach (var (method, precision) in columns)
            {
                EighPoint? p = points.FirstOrDefault(q => q.Batch == batch && q.Method == method && q.Precision == precision);
                EighPoint? loop = points.FirstOrDefault(q => q.Batch == 1 && q.Method == LoopMethod && q.Precision == precision && q.Measured);
                text.Append(' ').Append(Cell(p, q => loop is null
                    ? Number(q.MatricesPerSecond)
                    : $"{Number(q.MatricesPerSecond)} ({(q.MatricesPerSecond / loop.MatricesPerSecond).ToString("0.0", CultureInfo.InvariantCulture)}×)")).Append(" |");
            }
            text.AppendLine();
        }
        text.AppendLine();
    }

    private static void Header(StringBuilder text, string first, List<(string Method, EighPrecision Precision)> columns)
    {
        text.Append("| ").Append(first).Append(" |");
        foreach (var (method, precision) in columns)
        {
            text.Append(' ').Append(method).Append(' ').Append(precision.Label()).Append(" |");
        }
        text.AppendLine();
        text.Append("|---:|");
        foreach (var _ in columns)
        {
            text.Append("---:|");
        }
        text.AppendLine();
    }

    /// <summary>The figure of a measured point, "FAILED" (with the figure when timed) for a failed one, "skipped" or "–".</summary>
    private static string Cell(EighPoint? p, Func<EighPoint, string> figure) => p switch
    {
        null => "–",
        { Status: EighPointStatus.Skipped } => "skipped",
        { Status: EighPointStatus.Failed, Measured: false } => "FAILED",
        { Status: EighPointStatus.Failed } => figure(p) + " FAILED",
        _ => figure(p),
    };

    /// <summary>Three significant digits, no exponent for everyday magnitudes.</summary>
    private static string Number(double value)
    {
        if (!double.IsFinite(value))
        {
            return "–";
        }
        double magnitude = Math.Abs(value);
        string format = magnitude >= 100 ? "0" : magnitude >= 10 ? "0.0" : magnitude >= 1 ? "0.00" : magnitude >= 0.01 ? "0.000" : "0.00e0";
        return value.ToString(format, CultureInfo.InvariantCulture);
    }
}
