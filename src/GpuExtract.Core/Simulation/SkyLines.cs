namespace GpuExtract.Core.Simulation;

/// <summary>
/// Bright night-sky emission lines over the DESI r camera (5550–7850 Å): air wavelengths [Å] and
/// total fluxes relative to [O I] 6300. Written for this project from the well-known features of
/// the optical night sky — [O I] 5577/6300/6364, Na D, and the OH Meinel bands (8-2) near 5900 Å,
/// (9-3) near 6300 Å, (6-1) near 6550 Å, (7-2) near 6900 Å, (8-3) near 7300 Å and (9-4) near
/// 7800 Å, which grow stronger to the red. Positions are rounded to 0.01 Å and strengths are
/// plausible dark-sky values: the list makes a realistic test load (many narrow, bright lines
/// beside a faint continuum), not a wavelength calibration.
/// </summary>
public static class SkyLines
{
    /// <summary>(air wavelength [Å], flux relative to [O I] 6300).</summary>
    public static (double Wavelength, double Strength)[] All { get; } =
    [
        (5577.34, 1.500), // [O I], below the r grid but inside the PSF's domain
        (5889.95, 0.150), // Na D2
        (5895.92, 0.100), // Na D1
        (5915.31, 0.012), // OH (8-2)
        (5932.86, 0.012),
        (5953.42, 0.010),
        (6257.96, 0.030), // OH (9-3)
        (6287.43, 0.040),
        (6300.30, 1.000), // [O I], the brightest line of the r band
        (6306.98, 0.025),
        (6329.93, 0.030),
        (6363.78, 0.330), // [O I], 1/3 of 6300 (same upper level)
        (6470.91, 0.020), // OH (6-1)
        (6498.73, 0.050),
        (6533.04, 0.070),
        (6553.62, 0.060),
        (6568.78, 0.040),
        (6577.28, 0.080),
        (6596.64, 0.050),
        (6604.28, 0.070),
        (6827.46, 0.050), // OH (7-2)
        (6834.00, 0.060),
        (6863.96, 0.120),
        (6912.62, 0.090),
        (6923.22, 0.140),
        (6939.52, 0.090),
        (6948.94, 0.120),
        (6969.93, 0.050),
        (6978.46, 0.060),
        (7276.41, 0.120), // OH (8-3)
        (7284.44, 0.060),
        (7303.72, 0.080),
        (7316.28, 0.220),
        (7329.15, 0.180),
        (7340.89, 0.220),
        (7358.67, 0.200),
        (7369.25, 0.140),
        (7401.69, 0.150),
        (7571.75, 0.050),
        (7750.64, 0.250), // OH (9-4)
        (7794.11, 0.300),
        (7808.47, 0.250),
        (7821.50, 0.250),
        (7853.23, 0.300),
    ];
}
