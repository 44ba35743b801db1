using GpuExtract.Core.Formats;
using GpuExtract.Fits;

namespace GpuExtract.Cli.Tests;

/// <summary>The extract command end to end, and each class of bad input: exit 2, one line naming the fault, no output.</summary>
public sealed class ExtractCommandTests(SimulatedInputs inputs) : IClassFixture<SimulatedInputs>
{
    private string Output(string name) => Path.Combine(inputs.Directory, name);

    private (int Code, string Stderr) ExtractExpectingFailure(string output, params string[] extra)
    {
        var (code, _, stderr) = CliRunner.Run(["extract", "-i", inputs.Preproc, "-p", inputs.Psf, "-o", output, "-w", "6010,6090,0.8", "-n", "5", .. extra]);
        Assert.False(File.Exists(output), $"{output} was written although extraction failed");
        string directory = Path.GetDirectoryName(output)!;
        if (Directory.Exists(directory))
        {
            Assert.Empty(Directory.GetFiles(directory, "*" + Path.GetFileName(output) + "*"));
        }
        return (code, stderr);
    }

    [Fact]
    public void Extract_WritesAFrameWithTheRequestedShapeAndAReport()
    {
        string output = Output("frame.fits");
        string report = Output("report.json");
        var (code, stdout, stderr) = CliRunner.Run("extract", "-i", inputs.Preproc, "-p", inputs.Psf, "-o", output, "-w", "6010,6090,0.8", "-n", "5",
            "--nsubbundles", "2", "--json-report", report, "--backend", "cpu");
        Assert.True(code == 0, stderr);
        Frame frame = FrameFile.Read(output);
        Assert.Equal(5, frame.NSpec);
        Assert.Equal(101, frame.NWave);
        Assert.All(frame.Flux, v => Assert.True(double.IsFinite(v)));
        Assert.Contains("spectrum-wavelengths/s", stdout);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(report));
        Assert.Equal(5, json.RootElement.GetProperty("nspec").GetInt32());
        Assert.True(json.RootElement.GetProperty("seconds").GetProperty("solve").GetDouble() > 0);
        using var file = FitsFile.Open(output, verifyChecksums: true);
        // desispec's shorten_filename: the path as given (no DESI_SPECTRO_CALIB/SPECPROD prefix here).
        Assert.Equal("psf.fits", Path.GetFileName(file["FLUX"].Header.GetString("IN_PSF")));
    }

    [Fact]
    public void Extract_WithoutAGrid_UsesThePsfRangeAtDw08()
    {
        string output = Output("default-grid.fits");
        var (code, _, stderr) = CliRunner.Run("extract", "-i", inputs.Preproc, "-p", inputs.Psf, "-o", output, "-n", "2");
        Assert.True(code == 0, stderr);
        Frame frame = FrameFile.Read(output);
        var psf = Core.Psf.GaussHermitePsf.Load(inputs.Psf);
        Assert.Equal(Math.Ceiling(psf.WaveMin), frame.Wavelength[0]);
        Assert.Equal(0.8, frame.Wavelength[1] - frame.Wavelength[0], 9);
        Assert.True(frame.Wavelength[^1] > psf.WaveMax - 0.8 && frame.Wavelength[^1] < psf.WaveMax + 1e-6, $"last bin {frame.Wavelength[^1]}");
    }

    [Fact]
    public void Extract_MissingIvarHdu_IsExitTwoNamingFileAndHdu()
    {
        string broken = Output("noivar.fits");
        using (var stream = File.Create(broken))
        using (var writer = new FitsWriter(stream))
        {
            var header = new FitsHeader();
            header.Set("EXTNAME", "IMAGE");
            writer.WriteImage<float>(header, new float[4128 * 4114], [4128, 4114]);
        }
        var (code, stderr) = ExtractExpectingFailure(Output("f-noivar.fits"), "-i", broken);
        Assert.Equal(2, code);
        Assert.Contains("noivar.fits", stderr);
        Assert.Contains("missing HDU IVAR", stderr);
    }

    [Fact]
    public void Extract_ImageAndPsfOfDifferentCcdSizes_IsExitTwo()
    {
        string small = Output("smallccd.fits");
        var image = new PreprocImage { NPixX = 100, NPixY = 80, Image = new float[8000], Ivar = new float[8000], Mask = new int[8000], Header = new FitsHeader() };
        image.Write(small);
        var (code, stderr) = ExtractExpectingFailure(Output("f-small.fits"), "-i", small);
        Assert.Equal(2, code);
        Assert.Contains("100 x 80", stderr);
    }

    [Fact]
    public void Extract_WavelengthsOutsideThePsf_IsExitTwo()
    {
        var (code, stderr) = ExtractExpectingFailure(Output("f-wave.fits"), "-w", "4000,4100,0.8");
        Assert.Equal(2, code);
        Assert.Contains("not covered by the PSF", stderr);
    }

    [Fact]
    public void Extract_FibersOutsideThePsf_IsExitTwo()
    {
        var (code, stderr) = ExtractExpectingFailure(Output("f-fibers.fits"), "-s", "490", "-n", "20");
        Assert.Equal(2, code);
        Assert.Contains("not all in the PSF", stderr);
    }

    [Fact]
    public void Extract_AllPixelsNaN_IsExitTwo()
    {
        var image = PreprocImage.Read(inputs.Preproc);
        Array.Fill(image.Image, float.NaN);
        string nan = Output("nan.fits");
        image.Write(nan);
        var (code, stderr) = ExtractExpectingFailure(Output("f-nan.fits"), "-i", nan);
        Assert.Equal(2, code);
        Assert.Contains("no usable pixel", stderr);
    }

    [Fact]
    public void Extract_SomeNaNPixels_AreIgnoredAndReported()
    {
        var image = PreprocImage.Read(inputs.Preproc);
        int nanCount = 0;
        for (int i = 0; i < image.Image.Length; i++)
        {
            if (image.Ivar[i] > 0 && i % 97 == 0)
            {
                image.Image[i] = float.NaN;
                nanCount++;
            }
        }
        string nan = Output("somenan.fits");
        image.Write(nan);
        string output = Output("f-somenan.fits");
        var (code, stdout, stderr) = CliRunner.Run("extract", "-i", nan, "-p", inputs.Psf, "-o", output, "-w", "6010,6090,0.8", "-n", "5");
        Assert.True(code == 0, stderr);
        Assert.Contains($"warning: {nanCount} pixels with non-finite or out-of-range IMAGE or IVAR were given weight 0", stdout);
        Frame frame = FrameFile.Read(output);
        Assert.All(frame.Flux, v => Assert.True(double.IsFinite(v)));
        Assert.All(frame.Ivar, v => Assert.True(double.IsFinite(v) && v >= 0));
    }

    [Fact]
    public void Extract_UnwritableOutput_IsExitTwoBeforeAnyWork()
    {
        string output = Path.Combine(inputs.Preproc, "frame.fits"); // a "directory" that is a file
        var (code, stderr) = ExtractExpectingFailure(output);
        Assert.Equal(2, code);
        Assert.Contains("not a folder", stderr);
    }

    [Fact]
    public void Extract_TruncatedPreproc_IsExitTwoNamingTheFile()
    {
        string truncated = Output("truncated.fits");
        byte[] bytes = File.ReadAllBytes(inputs.Preproc);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2 + 17)]);
        var (code, stderr) = ExtractExpectingFailure(Output("f-trunc.fits"), "-i", truncated);
        Assert.Equal(2, code);
        Assert.Contains("truncated.fits", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void Extract_CudaBackendWithoutAGpu_IsExitTwo()
    {
        var (code, stderr) = ExtractExpectingFailure(Output("f-cuda.fits"), "--backend", "cuda");
        Assert.Equal(2, code);
        Assert.Contains("--backend cuda", stderr);
    }
}
