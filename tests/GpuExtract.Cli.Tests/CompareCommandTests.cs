using System.Text.Json;
using GpuExtract.Cli;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Validation;
using GpuExtract.Cpu;
using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Cuda.Tests.Pipeline;

namespace GpuExtract.Cli.Tests;

public sealed class CompareCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"gpuextract-compare-{Guid.NewGuid():N}");

    public CompareCommandTests()
    {
        Directory.CreateDirectory(_directory);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Frame Extract()
    {
        using var cpu = new CpuBackend(2, LapackProvider.CreateFactory(LapackChoice.Auto, out _));
        return FrameExtraction.Run(SmallFrame.Instance.Image, SmallFrame.Instance.Psf, SmallFrame.Instance.Options(model: false), cpu).Frame;
    }

    /// <summary>A copy of <paramref name="frame"/> with one bin's flux moved by <paramref name="pull"/>/√ivar, one ivar scaled and one resolution entry shifted.</summary>
    private static Frame Perturbed(Frame frame, int bin, double pull, double ivarFactor, double resolutionShift)
    {
        double[] flux = (double[])frame.Flux.Clone();
        double[] ivar = (double[])frame.Ivar.Clone();
        double[] resolution = (double[])frame.Resolution.Clone();
        flux[bin] += pull / Math.Sqrt(frame.Ivar[bin]);
        ivar[bin + 1] *= ivarFactor;
        resolution[bin + 2] += resolutionShift;
        return frame with { Flux = flux, Ivar = ivar, Resolution = resolution };
    }

    [Fact]
    public void Compare_ReportsTheDifferencesAndExitsNonZeroOutsideTheLimits()
    {
        Frame frame = Extract();
        int bin = Array.FindIndex(frame.Ivar, v => v > 0) + 40;
        string reference = Path.Combine(_directory, "reference.fits");
        string close = Path.Combine(_directory, "close.fits");
        string far = Path.Combine(_directory, "far.fits");
        FrameFile.Write(reference, frame);
        FrameFile.Write(close, Perturbed(frame, bin, 5e-5, 1 + 5e-7, 5e-7));
        FrameFile.Write(far, Perturbed(frame, bin, 3e-4, 1 + 5e-7, 5e-7));

        // Files store float32: the comparison sees the perturbations to float32 rounding (~1e-7 relative).
        FrameAgreement same = FrameAgreement.Measure(FrameFile.Read(reference), FrameFile.Read(reference));
        Assert.Equal(0, same.MaxPull);
        Assert.Equal(0, same.MaxIvarRelative);
        FrameAgreement near = FrameAgreement.Measure(FrameFile.Read(close), FrameFile.Read(reference));
        Assert.InRange(near.MaxPull, 4.5e-5, 5.5e-5);
        Assert.InRange(near.MaxIvarRelative, 3e-7, 7e-7);
        Assert.InRange(near.MaxResolution, 3e-7, 7e-7);
        Assert.Equal(0, near.MaskDifferences);

        string json = Path.Combine(_directory, "close.json");
        Assert.Equal(0, Program.Run(["compare", close, reference, "--json", json], Console.Out, Console.Error));
        using (JsonDocument document = JsonDocument.Parse(File.ReadAllText(json)))
        {
            Assert.True(document.RootElement.GetProperty("pass").GetBoolean());
            Assert.InRange(document.RootElement.GetProperty("max_pull").GetDouble(), 4.5e-5, 5.5e-5);
        }
        Assert.Equal(1, Program.Run(["compare", far, reference], Console.Out, Console.Error));
        // The reference-code limits are far looser.
        Assert.Equal(0, Program.Run(["compare", far, reference, "--reference"], Console.Out, Console.Error));
    }

    [Fact]
    public void Compare_FramesOfDifferentShape_IsAnInputError()
    {
        Frame frame = Extract();
        Frame shorter = frame with { NSpec = frame.NSpec - 1 };
        var error = Assert.Throws<ExtractionInputException>(() => FrameAgreement.Measure(shorter, frame));
        Assert.Contains("differ in shape", error.Message);
    }

    [Fact]
    public void GpuBenchmark_OnTheCpu_WritesTheFiguresAsJson()
    {
        string preproc = Path.Combine(_directory, "preproc.fits");
        string psf = Path.Combine(_directory, "psf.fits");
        SmallFrame.Instance.Simulated.Write(preproc);
        Core.Psf.PsfWriter.Write(psf, SmallFrame.Instance.Psf.Coefficients);
        string json = Path.Combine(_directory, "bench.json");
        int code = Program.Run(
            ["gpu-benchmark", "-i", preproc, "-p", psf, "-w", "5760,5840,0.8", "--specmin", "0", "--nspec", "8", "--bundlesize", "8", "--backend", "cpu", "--threads", "2", "--repeat", "2", "--json", json], Console.Out, Console.Error);
        Assert.Equal(0, code);
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = document.RootElement;
        Assert.Equal(2, root.GetProperty("runs").GetArrayLength());
        Assert.Equal(8, root.GetProperty("nspec").GetInt32());
        Assert.Equal(101, root.GetProperty("nwave").GetInt32());
        double median = root.GetProperty("median_seconds_excluding_read").GetDouble();
        Assert.True(median > 0);
        Assert.Equal(3600 / median, root.GetProperty("frames_per_hour").GetDouble(), 6);
        Assert.StartsWith("cpu:", root.GetProperty("backend").GetString());
    }
}
