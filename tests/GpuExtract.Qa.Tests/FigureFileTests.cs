using System.Buffers.Binary;
using System.Xml.Linq;
using GpuExtract.Core.Simulation;
using GpuExtract.Qa.Figures;
using GpuExtract.Testing;
using Xunit.Abstractions;

namespace GpuExtract.Qa.Tests;

/// <summary>The figure files: valid PNG and SVG of the size asked for. GPUEXTRACT_QA_FIGURES=DIR keeps them in DIR.</summary>
public class FigureFileTests(ITestOutputHelper output)
{
    [Fact]
    public void QuickLook_WritesEveryFigure_AsPngAndSvgOfTheStatedSize()
    {
        using var temp = new TempDirectory();
        string directory = Environment.GetEnvironmentVariable("GPUEXTRACT_QA_FIGURES") is { Length: > 0 } keep ? keep : temp.Path;
        var input = new QuickLookInput
        {
            Frame = SimulatedQaFrame.Frame,
            FrameName = "frame-qa-test.fits",
            Fibers = [0, 5, 9],
            Image = SimulatedQaFrame.Simulated.Image,
            ModelName = "synthetic PSF",
            Psf = SyntheticPsf.Default,
            Truth = SimulatedQaFrame.Truth,
            TruthName = "simulation truth",
        };
        IReadOnlyList<string> written = QuickLook.Write(input, directory);
        output.WriteLine(string.Join("\n", written));
        Assert.Equal(QuickLook.FigureNames.Length * 2, written.Count);
        var expected = new Dictionary<string, (int Width, int Height)>
        {
            ["spectra"] = (QuickLook.Width, 40 + 3 * QuickLook.SpectraPanelHeight),
            ["images"] = (QuickLook.Width, QuickLook.ImagesHeight),
            ["residuals"] = (QuickLook.Width, QuickLook.ResidualsHeight),
            ["pulls"] = (QuickLook.Width, QuickLook.PullsHeight),
            ["resolution"] = (QuickLook.Width, QuickLook.ResolutionHeight),
        };
        foreach (var (name, size) in expected)
        {
            string stem = Path.Combine(directory, $"frame-qa-test-{name}");
            Assert.Equal(size, PngSize(stem + ".png"));
            Assert.Equal(size, SvgSize(stem + ".svg"));
        }
    }

    [Fact]
    public void LineChart_WritesLogLogPanels_AsPngAndSvgOfTheStatedSize()
    {
        using var temp = new TempDirectory();
        string directory = Environment.GetEnvironmentVariable("GPUEXTRACT_QA_FIGURES") is { Length: > 0 } keep ? keep : temp.Path;
        double[] n = [16, 32, 64, 128, 256, 512];
        var panels = new[]
        {
            new LinePanel
            {
                Title = "time per matrix vs n", XLabel = "matrix order n", YLabel = "time per matrix [s]", LogX = true, LogY = true,
                Series = [new LineSeries(n, n.Select(x => 1e-9 * x * x * x).ToArray(), 0), new LineSeries(n, n.Select(x => 3e-9 * x * x * x).ToArray(), 1, 1, [false, false, true, false, false, false])],
                Legend = [new LegendEntry("n³ ns", 0), new LegendEntry("3 n³ ns", 1, 1), new LegendEntry("failed validation", FailedMarker: true)],
                Width = 1, Height = 0.5,
            },
            new LinePanel { Title = "nothing measured", XLabel = "batch size [matrices]", YLabel = "throughput [matrices/s]", LogX = true, LogY = true, Top = 0.5, Height = 0.5 },
        };
        string[] written = LineChart.Write("line chart test", panels, "footer: every point passed", Path.Combine(directory, "line-chart-test"), 900, 800);
        Assert.Equal((900, 800), PngSize(written[0]));
        Assert.Equal((900, 800), SvgSize(written[1]));
    }

    /// <summary>Checks the PNG signature and the IHDR chunk, and returns IHDR's width and height.</summary>
    internal static (int Width, int Height) PngSize(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.True(bytes.Length > 33 && bytes.AsSpan(0, 8).SequenceEqual(signature), $"{path}: no PNG signature");
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(13, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8)));
        Assert.Equal("IEND", System.Text.Encoding.ASCII.GetString(bytes, bytes.Length - 8, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    /// <summary>Parses the SVG as XML, checks the root is an SVG element, and returns its width and height.</summary>
    internal static (int Width, int Height) SvgSize(string path)
    {
        XDocument svg = XDocument.Load(path);
        XElement root = svg.Root!;
        Assert.Equal(XName.Get("svg", "http://www.w3.org/2000/svg"), root.Name);
        return (int.Parse((string)root.Attribute("width")!, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse((string)root.Attribute("height")!, System.Globalization.CultureInfo.InvariantCulture));
    }
}
