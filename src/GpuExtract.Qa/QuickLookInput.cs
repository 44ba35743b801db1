using GpuExtract.Core.Formats;
using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Validation;

namespace GpuExtract.Qa;

/// <summary>What the quick-look figures are made from: a frame, and optionally its image, model, PSF and truth.</summary>
public sealed record QuickLookInput
{
    /// <summary>The extracted frame.</summary>
    public required Frame Frame { get; init; }

    /// <summary>Its file name (titles and output names).</summary>
    public required string FrameName { get; init; }

    /// <summary>Fibers for the spectra and resolution figures and the residual region; null = first, middle, last.</summary>
    public IReadOnlyList<int>? Fibers { get; init; }

    /// <summary>The preproc image the frame was extracted from; the residual figure needs it and <see cref="Model"/> or <see cref="Psf"/>.</summary>
    public PreprocImage? Image { get; init; }

    /// <summary>The image's file name for titles; null = <see cref="PreprocImage.FileName"/>.</summary>
    public string? ImageName { get; init; }

    /// <summary>Model image [electron] (<c>extract --model</c>); shape [Image.NPixY, Image.NPixX]; null = the frame projected through <see cref="Psf"/> (<see cref="ProjectedModel"/>).</summary>
    public float[]? Model { get; init; }

    /// <summary>Where the model came from (the model file, or the PSF file that projects the frame), for the residual figure's title.</summary>
    public string ModelName { get; init; } = "model";

    /// <summary>The PSF: projects the frame into a model when no <see cref="Model"/> is given, and places the default residual region on the fibers' traces.</summary>
    public GaussHermitePsf? Psf { get; init; }

    /// <summary>The residual region; null = around the fibers (with a PSF) or the model's centre.</summary>
    public PixelBox? Region { get; init; }

    /// <summary>The simulation's input spectra; the pull figure needs them.</summary>
    public TruthSpectra? Truth { get; init; }

    /// <summary>Where the truth came from, for the pull figure's title.</summary>
    public string TruthName { get; init; } = "truth";
}
