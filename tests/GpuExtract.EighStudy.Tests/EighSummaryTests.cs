
namespace GpuExtract.EighStudy.Tests;

/// <summary>The Markdown summary: single-matrix table, crossover and throughput against the single-call loop.</summary>
public sealed class EighSummaryTests
{
    [Fact]
    public void Markdown_TabulatesSingleMatrixTimes_AndThroughputAgainstTheLoop()
    {
        EighResults results = Results();
        results.Points.Add(Point("random", "lapack-1core", "cpu", 74, 1, 0.0004));
        results.Points.Add(Point("random", "lapack-1core", "cpu", 500, 1, 0.030));
        results.Points.Add(Point("cblock", "lapack-1core", "cpu", 74, 1, 0.0005));   // loop: 2000 matrices/s
        results.Points.Add(Point("cblock", "lapack", "cpu", 74, 1, 0.0005));
        results.Points.Add(Point("cblock", "lapack", "cpu", 74, 256, 0.064));        // 4000 matrices/s = 2.0×
        results.Points.Add(Point("cblock", "lapack-1core", "cpu", 74, 256, 0.128) with { Status = EighPointStatus.Failed });

        string text = EighSummary.Markdown(results);

        Assert.Contains("| n | lapack-1core f64 | lapack f64 |", text);
        Assert.Contains("| 74 | 0.400 | – |", text);   // ms
        Assert.Contains("| 500 | 30.0 | – |", text);
        Assert.Contains("| 256 | 2000 (1.0×) FAILED | 4000 (2.0×) |", text);
        Assert.Contains("not measured (no GPU method ran", text);
        Assert.DoesNotContain("Warning: load", text);
    }

    [Fact]
    public void Markdown_FindsTheCrossover_FromWhichTheGpuStaysFaster()
    {
        EighResults results = Results();
        // CPU t = n³·1e-9 s; GPU t = 0.02 s flat: the GPU wins from n = 512 (0.134 s) up, not at 128 or 256 (0.0168 s).
        foreach (int n in new[] { 128, 256, 512, 1024 })
        {
            results.Points.Add(Point("random", "lapack-1core", "cpu", n, 1, Math.Pow(n, 3) * 1e-9));
            results.Points.Add(Point("random", "cusolver-syevd", "cuda", n, 1, 0.02));
        }
        Assert.Contains("(f64): the GPU is faster from n = 512 up.", EighSummary.Markdown(results));
    }

    [Fact]
    public void Markdown_WarnsWhenTheLoadExceededTheCores()
    {
        EighResults results = Results(load: "7.5 3.0 2.0");
        results.Points.Add(Point("random", "lapack-1core", "cpu", 74, 1, 0.0004));
        Assert.Contains("Warning: load average up to 7.5 on 2 logical cores", EighSummary.Markdown(results));
    }

    private static EighResults Results(string load = "0.5 0.4 0.3") => new()
    {
        Machine = MachineInfo.Describe("tests") with { LogicalCores = 2, LoadAtStart = load, LoadAtEnd = load },
        Options = new EighBenchmarkOptions(),
        Methods = [],
    };

    private static EighPoint Point(string input, string method, string backend, int n, int batch, double median) => new()
    {
        Input = input,
        Method = method,
        Backend = backend,
        Precision = EighPrecision.Double,
        N = n,
        Batch = batch,
        MedianSeconds = median,
        MinSeconds = median,
        Status = EighPointStatus.Ok,
    };
}
