using System.Xml.Linq;

namespace GpuExtract.Cli.Tests;

/// <summary><c>eigh-bench</c> end to end on tiny sizes, and its refusal of the GPU methods without a GPU build.</summary>
public class EighBenchCommandTests
{
    [Fact]
    public void EighBench_SmallCpuRun_WritesValidatedPointsCsvAndPlotAsPngAndSvg()
    {
        using var directory = new Testing.TempDirectory();
        string csv = directory.File("eigh.csv");
        string svg = directory.File("eigh.svg");
        var (code, stdout, stderr) = CliRunner.Run("eigh-bench", "--sizes", "8,20", "--batch", "1,4", "--precision", "f64", "--methods", "lapack-1core,managed",
            "--inputs", "random", "--repeat", "2", "-o", csv, "--plot", svg);
        Assert.True(code == 0, $"{stdout}\n{stderr}");
        string[] lines = [.. File.ReadAllLines(csv).Where(line => !line.StartsWith('#'))];
        int status = Array.IndexOf(lines[0].Split(','), "status");
        Assert.True(status >= 0, $"no status column in {lines[0]}");
        string[] points = lines[1..];
        Assert.Equal(2 * 2 * 2, points.Length); // sizes × batches × methods
        Assert.All(points, point => Assert.Equal("ok", point.Split(',')[status]));
        // --plot eigh.svg writes eigh.svg and eigh.png.
        Assert.Equal("svg", XDocument.Load(svg).Root!.Name.LocalName);
        Assert.Equal("1100", (string?)XDocument.Load(svg).Root!.Attribute("width"));
        byte[] png = File.ReadAllBytes(directory.File("eigh.png"));
        Assert.True(png.AsSpan(1, 3).SequenceEqual("PNG"u8), "eigh.png is not a PNG");
        Assert.Contains("eigh.png", stdout);
    }

    [Fact]
    public void EighBench_CudaBackendWithoutAGpu_IsExitTwo()
    {
        var (code, _, stderr) = CliRunner.Run("eigh-bench", "--backend", "cuda", "--sizes", "8", "--batch", "1");
        Assert.Equal(2, code);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
