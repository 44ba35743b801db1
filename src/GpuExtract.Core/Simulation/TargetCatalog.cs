namespace GpuExtract.Core.Simulation;

/// <summary>
/// Which object each fiber sees, as the reference simulation assigns them (../shared/reference/README.md
/// §2.2): fibers with fiber % 3 == 0 see only sky, fiber % 3 == 1 an emission-line galaxy (ELG:
/// [O II] 3726/3729 doublet) and fiber % 3 == 2 a bright galaxy (BGS: Hβ, [O III], [N II], Hα,
/// [S II]); galaxies get a 2–15 e/Å power-law continuum and lines of 500–6000 e with σ_v 30–80 km/s.
/// Every property is drawn from a random stream of the fiber number alone, so fiber 7 carries the
/// same galaxy whatever fibers or noise seed are simulated.
/// </summary>
public static class TargetCatalog
{
    /// <summary>Seed of the per-fiber object streams (fixed: objects do not change with the noise seed).</summary>
    private const long ObjectSeed = 20201214;

    /// <summary>Speed of light [km/s].</summary>
    private const double SpeedOfLight = 299792.458;

    // Rest-frame air wavelengths [Å] of the galaxy lines.
    private const double OxygenII3726 = 3726.03, OxygenII3729 = 3728.82;
    private const double HydrogenBeta = 4861.33, OxygenIII4959 = 4958.91, OxygenIII5007 = 5006.84;
    private const double NitrogenII6548 = 6548.05, HydrogenAlpha = 6562.80, NitrogenII6583 = 6583.45;
    private const double SulfurII6716 = 6716.44, SulfurII6731 = 6730.82;

    /// <summary>The target of fiber <paramref name="fiber"/> (fluxes for 900 s).</summary>
    public static FiberTarget ForFiber(int fiber)
    {
        var random = new RandomStream(ObjectSeed, fiber);
        double throughput = 1.0 + 0.02 * (2 * random.NextDouble() - 1);
        switch (fiber % 3)
        {
            case 1:
                {
                    // [O II] in the r camera: z 0.6–1.05 puts 3727 Å at 5960–7640 Å.
                    double z = random.NextDouble(0.6, 1.05);
                    double sigmaV = random.NextDouble(30, 80);
                    double flux = random.NextDouble(500, 6000);
                    var continuum = new PowerLawContinuum(random.NextDouble(2, 15), 6700, random.NextDouble(-1.0, 0.5));
                    // Doublet ratio 3729/3726 ≈ 1.3 (low-density gas).
                    EmissionLine[] lines =
                    [
                        Line(OxygenII3726, z, sigmaV, flux * 0.43),
                        Line(OxygenII3729, z, sigmaV, flux * 0.57),
                    ];
                    return new FiberTarget(fiber, "ELG", z, throughput, continuum, lines);
                }
            case 2:
                {
                    // Hα in the r camera: z 0.02–0.16 puts 6563 Å at 6694–7613 Å, Hβ/[O III] near 4960–5810 Å.
                    double z = random.NextDouble(0.02, 0.16);
                    double sigmaV = random.NextDouble(30, 80);
                    double alpha = random.NextDouble(1500, 6000);
                    var continuum = new PowerLawContinuum(random.NextDouble(2, 15), 6700, random.NextDouble(0.5, 2.0));
                    double oxygenIII = alpha * random.NextDouble(0.1, 0.5);
                    double nitrogenII = alpha * random.NextDouble(0.2, 0.5);
                    EmissionLine[] lines =
                    [
                        Line(HydrogenBeta, z, sigmaV, alpha / 2.86),         // case-B Balmer decrement
                        Line(OxygenIII4959, z, sigmaV, oxygenIII / 2.98),    // fixed by atomic physics
                        Line(OxygenIII5007, z, sigmaV, oxygenIII),
                        Line(NitrogenII6548, z, sigmaV, nitrogenII / 2.94),  // fixed by atomic physics
                        Line(HydrogenAlpha, z, sigmaV, alpha),
                        Line(NitrogenII6583, z, sigmaV, nitrogenII),
                        Line(SulfurII6716, z, sigmaV, alpha * 0.12),
                        Line(SulfurII6731, z, sigmaV, alpha * 0.09),
                    ];
                    return new FiberTarget(fiber, "BGS", z, throughput, continuum, lines);
                }
            default:
                return new FiberTarget(fiber, "SKY", 0.0, throughput, new PowerLawContinuum(0, 6700, 0), []);
        }
    }

    /// <summary>A line of rest wavelength <paramref name="rest"/> [Å] at redshift z with velocity dispersion σ_v [km/s].</summary>
    private static EmissionLine Line(double rest, double z, double sigmaV, double flux)
    {
        double observed = rest * (1 + z);
        return new EmissionLine(observed, observed * sigmaV / SpeedOfLight, flux);
    }
}
