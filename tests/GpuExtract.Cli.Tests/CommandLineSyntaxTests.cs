using System.Text.Json;
using GpuExtract.Cli.Syntax;
using GpuExtract.Core.Extraction;
using GpuExtract.Cuda;

namespace GpuExtract.Cli.Tests;

/// <summary>What System.CommandLine brings: subcommand help, suggestions, response files; and the one-line backend choice.</summary>
public sealed class CommandLineSyntaxTests
{
    [Fact]
    public void GroupHelp_ListsItsSubcommandAndExitsZero()
    {
        var (code, stdout, stderr) = CliRunner.Run("psf", "--help");
        Assert.True(code == 0, stderr);
        Assert.StartsWith("Usage: gpuextract psf [command] [options]", stdout);
        Assert.Matches(@"\n\s+spot\s+Print the PSF spot", stdout);
    }

    [Fact]
    public void GroupWithoutSubcommand_IsAOneLineUsageError()
    {
        var (code, _, stderr) = CliRunner.Run("psf");
        Assert.Equal(2, code);
        Assert.Equal("gpuextract: 'psf' needs a command: spot (see 'gpuextract psf --help')", stderr.Trim());
    }

    [Fact]
    public void MistypedCommand_GetsASuggestion()
    {
        var (code, _, stderr) = CliRunner.Run("extarct", "-i", "a.fits");
        Assert.Equal(2, code);
        Assert.Equal("gpuextract: unknown command 'extarct'; did you mean 'extract'? (see 'gpuextract --help')", stderr.Trim());
    }

    [Fact]
    public void MistypedOption_GetsASuggestionInOneLine()
    {
        var (code, _, stderr) = CliRunner.Run("extract", "-i", "a.fits", "-p", "b.fits", "-o", "c.fits", "--bundelsize", "20");
        Assert.Equal(2, code);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("unknown option '--bundelsize' for 'extract'; did you mean '--bundlesize'?", stderr);
    }

    [Fact]
    public void DeviceSolver_IsListedByEveryExtractingCommand_AndTakesBandOrDense()
    {
        foreach (string command in (string[])["extract", "batch", "demo", "gpu-benchmark"])
        {
            var (helpCode, help, helpError) = CliRunner.Run(command, "--help");
            Assert.True(helpCode == 0, helpError);
            Assert.Matches(@"--device-solver <band\|dense>\s+how the GPU solves each patch", help);
        }
        var (code, stdout, stderr) = CliRunner.Run("extract", "-i", "a.fits", "-p", "b.fits", "-o", "c.fits", "--device-solver", "sparse");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("--device-solver", stderr);
        Assert.Contains("sparse", stderr);
    }

    [Fact]
    public void UnknownOption_OfASubcommand_IsExitTwo()
    {
        var (code, stdout, stderr) = CliRunner.Run("psf", "spot", "--psf", "p.fits", "--fiber", "1", "--wavelength", "6000", "--bogus");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal("gpuextract: unknown option '--bogus' for 'psf spot' (see 'gpuextract psf spot --help')", stderr.Trim());
    }

    [Fact]
    public void ResponseFile_SuppliesTheArguments()
    {
        string file = Path.Combine(Path.GetTempPath(), $"gpuextract-{Guid.NewGuid():N}.rsp");
        try
        {
            File.WriteAllText(file, "--json\n");
            var (code, stdout, stderr) = CliRunner.Run("devices", "@" + file);
            Assert.True(code == 0, stderr);
            using JsonDocument json = JsonDocument.Parse(stdout);
            Assert.True(json.RootElement.TryGetProperty("usable", out _));

            // The file's words are parsed as if typed: a bad value in it is reported with the option's name.
            File.WriteAllText(file, "-i a.fits\n-p b.fits\n-o c.fits\n--nsubbundles five\n");
            (code, _, stderr) = CliRunner.Run("extract", "@" + file);
            Assert.Equal(2, code);
            Assert.Contains("option --nsubbundles expects an integer >= 1, got 'five'", stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [SkippableFact]
    public void AutoBackend_WithoutAUsableGpu_SaysSoInOneShortLine()
    {
        CudaProbeResult probe = CudaProbe.Result;
        Skip.If(probe.Usable, "this machine has a usable GPU");
        var (_, stdout, stderr) = CliRunner.Run("demo", "--fibers", "0-0", "-w", "6000,6016,0.8", "--backend", "auto", "--threads", "1");
        string[] lines = stdout.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("backend: cpu (no usable GPU: see 'gpuextract devices')", lines);
        Assert.DoesNotContain(probe.Reason, stdout + stderr);
    }

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("--bundlesize", "--bundelsize", 1)]
    [InlineData("extract", "extract", 0)]
    [InlineData("", "abc", 3)]
    public void EditDistance_MatchesHandCountedEdits(string a, string b, int expected)
    {
        Assert.Equal(expected, TypoSuggestion.Distance(a, b));
        Assert.Equal(expected, TypoSuggestion.Distance(b, a));
    }

    [Fact]
    public void Suggestion_IsNoneForAnUnrelatedWord()
    {
        Assert.Null(TypoSuggestion.Closest("frobnicate", ["info", "psf", "extract", "simulate", "demo", "batch"]));
        Assert.Equal("simulate", TypoSuggestion.Closest("simul", ["info", "simulate", "demo"]));
    }

    [Fact]
    public void Values_ParseAsTyped()
    {
        Assert.Equal(new FiberRange(3, 5), FiberRange.TryParse("3-7"));
        Assert.Equal(new FiberRange(4, 1), FiberRange.TryParse("4"));
        Assert.Null(FiberRange.TryParse("7-3"));
        Assert.Equal(new WavelengthRange(5760, 7620, 0.8), WavelengthRange.TryParse("5760, 7620,0.8"));
        Assert.Null(WavelengthRange.TryParse("5760,7620"));
        Assert.Null(WavelengthRange.TryParse("5760,nan,0.8"));
        Assert.Equal("0-24", new FiberRange(0, 25).ToString());
        Assert.Equal("5760,7620,0.8", new WavelengthRange(5760, 7620, 0.8).ToString());
    }
}
