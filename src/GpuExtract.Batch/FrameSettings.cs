using GpuExtract.Core.Extraction;

namespace GpuExtract.Batch;

/// <summary>
/// The extraction settings a batch may choose per frame; null means "not said here", so layers of
/// settings (manifest row, command line, camera presets) combine with <see cref="Or"/>.
/// </summary>
public sealed record FrameSettings
{
    /// <summary>No setting at all: everything falls through to the PSF's defaults.</summary>
    public static FrameSettings None { get; } = new();

    /// <summary>Output wavelength grid; null = the PSF's range at 0.8 Å.</summary>
    public WavelengthRange? Wavelength { get; init; }

    /// <summary>Fractional PSF model error for CHI2PIX; null = PSFERR of the PSF file.</summary>
    public double? PsfError { get; init; }

    /// <summary>First fiber to extract; null = the PSF's first fiber.</summary>
    public int? SpecMin { get; init; }

    /// <summary>Number of fibers to extract; null = every fiber of the PSF from SpecMin.</summary>
    public int? NSpec { get; init; }

    /// <summary>These settings, each one that is unset here taken from <paramref name="fallback"/>.</summary>
    public FrameSettings Or(FrameSettings fallback) => new()
    {
        Wavelength = Wavelength ?? fallback.Wavelength,
        PsfError = PsfError ?? fallback.PsfError,
        SpecMin = SpecMin ?? fallback.SpecMin,
        NSpec = NSpec ?? fallback.NSpec,
    };
}
