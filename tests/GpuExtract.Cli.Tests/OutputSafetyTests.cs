using System.Security.Cryptography;
using GpuExtract.Fits;
using GpuExtract.Testing;

namespace GpuExtract.Cli.Tests;

/// <summary>
/// No command may destroy its inputs or leave a partial result: outputs that name an input, another
/// output or a special file are refused with exit 2 before any work, and a run that fails writes
/// nothing under any output name. Inputs are copied per test so that a regression destroys a copy.
/// </summary>
public sealed class OutputSafetyTests(SimulatedInputs inputs) : IClassFixture<SimulatedInputs>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gpuextract-safety-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Copy(string source, string name)
    {
        string path = Path.Combine(_directory, name);
        File.Copy(source, path);
        return path;
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static (int Code, string Stdout, string Stderr) Extract(string preproc, string psf, string output, params string[] extra) =>
        CliRunner.Run(["extract", "-i", preproc, "-p", psf, "-o", output, "-w", "6010,6030,0.8", "-n", "2", "--backend", "cpu", .. extra]);

    private static void AssertOneLineExitTwo((int Code, string Stdout, string Stderr) run, params string[] mentions)
    {
        Assert.True(run.Code == 2, $"exit {run.Code}: {run.Stdout} {run.Stderr}");
        string message = run.Stderr.Trim();
        Assert.DoesNotContain('\n', message);
        foreach (string mention in mentions)
        {
            Assert.Contains(mention, message);
        }
    }

    [Fact]
    public void Extract_OutputThatIsTheInputPreprocOrPsf_IsRefusedAndTheInputKept()
    {
        string preproc = Copy(inputs.Preproc, "preproc.fits");
        string psf = Copy(inputs.Psf, "psf.fits");
        string preprocHash = Hash(preproc), psfHash = Hash(psf);
        AssertOneLineExitTwo(Extract(preproc, psf, preproc), preproc);
        AssertOneLineExitTwo(Extract(preproc, psf, psf), psf);
        Assert.Equal(preprocHash, Hash(preproc));
        Assert.Equal(psfHash, Hash(psf));
    }

    [Fact]
    public void Extract_OutputReachingAnInputThroughAnAlias_IsRefused()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "data"));
        string preproc = Copy(inputs.Preproc, "data/preproc.fits");
        string psf = Copy(inputs.Psf, "psf.fits");
        string hash = Hash(preproc);
        Directory.CreateSymbolicLink(Path.Combine(_directory, "alias"), Path.Combine(_directory, "data"));
        AssertOneLineExitTwo(Extract(preproc, psf, Path.Combine(_directory, "alias", "preproc.fits")));
        AssertOneLineExitTwo(Extract(preproc, psf, Path.Combine(_directory, "alias", "..", "data", "preproc.fits")));
        Assert.Equal(hash, Hash(preproc));
    }

    [Fact]
    public void Extract_FrameModelAndReportUnderOneName_AreRefused()
    {
        string frame = Path.Combine(_directory, "frame.fits");
        AssertOneLineExitTwo(Extract(inputs.Preproc, inputs.Psf, frame, "--model", frame));
        AssertOneLineExitTwo(Extract(inputs.Preproc, inputs.Psf, frame, "--json-report", frame));
        Assert.False(File.Exists(frame));
    }

    [Fact]
    public void Extract_ReportThatCannotBeWritten_LeavesNoFrame()
    {
        // The report's name is taken by a folder: found before the extraction, and no frame appears.
        string frame = Path.Combine(_directory, "frame.fits");
        string report = Path.Combine(_directory, "report.json");
        Directory.CreateDirectory(report);
        AssertOneLineExitTwo(Extract(inputs.Preproc, inputs.Psf, frame, "--json-report", report), report);
        Assert.False(File.Exists(frame), "the frame was written although the report could not be");
        Assert.Equal([report], Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public void Extract_SpecialFileAsOutput_IsRefusedAndKept()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        string fifo = Path.Combine(_directory, "fifo.fits");
        Assert.Equal(0, TestEnvironment.Run("mkfifo", [fifo]).ExitCode);
        AssertOneLineExitTwo(Extract(inputs.Preproc, inputs.Psf, fifo), fifo, "not a regular file");
        Assert.Equal(FileKind.Fifo, FileStatus.Of(fifo, followLinks: false).Kind);
        if (Environment.UserName == "root")
        {
            // A character device of our own (the numbers of /dev/null): it must not be replaced by a file.
            string device = Path.Combine(_directory, "null.fits");
            Assert.Equal(0, TestEnvironment.Run("mknod", [device, "c", "1", "3"]).ExitCode);
            AssertOneLineExitTwo(Extract(inputs.Preproc, inputs.Psf, device), device, "device");
            Assert.Equal(FileKind.CharacterDevice, FileStatus.Of(device, followLinks: false).Kind);
        }
    }

    [Fact]
    public void Extract_EmptyOutputName_IsExitTwo()
    {
        AssertOneLineExitTwo(Extract(inputs.Preproc, inputs.Psf, ""));
    }

    [Fact]
    public void Extract_FifoOrDirectoryAsInput_IsExitTwoWithoutHanging()
    {
        string frame = Path.Combine(_directory, "frame.fits");
        string fifo = Path.Combine(_directory, "preproc.fits");
        Assert.Equal(0, TestEnvironment.Run("mkfifo", [fifo]).ExitCode);
        AssertOneLineExitTwo(Extract(fifo, inputs.Psf, frame), fifo, "FIFO");
        AssertOneLineExitTwo(Extract(inputs.Preproc, _directory, frame), _directory, "directory");
        Assert.False(File.Exists(frame));
    }

    [Fact]
    public void Extract_StaleTemporaryFilesOfAKilledRunAreRemoved()
    {
        string frame = Path.Combine(_directory, "frame.fits");
        string stale = Path.Combine(_directory, ".frame.fits.0123456789abcdef0123456789abcdef.tmp");
        File.WriteAllText(stale, "left by kill -9");
        var run = Extract(inputs.Preproc, inputs.Psf, frame);
        Assert.True(run.Code == 0, run.Stderr);
        Assert.False(File.Exists(stale), "the stale temporary file is still there");
        Assert.Equal([frame], Directory.GetFileSystemEntries(_directory));
    }
}
