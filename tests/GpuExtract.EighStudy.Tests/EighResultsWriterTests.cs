using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using GpuExtract.Testing;

namespace GpuExtract.EighStudy.Tests;

/// <summary>CSV, JSON and SVG outputs parse with independent readers and carry what was measured.</summary>
public sealed class EighResultsWriterTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Csv_HasMachineComments_HeaderAndOneRowPerPoint()
    {
        EighResults results = SampleResults();
        string csv = EighResultsCsv.Format(results);
        string[] lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l == $"# cpu: {results.Machine.CpuModel}");
        Assert.Contains(lines, l => l.StartsWith("# flop_model: 9 n^3", StringComparison.Ordinal));
        List<List<string>> rows = ParseCsv(string.Join('\n', lines.Where(l => !l.StartsWith('#'))));
        Assert.Equal(EighResultsCsv.Columns, rows[0]);
        Assert.Equal(results.Points.Count + 1, rows.Count);
        Assert.All(rows, r => Assert.Equal(EighResultsCsv.Columns.Count, r.Count));

        Dictionary<string, string> ok = Row(rows, 1);
        Assert.Equal("random", ok["input"]);
        Assert.Equal("0.25", ok["median_s"]);
        Assert.Equal(4.0, double.Parse(ok["matrices_per_s"], CultureInfo.InvariantCulture), 12); // 1 / 0.25 s
        Assert.Equal(9.0 * 64 * 64 * 64 / 0.25 / 1e9, double.Parse(ok["gflops"], CultureInfo.InvariantCulture), 5);
        Assert.Equal("ok", ok["status"]);

        Dictionary<string, string> failed = Row(rows, 2);
        Assert.Equal("failed", failed["status"]);
        Assert.Equal("validation FAILED: residual 3e-2, \"quoted\"", failed["note"]); // comma and quotes survive

        Dictionary<string, string> skipped = Row(rows, 3);
        Assert.Equal("skipped", skipped["status"]);
        Assert.Equal("", skipped["median_s"]); // NaN is an empty cell
        Assert.Equal("", skipped["residual"]);
    }

    [SkippableFact]
    public void Csv_ReadsWithPythonCsvModule()
    {
        string path = Path.Combine(Path.GetTempPath(), $"eigh-{Guid.NewGuid():N}.csv");
        EighResultsCsv.Write(path, SampleResults());
        try
        {
            string stdout = TestEnvironment.RunPython(
                "import csv, sys\n" +
                "rows = list(csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith('#')))\n" +
                "print(len(rows), rows[1]['status'], rows[1]['note'], rows[2]['median_s'] == '')\n", path);
            Assert.Equal("3 failed validation FAILED: residual 3e-2, \"quoted\" True", stdout.Trim());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Json_ParsesWithMachinePointsAndNullsForUnmeasured()
    {
        EighResults results = SampleResults();
        using JsonDocument document = JsonDocument.Parse(EighResultsJson.Format(results));
        JsonElement root = document.RootElement;
        Assert.Equal(results.Machine.CpuModel, root.GetProperty("machine").GetProperty("cpu").GetString());
        Assert.Equal(results.Machine.LogicalCores, root.GetProperty("machine").GetProperty("logical_cores").GetInt32());
        Assert.StartsWith("none", root.GetProperty("machine").GetProperty("gpu").GetString());
        Assert.StartsWith("9 n^3", root.GetProperty("flop_model").GetString());
        JsonElement points = root.GetProperty("points");
        Assert.Equal(3, points.GetArrayLength());
        Assert.Equal(0.25, points[0].GetProperty("median_s").GetDouble());
        Assert.Equal("f64", points[0].GetProperty("precision").GetString());
        Assert.Equal("failed", points[1].GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, points[2].GetProperty("median_s").ValueKind);
        Assert.Equal(JsonValueKind.Null, points[2].GetProperty("gflops").ValueKind);
        Assert.Equal(2, root.GetProperty("options").GetProperty("sizes").GetArrayLength());
    }

    [Fact]
    public void Svg_IsWellFormedXml_WithOneLinePerSeries_AndFailedPointsMarked()
    {
        EighResults results = SampleResults();
        // Add a second random size so the time panel has lines, and extraction points for the throughput panels.
        results.Points.Add(Point("random", "lapack", 128, 1, 2.0, EighPointStatus.Ok));
        results.Points.Add(Point("cblock", "lapack", 74, 1, 0.001, EighPointStatus.Ok));
        results.Points.Add(Point("cblock", "lapack", 74, 16, 0.01, EighPointStatus.Ok));
        results.Points.Add(Point("icov", "lapack", 518, 1, 0.05, EighPointStatus.Ok));
        results.Points.Add(Point("icov", "lapack", 518, 16, 0.6, EighPointStatus.Failed));

        XDocument svg = XDocument.Parse(EighPlot.Format(results));
        Assert.Equal(Svg + "svg", svg.Root!.Name);
        var polylines = svg.Descendants(Svg + "polyline").ToList();
        // random lapack batch 1 (n = 64, 128), cblock lapack (batch 1, 16), icov lapack (batch 1, 16).
        Assert.Equal(3, polylines.Count);
        Assert.All(polylines, p => Assert.Matches(@"^(-?[0-9.]+,-?[0-9.]+ ?)+$", p.Attribute("points")!.Value));
        var texts = svg.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("matrix order n", texts);
        Assert.Contains(texts, t => t.StartsWith("Throughput vs batch, n = 74", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.StartsWith("Throughput vs batch, n = 518", StringComparison.Ordinal));
        // Two measured failed points (random n = 64 batch 16 and icov batch 16) plus the legend sample: 3 red crosses of 2 lines each.
        int redLines = svg.Descendants(Svg + "line").Count(l => (string?)l.Attribute("stroke") == "#E00000");
        Assert.Equal(2 * 3, redLines);
    }

    [SkippableFact]
    public void Svg_ParsesWithPythonXml()
    {
        string path = Path.Combine(Path.GetTempPath(), $"eigh-{Guid.NewGuid():N}.svg");
        EighPlot.Write(path, SampleResults());
        try
        {
            string stdout = TestEnvironment.RunPython(
                "import sys, xml.etree.ElementTree as ET\n" +
                "root = ET.parse(sys.argv[1]).getroot()\n" +
                "print(root.tag, root.get('width'), len(root.findall('.//{http://www.w3.org/2000/svg}text')) > 10)\n", path);
            Assert.Equal("{http://www.w3.org/2000/svg}svg 980 True", stdout.Trim());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(1.0, "1")]
    [InlineData(500.0, "500")]
    [InlineData(0.001, "10⁻³")]
    [InlineData(2e-5, "2·10⁻⁵")]
    [InlineData(1e6, "10⁶")]
    public void LogAxis_LabelsTicks(double value, string expected) => Assert.Equal(expected, LogAxis.Label(value));

    [Fact]
    public void LogAxis_MapsDecadesLinearly_AndCoversTheData()
    {
        var axis = new LogAxis([32, 2048], 0, 600);
        Assert.True(axis.Min <= 32 && axis.Max >= 2048, $"axis {axis.Min}..{axis.Max} does not cover 32..2048");
        Assert.Equal(axis.Map(100) - axis.Map(10), axis.Map(1000) - axis.Map(100), 9);
        Assert.Equal([20.0, 50, 100, 200, 500, 1000, 2000, 5000], axis.Ticks);
    }

    /// <summary>Three points: one ok, one failed (note with comma and quotes), one skipped.</summary>
    private static EighResults SampleResults()
    {
        var results = new EighResults
        {
            Machine = MachineInfo.Describe("no GPU in the unit tests"),
            Options = new EighBenchmarkOptions { Sizes = [64, 128], Batches = [1, 16] },
            Methods = [new EighMethodInfo("lapack", "cpu", "dsyevd, test")],
        };
        results.Points.Add(Point("random", "lapack", 64, 1, 0.25, EighPointStatus.Ok));
        results.Points.Add(Point("random", "lapack", 64, 16, 3.0, EighPointStatus.Failed) with { Note = "validation FAILED: residual 3e-2, \"quoted\"" });
        results.Points.Add(new EighPoint
        {
            Input = "random",
            Method = "lapack",
            Backend = "cpu",
            Precision = EighPrecision.Double,
            N = 2048,
            Batch = 256,
            Status = EighPointStatus.Skipped,
            Note = "projected 900 s > budget 20 s",
        });
        return results;
    }

    private static EighPoint Point(string input, string method, int n, int batch, double median, EighPointStatus status) => new()
    {
        Input = input,
        Method = method,
        Backend = "cpu",
        Precision = EighPrecision.Double,
        N = n,
        Batch = batch,
        ChunkSize = batch,
        Repeats = 5,
        MedianSeconds = median,
        MinSeconds = median * 0.9,
        Residual = status == EighPointStatus.Ok ? 1e-15 : 3e-2,
        Orthogonality = 2e-15,
        Tolerance = 1e-10,
        MatricesChecked = 1,
        ColumnsChecked = n,
        Status = status,
    };

    private static Dictionary<string, string> Row(List<List<string>> rows, int index) =>
        rows[0].Zip(rows[index]).ToDictionary(p => p.First, p => p.Second);

    /// <summary>An RFC 4180 reader written for this test (quoted cells, doubled quotes).</summary>
    private static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row);
                row = [];
            }
            else if (c != '\r')
            {
                cell.Append(c);
            }
        }
        if (cell.Length > 0 || row.Count > 0)
        {
            row.Add(cell.ToString());
            rows.Add(row);
        }
        return rows;
    }
}
