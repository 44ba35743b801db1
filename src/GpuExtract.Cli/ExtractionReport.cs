using System.Globalization;
using System.Text.Json;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;

namespace GpuExtract.Cli;

/// <summary>What one frame's extraction did: printed as a summary and written by <c>--json-report</c>.</summary>
public sealed record ExtractionReport(
    string Input, string Psf, string Output, string Backend, int Threads,
    int NSpec, int NWave, int Patches, int UnusablePixels, StageTimes Times)
{
    /// <summary>Spectrum-wavelengths extracted per second of extraction (read and write excluded).</summary>
    public double SpectrumWavelengthsPerSecond
    {
        get
        {
            double seconds = Times.Plan + Times.Spots + Times.Solve + Times.Assemble;
            return seconds > 0 ? NSpec * (double)NWave / seconds : 0;
        }
    }

    /// <summary>The human summary, a few lines.</summary>
    public string Summary()
    {
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"""
            extracted {NSpec} fibers x {NWave} wavelengths ({Patches} patches) -> {Output}
            backend: {Backend}, threads {Threads}
            seconds: read {Times.Read:0.00}, plan {Times.Plan:0.00}, spots {Times.Spots:0.00}, solve {Times.Solve:0.00}, assemble {Times.Assemble:0.00}, write {Times.Write:0.00}, total {Times.Total:0.00}
            throughput: {SpectrumWavelengthsPerSecond:0} spectrum-wavelengths/s
            """);
        return UnusablePixels > 0 ? summary + $"\nwarning: {UnusablePixels} pixels with non-finite or out-of-range IMAGE or IVAR were given weight 0 (|IMAGE| > {PreprocImage.MaxPixelMagnitude:g3} electron or IVAR > {PreprocImage.MaxIvar:g3})" : summary;
    }

    /// <summary>The same as JSON (for --json-report).</summary>
    public string ToJson()
    {
        var document = new Dictionary<string, object>
        {
            ["input"] = Input,
            ["psf"] = Psf,
            ["output"] = Output,
            ["backend"] = Backend,
            ["threads"] = Threads,
            ["nspec"] = NSpec,
            ["nwave"] = NWave,
            ["patches"] = Patches,
            ["unusable_pixels"] = UnusablePixels,
            ["seconds"] = new Dictionary<string, double>
            {
                ["read"] = Times.Read,
                ["plan"] = Times.Plan,
                ["spots"] = Times.Spots,
                ["solve"] = Times.Solve,
                ["assemble"] = Times.Assemble,
                ["write"] = Times.Write,
                ["total"] = Times.Total,
            },
            ["spectrum_wavelengths_per_second"] = SpectrumWavelengthsPerSecond,
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true });
    }
}
