namespace GpuExtract.Core.Simulation;

/// <summary>
/// Where the synthetic PSF puts its fibers across the CCD: DESI's 500 fibers in 20 bundles of 25,
/// with the pitch and bundle gaps of the real r0 PSF (<see cref="SyntheticPsfShape"/>).
/// </summary>
public static class FiberLayout
{
    /// <summary>Fibers per bundle on a DESI spectrograph.</summary>
    public const int BundleSize = 25;

    /// <summary>Fibers per DESI spectrograph.</summary>
    public const int FiberCount = 500;

    /// <summary>XTRACE coefficient 0 of <paramref name="fiber"/> before the smooth correction [pixel].</summary>
    public static double Column(int fiber) =>
        SyntheticPsfShape.LayoutOrigin + SyntheticPsfShape.FiberPitch * fiber + SyntheticPsfShape.BundleStep * (fiber / BundleSize);

    /// <summary>Position s ∈ [−1, 1] of <paramref name="fiber"/> across the CCD: −1 for fiber 0, +1 for fiber 499.</summary>
    public static double Position(int fiber)
    {
        double first = Column(0);
        double last = Column(FiberCount - 1);
        return (2 * Column(fiber) - first - last) / (last - first);
    }
}
