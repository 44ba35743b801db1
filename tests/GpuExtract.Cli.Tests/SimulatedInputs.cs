namespace GpuExtract.Cli.Tests;

/// <summary>
/// A small simulated preproc image and its synthetic PSF, made once per test class by the real
/// <c>gpuextract simulate</c> (fibers 0–4, 6000–6100 Å).
/// </summary>
public sealed class SimulatedInputs : IDisposable
{
    public SimulatedInputs()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("gpuextract-cli-").FullName;
        Preproc = Path.Combine(Directory, "preproc.fits");
        Psf = Path.Combine(Directory, "psf.fits");
        var (code, stdout, stderr) = CliRunner.Run("simulate", "-o", Preproc, "--synthetic-psf", Psf, "--fibers", "0-4", "-w", "6000,6100,0.8", "--seed", "3");
        Assert.True(code == 0, $"simulate failed ({code}): {stdout} {stderr}");
    }

    public string Directory { get; }
    public string Preproc { get; }
    public string Psf { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
