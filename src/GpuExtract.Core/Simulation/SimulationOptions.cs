namespace GpuExtract.Core.Simulation;

/// <summary>What to simulate: fibers, wavelength grid, exposure, noise and defects.</summary>
public sealed record SimulationOptions
{
    /// <summary>First fiber simulated (SPECMIN).</summary>
    public int FiberMin { get; init; }

    /// <summary>Number of fibers simulated (NSPEC).</summary>
    public int FiberCount { get; init; } = 25;

    /// <summary>Extraction grid WMIN [Å].</summary>
    public double WaveMin { get; init; } = 5760.0;

    /// <summary>Extraction grid WMAX [Å].</summary>
    public double WaveMax { get; init; } = 7620.0;

    /// <summary>Extraction grid step DW [Å].</summary>
    public double WaveStep { get; init; } = 0.8;

    /// <summary>
    /// Light is simulated this far beyond both ends of the extraction grid [Å] (SIMPAD; rounded to
    /// whole bins), so the extraction meets light beyond its edges as in real data.
    /// </summary>
    public double SimulationPad { get; init; } = 20.0;

    /// <summary>Seed of the noise, cosmic rays and bad columns (SEED); the objects do not depend on it.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Exposure time [s] (EXPTIME); sky and object fluxes scale as EXPTIME/900.</summary>
    public double ExposureTime { get; init; } = 900.0;

    /// <summary>Cosmic-ray hits; null for the default, 2 per fiber (50 for a bundle, as the reference's bundle0).</summary>
    public int? CosmicCount { get; init; }

    /// <summary>Hot columns (MASK bit HOT = 2) across the simulated region.</summary>
    public int BadColumnCount { get; init; } = 1;

    /// <summary>Excess charge of a hot column [electron per pixel] (BADCOLDN).</summary>
    public double BadColumnExcess { get; init; } = 40.0;

    /// <summary>Gaussian read noise [electron] (RDNOISE).</summary>
    public double ReadNoise { get; init; } = 3.0;

    /// <summary>
    /// False (default): IVAR = 1/(RDNOISE² + max(model, 0)) from the noiseless model, unbiased.
    /// True: from the noisy image, as DESI's preproc does and the reference files were made (IVARMODL).
    /// </summary>
    public bool IvarFromImage { get; init; }

    /// <summary>Worker threads; 0 = all cores. The pixels do not depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>CAMERA keyword.</summary>
    public string Camera { get; init; } = "r0";

    /// <summary>NIGHT keyword (fictitious, as the reference's).</summary>
    public int Night { get; init; } = 20201214;

    /// <summary>
    /// Write the preproc as DESI's pipeline does for a science exposure: a FIBERMAP row for each of the
    /// petal's 500 fibers (FIBER = 500·spectrograph + row, TARGETID, TARGET_RA/DEC; header with TILEID and the
    /// pointing) and HDU-0 pointing, time and CCD keywords (TARGTRA/TARGTDEC, SKYRA, TELRA, MJD-OBS,
    /// DATE-OBS, TILEID, CCDSIZE, CCDSECA–D, OBSRDNA–D, …), so frames can be checked as desispec reads them.
    /// </summary>
    public bool DesiLayout { get; init; }

    /// <summary>Number of cosmic hits actually simulated.</summary>
    public int EffectiveCosmicCount => CosmicCount ?? 2 * FiberCount;
}
