using System.Text;

namespace GpuExtract.Fuzz;

/// <summary>Outcome counts of a fuzz run, the failures with what reproduces them, and the costliest case.</summary>
public sealed class FuzzTally
{
    private readonly SortedDictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, int> _kinds = new(StringComparer.Ordinal);

    /// <summary>Cases run.</summary>
    public int Cases { get; private set; }

    /// <summary>Cases that broke a promise: "input, case, kind, description: what went wrong".</summary>
    public List<string> Failures { get; } = [];

    /// <summary>Longest case [s] and what it was.</summary>
    public (double Seconds, string Case) Slowest { get; private set; }

    /// <summary>Most bytes allocated by one case and what it was.</summary>
    public (long Bytes, string Case) Hungriest { get; private set; }

    /// <summary>Wall time of the run [s].</summary>
    public double Seconds { get; set; }

    /// <summary>Peak working set of the process at the end of the run [bytes].</summary>
    public long PeakWorkingSet { get; set; }

    /// <summary>Records one case.</summary>
    public void Add(FuzzCase c, string outcome, string? failure, double seconds, long allocated)
    {
        Cases++;
        Count(_outcomes, outcome);
        Count(_kinds, $"{c.Input}/{c.Kind}");
        string name = $"{c.Input} case {c.Index} ({c.Kind}: {c.Description})";
        if (failure is not null)
        {
            Failures.Add($"{name}: {failure}");
        }
        if (seconds > Slowest.Seconds)
        {
            Slowest = (seconds, name);
        }
        if (allocated > Hungriest.Bytes)
        {
            Hungriest = (allocated, name);
        }
    }

    /// <summary>How many cases ended with <paramref name="outcome"/>.</summary>
    public int Count(string outcome) => _outcomes.GetValueOrDefault(outcome);

    /// <summary>The tally as text: outcomes, mutation kinds, bounds, failures.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine($"{Cases} cases in {Seconds:0.0} s: {Cases - Failures.Count} kept the promise, {Failures.Count} failed");
        foreach (var (outcome, n) in _outcomes)
        {
            text.AppendLine($"  {n,6}  {outcome}");
        }
        text.AppendLine("by input/mutation:");
        foreach (var (kind, n) in _kinds)
        {
            text.AppendLine($"  {n,6}  {kind}");
        }
        text.AppendLine($"slowest case {Slowest.Seconds:0.000} s: {Slowest.Case}");
        text.AppendLine($"most allocated {Hungriest.Bytes / 1e6:0.0} MB: {Hungriest.Case}");
        text.AppendLine($"peak working set {PeakWorkingSet / 1e6:0} MB");
        foreach (string failure in Failures.Take(50))
        {
            text.AppendLine($"FAIL {failure}");
        }
        return text.ToString();
    }

    private static void Count(SortedDictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;
}
