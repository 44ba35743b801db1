using System.Buffers.Binary;
using System.Xml.Linq;

namespace GpuExtract.Cli.Tests;

/// <summary><c>qa</c>: the figures a user gets from a simulated frame, and one-line exit-2 errors for bad input.</summary>
public sealed class QaCommandTests(SimulatedInputs inputs) : IClassFixture<SimulatedInputs>
{
    private string ExtractFrame(string name)
    {
        string frame = Path.Combine(inputs.Directory, name);
        if (!File.Exists(frame))
        {
            var (code, stdout, stderr) = CliRunner.Run("extract", "-i", inputs.Preproc, "-p", inputs.Psf, "-o", frame, "-w", "6000,6100,0.8", "-s", "0", "-n", "5");
            Assert.True(code == 0, $"extract failed ({code}): {stdout} {stderr}");
        }
        return frame;
    }

    [Fact]
    public void Qa_WithPreprocAndPsf_WritesAllFiveFigures_AsPngAndSvg()
    {
        string frame = ExtractFrame("frame-qa.fits");
        string outdir = Path.Combine(inputs.Directory, "qa-all");
        var (code, stdout, stderr) = CliRunner.Run("qa", frame, "--preproc", inputs.Preproc, "--psf", inputs.Psf, "--fibers", "0,2-3", "-o", outdir);
        Assert.True(code == 0, $"qa failed ({code}): {stdout} {stderr}");
        foreach (string name in new[] { "spectra", "images", "residuals", "pulls", "resolution" })
        {
            string png = Path.Combine(outdir, $"frame-qa-{name}.png"), svg = Path.Combine(outdir, $"frame-qa-{name}.svg");
            Assert.Contains(png, stdout);
            byte[] bytes = File.ReadAllBytes(png);
            Assert.True(bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), $"{png} is not a PNG");
            Assert.Equal(1400, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
            Assert.Equal("1400", (string?)XDocument.Load(svg).Root!.Attribute("width"));
        }
        // Three fibers asked for: three spectrum panels of 320 pixels under a 40-pixel title.
        Assert.Equal(40 + 3 * 320, BinaryPrimitives.ReadInt32BigEndian(File.ReadAllBytes(Path.Combine(outdir, "frame-qa-spectra.png")).AsSpan(20)));
    }

    [Fact]
    public void Qa_FrameAlone_WritesTheFiguresThatNeedNoImage()
    {
        string frame = ExtractFrame("frame-qa.fits");
        string outdir = Path.Combine(inputs.Directory, "qa-frame-only");
        var (code, stdout, stderr) = CliRunner.Run("qa", frame, "-o", outdir);
        Assert.True(code == 0, $"qa failed ({code}): {stdout} {stderr}");
        Assert.Equal(["frame-qa-images.png", "frame-qa-images.svg", "frame-qa-resolution.png", "frame-qa-resolution.svg", "frame-qa-spectra.png", "frame-qa-spectra.svg"],
            Directory.GetFiles(outdir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("fiber 7 is not in the frame (fibers 0-4)", "--fibers", "7")]
    [InlineData("option --fibers expects", "--fibers", "three")]
    [InlineData("--model needs --preproc", "--model", "model.fits")]
    [InlineData("option --region expects", "--region", "10:5,0:100")]
    public void Qa_BadInput_IsExitTwo_WithOneLine_AndWritesNothing(string message, string option, string value)
    {
        string frame = ExtractFrame("frame-qa.fits");
        string outdir = Path.Combine(inputs.Directory, $"qa-bad-{Guid.NewGuid():N}");
        var (code, stdout, stderr) = CliRunner.Run("qa", frame, option, value, "-o", outdir);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(outdir), $"qa wrote {outdir} for bad input; stdout: {stdout}");
    }

    [Fact]
    public void Qa_MissingFrame_IsExitTwo()
    {
        var (code, _, stderr) = CliRunner.Run("qa", Path.Combine(inputs.Directory, "no-such-frame.fits"));
        Assert.Equal(2, code);
        Assert.Contains("no-such-frame.fits", stderr);
    }
}
