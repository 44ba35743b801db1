namespace GpuExtract.Core.Simulation;

/// <summary>
/// The input spectra of a simulation: what each fiber received, per simulation bin, before the PSF
/// and the noise. TRUTH [electron/Å] = photons in the bin / DW, as the reference's TRUTH HDU.
/// </summary>
public sealed class SimulatedTruth
{
    /// <summary>First fiber (SPECMIN).</summary>
    public required int FiberMin { get; init; }

    /// <summary>The wavelength grids.</summary>
    public required SimulationGrid Grid { get; init; }

    /// <summary>Photons per simulation bin [electron]; shape [nspec, nsim].</summary>
    public required double[] Photons { get; init; }

    /// <summary>What each fiber looks at; shape [nspec].</summary>
    public required FiberTarget[] Targets { get; init; }

    /// <summary>Number of fibers (NSPEC).</summary>
    public int FiberCount => Targets.Length;

    /// <summary>TRUTHWAVE: simulation bin centres [Å]; shape [nsim].</summary>
    public double[] Wavelengths => Grid.Wavelengths;

    /// <summary>TRUTH: flux density [electron/Å] = photons per bin / DW; shape [nspec, nsim].</summary>
    public double[] FluxDensity()
    {
        var flux = new double[Photons.Length];
        double inverseStep = 1.0 / Grid.WaveStep;
        for (int i = 0; i < flux.Length; i++)
        {
            flux[i] = Photons[i] * inverseStep;
        }
        return flux;
    }

    /// <summary>Photons of fiber index <paramref name="spectrum"/> (0 … NSPEC−1) per bin; shape [nsim].</summary>
    public ReadOnlySpan<double> PhotonsOf(int spectrum) => Photons.AsSpan(spectrum * Grid.Count, Grid.Count);
}
