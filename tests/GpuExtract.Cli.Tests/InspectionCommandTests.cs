using System.Globalization;
using System.Text.Json;
using GpuExtract.Testing;

namespace GpuExtract.Cli.Tests;

/// <summary><c>info</c> and <c>psf spot</c>, checked against independent references.</summary>
public sealed class InspectionCommandTests(SimulatedInputs inputs) : IClassFixture<SimulatedInputs>
{
    [Fact]
    public void Info_ListsThePreprocHdusAndVerifiesChecksums()
    {
        var (code, stdout, stderr) = CliRunner.Run("info", inputs.Preproc, "--verify");
        Assert.True(code == 0, stderr);
        foreach (string name in new[] { "IMAGE", "IVAR", "MASK", "FIBERMAP", "TRUTH", "TRUTHWAVE" })
        {
            Assert.Contains(name, stdout);
        }
        Assert.Contains("(4128, 4114)", stdout);
        Assert.Contains("checksums: all HDUs verify", stdout);
    }

    [Fact]
    public void Info_OfAPsf_Summarises()
    {
        var (code, stdout, stderr) = CliRunner.Run("info", inputs.Psf);
        Assert.True(code == 0, stderr);
        Assert.Contains("PSF: GAUSS-HERMITE, fibers 0-499 (500)", stdout);
        Assert.Contains("HSIZEX 8, HSIZEY 5", stdout);
    }

    [Fact]
    public void Info_HeaderByName_PrintsItsCards()
    {
        var (code, stdout, _) = CliRunner.Run("info", inputs.Preproc, "--header", "IMAGE");
        Assert.Equal(0, code);
        Assert.Contains("CAMERA   = 'r0'", stdout);
        Assert.Contains("EXTNAME  = 'IMAGE'", stdout);
    }

    [Fact]
    public void Info_UnknownHdu_IsExitTwo()
    {
        var (code, _, stderr) = CliRunner.Run("info", inputs.Preproc, "--header", "NOPE");
        Assert.Equal(2, code);
        Assert.Contains("NOPE", stderr);
    }

    [Fact]
    public void Simulate_CompressMask_WritesRiceMaskThatInfoShowsAndExtractReads()
    {
        string preproc = Path.Combine(inputs.Directory, "compressed.fits");
        var (code, _, stderr) = CliRunner.Run("simulate", "-o", preproc, "--psf", inputs.Psf, "--fibers", "0-1", "-w", "6000,6020,0.8", "--compress-mask");
        Assert.True(code == 0, stderr);
        var (infoCode, stdout, _) = CliRunner.Run("info", preproc, "--verify");
        Assert.Equal(0, infoCode);
        Assert.Matches(@"MASK\s+compressed image\s+16\s+\(4128, 4114\) RICE_1", stdout);
        string frame = Path.Combine(inputs.Directory, "compressed-frame.fits");
        var (extractCode, _, extractErrors) = CliRunner.Run("extract", "-i", preproc, "-p", inputs.Psf, "-o", frame, "-w", "6004,6016,0.8", "-n", "2");
        Assert.True(extractCode == 0, extractErrors);
    }

    [SkippableFact]
    public void PsfSpot_Json_MatchesTheReferenceSpots()
    {
        string? psf = TestEnvironment.SharedFile("data/psf-r0-00051060.fits", out string why);
        Skip.If(psf is null, why);
        string? spots = TestEnvironment.SharedFile("reference/spots-psf-r0-00051060.json", out why);
        Skip.If(spots is null, why);
        using var reference = JsonDocument.Parse(File.ReadAllText(spots));
        int checkedSpots = 0;
        foreach (var spot in reference.RootElement.GetProperty("spots").EnumerateArray().Where((_, i) => i % 11 == 0))
        {
            int fiber = spot.GetProperty("fiber").GetInt32();
            double wavelength = spot.GetProperty("wavelength").GetDouble();
            var (code, stdout, stderr) = CliRunner.Run("psf", "spot", "--psf", psf, "--fiber", fiber.ToString(CultureInfo.InvariantCulture),
                "--wavelength", wavelength.ToString("R", CultureInfo.InvariantCulture), "--json");
            Assert.True(code == 0, stderr);
            using var ours = JsonDocument.Parse(stdout);
            Assert.Equal(spot.GetProperty("xmin").GetInt32(), ours.RootElement.GetProperty("xmin").GetInt32());
            Assert.Equal(spot.GetProperty("ymin").GetInt32(), ours.RootElement.GetProperty("ymin").GetInt32());
            // The reference's x, y to 1e-9 px and stamps to 1e-10 (the spot model's acceptance targets against the reference spots); the CLI prints round-trip doubles.
            Assert.Equal(spot.GetProperty("x").GetDouble(), ours.RootElement.GetProperty("x").GetDouble(), 1e-9);
            Assert.Equal(spot.GetProperty("y").GetDouble(), ours.RootElement.GetProperty("y").GetDouble(), 1e-9);
            var expectedRows = spot.GetProperty("stamp").EnumerateArray().ToArray();
            var actualRows = ours.RootElement.GetProperty("stamp").EnumerateArray().ToArray();
            Assert.Equal(expectedRows.Length, actualRows.Length);
            for (int r = 0; r < expectedRows.Length; r++)
            {
                double[] expected = [.. expectedRows[r].EnumerateArray().Select(v => v.GetDouble())];
                double[] actual = [.. actualRows[r].EnumerateArray().Select(v => v.GetDouble())];
                Assert.Equal(expected.Length, actual.Length);
                for (int c = 0; c < expected.Length; c++)
                {
                    Assert.True(Math.Abs(expected[c] - actual[c]) <= 1e-10, $"fiber {fiber} {wavelength} A pixel ({r},{c}): {expected[c]} vs {actual[c]}");
                }
            }
            checkedSpots++;
        }
        Assert.True(checkedSpots >= 5);
    }

    [Fact]
    public void PsfSpot_WavelengthOutsideThePsf_IsExitTwo()
    {
        var (code, _, stderr) = CliRunner.Run("psf", "spot", "--psf", inputs.Psf, "--fiber", "3", "--wavelength", "3000");
        Assert.Equal(2, code);
        Assert.Contains("outside the PSF's range", stderr);
    }
}
