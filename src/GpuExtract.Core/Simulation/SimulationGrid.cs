namespace GpuExtract.Core.Simulation;

/// <summary>
/// The wavelength grids of a simulation: the extraction grid, NumPy's <c>arange(WMIN, WMAX + DW/2, DW)</c>,
/// and the simulation grid, the same extended by <see cref="PadBins"/> bins on each side
/// (TRUTHWAVE[j] = WMIN + DW·(j − PadBins), as the reference's). Each simulation bin's photons are
/// the spectrum integrated over [λ − DW/2, λ + DW/2] and land on the CCD at λ.
/// </summary>
public sealed class SimulationGrid
{
    public SimulationGrid(double waveMin, double waveMax, double waveStep, double pad)
    {
        if (!double.IsFinite(waveMin) || !double.IsFinite(waveMax) || !(waveStep > 0) || !(waveMax >= waveMin) || !double.IsFinite(waveStep))
        {
            throw new SimulationInputException($"wavelength grid {waveMin},{waveMax},{waveStep}: need WMIN ≤ WMAX and DW > 0");
        }
        if (!(pad >= 0) || !double.IsFinite(pad))
        {
            throw new SimulationInputException($"simulation pad {pad} Å must be ≥ 0");
        }
        WaveMin = waveMin;
        WaveMax = waveMax;
        WaveStep = waveStep;
        // NumPy's arange length: ceil((stop − start)/step) with stop = WMAX + DW/2.
        ExtractionCount = (int)Math.Ceiling((waveMax + waveStep / 2 - waveMin) / waveStep);
        PadBins = (int)Math.Round(pad / waveStep);
        Wavelengths = new double[ExtractionCount + 2 * PadBins];
        for (int j = 0; j < Wavelengths.Length; j++)
        {
            Wavelengths[j] = waveMin + waveStep * (j - PadBins);
        }
        Edges = new double[Wavelengths.Length + 1];
        for (int j = 0; j < Edges.Length; j++)
        {
            Edges[j] = waveMin + waveStep * (j - PadBins - 0.5);
        }
    }

    /// <summary>WMIN, WMAX, DW of the extraction grid [Å].</summary>
    public double WaveMin { get; }

    /// <inheritdoc cref="WaveMin"/>
    public double WaveMax { get; }

    /// <inheritdoc cref="WaveMin"/>
    public double WaveStep { get; }

    /// <summary>Bins of the extraction grid (nwave).</summary>
    public int ExtractionCount { get; }

    /// <summary>Extra simulation bins on each side.</summary>
    public int PadBins { get; }

    /// <summary>Simulation bin centres (TRUTHWAVE) [Å]; shape [nsim].</summary>
    public double[] Wavelengths { get; }

    /// <summary>Simulation bin edges [Å]; shape [nsim + 1].</summary>
    public double[] Edges { get; }

    /// <summary>Simulation bins (nsim).</summary>
    public int Count => Wavelengths.Length;

    /// <summary>Pad actually simulated [Å] (SIMPAD).</summary>
    public double Pad => PadBins * WaveStep;
}
