namespace GpuExtract.Core.Simulation;

/// <summary>Choices for <see cref="SyntheticPsf"/>; the defaults give a DESI r0-like PSF.</summary>
public sealed record SyntheticPsfOptions
{
    /// <summary>
    /// TAILAMP of every fiber and wavelength. Default 0 (no tail), as in the real r0 PSF the figures
    /// come from; a small value such as 0.01 adds the power-law wings of specex's tail model.
    /// </summary>
    public double TailAmplitude { get; init; }

    /// <summary>TAILCORE [pixel], TAILXSCA, TAILYSCA and TAILINDE: the real file's values.</summary>
    public double TailCore { get; init; } = 1.0;

    /// <inheritdoc cref="TailCore"/>
    public double TailXScale { get; init; } = 1.0;

    /// <inheritdoc cref="TailCore"/>
    public double TailYScale { get; init; } = 1.0;

    /// <inheritdoc cref="TailCore"/>
    public double TailIndex { get; init; } = 2.0;

    /// <summary>Hermite degrees GHDEGX, GHDEGY (the real PSF's 6; terms above these are dropped).</summary>
    public int GhDegX { get; init; } = 6;

    /// <inheritdoc cref="GhDegX"/>
    public int GhDegY { get; init; } = 6;
}
