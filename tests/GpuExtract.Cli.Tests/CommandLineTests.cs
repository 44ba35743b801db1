namespace GpuExtract.Cli.Tests;

public class CommandLineTests
{
    [Fact]
    public void Help_ListsEveryCommandAndExitsZero()
    {
        var (code, stdout, _) = CliRunner.Run("--help");
        Assert.Equal(0, code);
        foreach (var command in Program.Commands)
        {
            Assert.Contains(command.Name, stdout);
        }
    }

    [Fact]
    public void NoArguments_PrintsUsageAndExitsTwo()
    {
        var (code, stdout, _) = CliRunner.Run();
        Assert.Equal(2, code);
        Assert.Contains("Usage: gpuextract", stdout);
    }

    [Fact]
    public void UnknownCommand_IsAUsageError()
    {
        var (code, _, stderr) = CliRunner.Run("frobnicate");
        Assert.Equal(2, code);
        Assert.Equal("gpuextract: unknown command 'frobnicate' (see 'gpuextract --help')", stderr.Trim());
    }

    [Fact]
    public void UnknownOption_IsAOneLineUsageError()
    {
        var (code, _, stderr) = CliRunner.Run("info", "x.fits", "--bogus");
        Assert.Equal(2, code);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("unknown option '--bogus'", stderr);
    }

    [Fact]
    public void MissingRequiredOption_NamesIt()
    {
        var (code, _, stderr) = CliRunner.Run("extract", "-i", "a.fits", "-p", "b.fits");
        Assert.Equal(2, code);
        Assert.Contains("--output", stderr);
    }

    [Fact]
    public void MalformedNumber_NamesOptionAndValue()
    {
        var (code, _, stderr) = CliRunner.Run("extract", "-i", "a.fits", "-p", "b.fits", "-o", "c.fits", "--nsubbundles", "five");
        Assert.Equal(2, code);
        Assert.Contains("--nsubbundles", stderr);
        Assert.Contains("five", stderr);
    }

    [Theory]
    [InlineData("info")]
    [InlineData("extract")]
    [InlineData("psf", "spot")]
    public void CommandHelp_DescribesOptionsAndExitsZero(params string[] command)
    {
        var (code, stdout, _) = CliRunner.Run([.. command, "--help"]);
        Assert.Equal(0, code);
        Assert.Contains("Usage: gpuextract " + string.Join(' ', command), stdout);
        Assert.Contains("--verbose", stdout);
    }

    [Fact]
    public void MissingInputFile_IsExitTwoWithTheFileName()
    {
        var (code, _, stderr) = CliRunner.Run("info", "/nonexistent/file.fits");
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/file.fits", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
