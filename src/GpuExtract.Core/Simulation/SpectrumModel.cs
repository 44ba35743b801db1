namespace GpuExtract.Core.Simulation;

/// <summary>
/// The spectra a simulated exposure puts into each fiber: the sky (<see cref="SkySpectrum"/>) on
/// every fiber plus the fiber's object (<see cref="TargetCatalog"/>), times its throughput and
/// EXPTIME/900 s, integrated exactly over each simulation bin.
/// </summary>
public static class SpectrumModel
{
    /// <summary>The truth for fibers <paramref name="fiberMin"/> … +<paramref name="fiberCount"/>−1 on <paramref name="grid"/>.</summary>
    /// <param name="grid">Wavelength grids.</param>
    /// <param name="fiberMin">First fiber.</param>
    /// <param name="fiberCount">Number of fibers.</param>
    /// <param name="exposureTime">EXPTIME [s].</param>
    public static SimulatedTruth Build(SimulationGrid grid, int fiberMin, int fiberCount, double exposureTime)
    {
        if (!(exposureTime >= 0) || !double.IsFinite(exposureTime))
        {
            throw new SimulationInputException($"exposure time {exposureTime} s must be ≥ 0");
        }
        int nsim = grid.Count;
        // The sky is the same on every fiber up to throughput: integrate its ~45 lines once.
        var sky = new double[nsim];
        SkySpectrum.AddTo(grid.Edges, sky, 1.0);
        double exposureScale = exposureTime / SkySpectrum.ReferenceExposure;
        var targets = new FiberTarget[fiberCount];
        var photons = new double[(long)fiberCount * nsim];
        for (int i = 0; i < fiberCount; i++)
        {
            targets[i] = TargetCatalog.ForFiber(fiberMin + i);
            targets[i].AddTo(grid.Edges, sky, photons.AsSpan(i * nsim, nsim), exposureScale);
        }
        return new SimulatedTruth { FiberMin = fiberMin, Grid = grid, Photons = photons, Targets = targets };
    }
}
