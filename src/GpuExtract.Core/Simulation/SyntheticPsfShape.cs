namespace GpuExtract.Core.Simulation;

/// <summary>
/// Figures measured on the real DESI PSF ../shared/data/psf-r0-00051060.fits (specex GAUSS-HERMITE,
/// PSFVER 3, camera r0, 500 fibers) with astropy and numpy, and written here by hand; no file is read
/// at run time. s ∈ [−1, 1] is a fiber's position across the CCD (<see cref="FiberLayout.Position"/>),
/// u ∈ [−1, 1] the Legendre argument of wavelength.
/// </summary>
/// <remarks>
/// How they were measured:
/// <list type="bullet">
/// <item>Fiber layout: least squares of XTRACE coefficient 0 against (1, fiber, fiber // 25) over the
/// 500 fibers gave 119.948 + 7.2712·fiber + 10.2964·bundle [pixel]; the mean pitch inside bundles
/// at u = 0 is 7.263 px (7.21 at the centre, 7.31 at the edges) and the mean step across a bundle gap
/// 17.76 px (16.6–19.8).</item>
/// <item>Traces (Legendre degree 6 over 5543–7826 Å, as the file): each of the 7 XTRACE coefficients
/// (coefficient 0 after removing the layout) and of the 7 YTRACE coefficients was fitted as a cubic
/// in s; residual rms ≤ 0.76 px (XTRACE 0), ≤ 0.6 px for the others. The result: y runs from about
/// −6 (edge fibers) / −114 (centre) at 5543 Å to 4312 / 4179 at 7826 Å, 1.73–2.06 px/Å (0.53 Å/px
/// at mid range), with the 119 px "smile" between centre and edge fibers; x bows by up to 12 px over
/// the wavelength range at the edges and 1 px at the centre.</item>
/// <item>PSF parameters (LEGDEG 3, i.e. 4 coefficients, over 5543–7827 Å): each Legendre coefficient k
/// of each parameter was fitted as a quadratic a + b·s + c·s² over the 500 fibers. GHSIGX, GHSIGY are
/// kept whole; of the 192 GH-i-j fits (GH-0-0 aside) the 65 with max(|a|, |b|, |c|) ≥ 0.004 are
/// kept — the others are below 0.4 % of the core. GH-0-0 is 1 (the real file has 1 plus
/// higher Legendre terms equal to GHSIGY's, which only rescale the core against the other terms).
/// TAILAMP is 0 everywhere in the real file (TAILCORE 1, TAILXSCA 1, TAILYSCA 1, TAILINDE 2).</item>
/// </list>
/// </remarks>
public static class SyntheticPsfShape
{
    /// <summary>XTRACE coefficient 0 = <see cref="LayoutOrigin"/> + <see cref="FiberPitch"/>·fiber + <see cref="BundleStep"/>·bundle [pixel].</summary>
    public const double LayoutOrigin = 119.948;

    /// <summary>Step between neighbouring fibers of a bundle [pixel] (XTRACE coefficient 0).</summary>
    public const double FiberPitch = 7.2712;

    /// <summary>Extra step at each bundle gap [pixel]: fibers 24 and 25 are 7.27 + 10.30 = 17.57 px apart.</summary>
    public const double BundleStep = 10.2964;

    /// <summary>
    /// XTRACE Legendre coefficients 0–6 (coefficient 0 on top of the layout) as cubics in s:
    /// coefficient k = Σₙ XTrace[k, n]·sⁿ [pixel].
    /// </summary>
    public static readonly double[,] XTrace =
    {
        { -0.5242, -4.6280, 1.5585, 7.6476 },
        { -0.5083, 4.7763, 0.0190, 1.2612 },
        { -0.0206, 14.6231, 0.4554, -12.1988 },
        { 0.0065, 1.2115, -0.0023, -1.3245 },
        { 0.0578, -3.3869, -0.0973, 1.5760 },
        { 0.0069, -0.4770, -0.0284, 0.3525 },
        { 0.0075, 0.2284, -0.0125, 0.0311 },
    };

    /// <summary>YTRACE Legendre coefficients 0–6 as cubics in s: coefficient k = Σₙ YTrace[k, n]·sⁿ [pixel].</summary>
    public static readonly double[,] YTrace =
    {
        { 1972.7069, 1.7136, 118.8067, -2.0833 },
        { 2138.4222, -0.2431, 19.8512, 0.2239 },
        { 58.9996, -0.0500, 3.0746, 0.1758 },
        { 10.7148, 0.3803, -7.6964, -0.2787 },
        { 1.3945, -0.0657, -1.1464, 0.1760 },
        { -2.2475, -0.0001, 0.9589, -0.0817 },
        { -0.3188, -0.0535, 0.3179, 0.1091 },
    };

    /// <summary>Wavelength domain of XTRACE/YTRACE [Å], as the real file.</summary>
    public const double TraceWaveMin = 5543.0, TraceWaveMax = 7826.0;

    /// <summary>Wavelength domain of the PSF table [Å]; the real file's is 1 Å wider than its traces'.</summary>
    public const double ParameterWaveMin = 5543.0, ParameterWaveMax = 7827.0;

    /// <summary>Legendre degree of the PSF parameters (LEGDEG).</summary>
    public const int ParameterDegree = 3;

    /// <summary>One Legendre coefficient of a PSF parameter as a quadratic in s: A + B·s + C·s².</summary>
    public readonly record struct Term(string Parameter, int Coefficient, double A, double B, double C);

    /// <summary>Non-zero terms of GHSIGX, GHSIGY [pixel] and GH-i-j (GH-0-0 = 1 is implied).</summary>
    public static readonly Term[] Terms =
    [
        new("GHSIGX", 0, 1.0426, 0.0057, -0.0083),
        new("GHSIGX", 1, -0.0092, 0.0047, 0.0673),
        new("GHSIGX", 2, -0.0803, -0.0131, 0.1069),
        new("GHSIGX", 3, 0.0112, 0.0016, 0.0363),
        new("GHSIGY", 0, 1.1198, 0.0049, -0.0061),
        new("GHSIGY", 1, 0.0951, 0.0153, -0.0049),
        new("GHSIGY", 2, -0.0086, -0.0156, 0.0449),
        new("GHSIGY", 3, -0.0222, 0.0047, 0.0147),
        new("GH-1-0", 0, -0.0004, 0.0097, -0.0001),
        new("GH-1-0", 1, 0.0009, 0.0112, 0.0003),
        new("GH-1-0", 2, -0.0085, 0.0321, 0.0024),
        new("GH-2-0", 0, -0.0074, -0.0057, 0.0175),
        new("GH-2-0", 1, 0.0045, -0.0018, 0.0066),
        new("GH-2-0", 2, 0.0100, 0.0045, -0.0325),
        new("GH-2-0", 3, -0.0033, -0.0016, 0.0128),
        new("GH-3-0", 0, 0.0000, 0.0087, 0.0002),
        new("GH-3-0", 1, -0.0001, 0.0070, -0.0038),
        new("GH-3-0", 2, -0.0007, 0.0156, -0.0088),
        new("GH-4-0", 0, -0.0004, 0.0007, -0.0043),
        new("GH-4-0", 1, 0.0015, 0.0003, 0.0074),
        new("GH-4-0", 2, -0.0199, -0.0040, 0.0183),
        new("GH-6-0", 0, 0.0056, 0.0001, -0.0006),
        new("GH-0-1", 0, -0.0095, 0.0000, 0.0251),
        new("GH-0-1", 1, 0.0081, -0.0075, 0.0161),
        new("GH-0-1", 2, 0.0152, 0.0038, -0.0064),
        new("GH-0-1", 3, 0.0248, -0.0075, -0.0253),
        new("GH-1-1", 0, -0.0116, 0.0889, 0.0235),
        new("GH-1-1", 1, -0.0107, 0.0927, 0.0016),
        new("GH-1-1", 2, 0.0096, -0.0868, 0.0045),
        new("GH-1-1", 3, -0.0100, 0.0366, 0.0065),
        new("GH-2-1", 0, -0.0144, 0.0042, 0.0227),
        new("GH-2-1", 1, 0.0067, 0.0057, 0.0146),
        new("GH-2-1", 2, 0.0251, -0.0019, -0.0104),
        new("GH-2-1", 3, 0.0186, -0.0016, -0.0385),
        new("GH-3-1", 0, -0.0004, -0.0101, 0.0009),
        new("GH-3-1", 1, -0.0028, 0.0059, 0.0079),
        new("GH-4-1", 0, -0.0008, 0.0001, 0.0044),
        new("GH-4-1", 3, 0.0013, -0.0002, -0.0057),
        new("GH-0-2", 0, 0.0264, -0.0045, 0.0072),
        new("GH-0-2", 1, 0.0171, -0.0008, 0.0251),
        new("GH-0-2", 2, -0.0191, 0.0029, -0.0030),
        new("GH-0-2", 3, 0.0083, -0.0024, 0.0299),
        new("GH-1-2", 0, 0.0016, 0.0128, -0.0042),
        new("GH-1-2", 1, -0.0035, 0.0137, 0.0064),
        new("GH-1-2", 2, -0.0040, 0.0374, 0.0033),
        new("GH-1-2", 3, -0.0052, 0.0073, 0.0063),
        new("GH-2-2", 0, -0.0090, -0.0015, 0.0024),
        new("GH-2-2", 1, 0.0097, -0.0014, 0.0193),
        new("GH-2-2", 2, -0.0279, -0.0002, 0.0147),
        new("GH-2-2", 3, -0.0046, -0.0006, 0.0161),
        new("GH-3-2", 1, -0.0011, 0.0043, 0.0031),
        new("GH-3-2", 2, -0.0002, 0.0075, -0.0002),
        new("GH-4-2", 0, 0.0125, -0.0006, 0.0009),
        new("GH-4-2", 2, 0.0007, 0.0007, -0.0049),
        new("GH-0-3", 0, -0.0117, 0.0000, 0.0167),
        new("GH-0-3", 1, 0.0134, -0.0031, 0.0094),
        new("GH-0-3", 2, 0.0049, 0.0013, 0.0028),
        new("GH-0-3", 3, 0.0146, -0.0014, -0.0174),
        new("GH-1-3", 1, -0.0020, 0.0199, -0.0002),
        new("GH-1-3", 2, 0.0016, -0.0059, -0.0028),
        new("GH-1-3", 3, -0.0003, 0.0089, -0.0008),
        new("GH-2-3", 0, -0.0015, 0.0003, 0.0063),
        new("GH-2-3", 2, 0.0053, -0.0014, 0.0042),
        new("GH-2-3", 3, 0.0064, 0.0002, -0.0091),
        new("GH-3-3", 0, 0.0001, 0.0046, 0.0000),
        new("GH-0-4", 0, 0.0097, 0.0002, -0.0033),
        new("GH-0-4", 1, 0.0076, -0.0004, 0.0061),
        new("GH-0-4", 2, -0.0080, -0.0007, 0.0024),
        new("GH-0-4", 3, -0.0010, 0.0010, 0.0062),
        new("GH-1-4", 1, -0.0006, 0.0055, -0.0001),
        new("GH-1-4", 2, -0.0005, 0.0043, 0.0005),
        new("GH-2-4", 0, 0.0123, -0.0005, 0.0030),
        new("GH-0-6", 0, 0.0066, 0.0002, -0.0005),
    ];
}
