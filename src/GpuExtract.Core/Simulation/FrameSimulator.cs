using GpuExtract.Core.Formats;
using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;
using GpuExtract.Fits;

namespace GpuExtract.Core.Simulation;

/// <summary>
/// Simulates a DESI preproc image as the reference data were made (../shared/reference/README.md §2.2):
/// sky and galaxy spectra (<see cref="SpectrumModel"/>) projected through a PSF
/// (<see cref="PhotonProjection"/>), Poisson and read noise (<see cref="PixelNoise"/>), a hot column and
/// cosmic-ray hits recorded in MASK with IVAR 0, over the region the spots cover plus a margin; the
/// rest of the full-size CCD is 0 with IVAR 0.
/// </summary>
public static class FrameSimulator
{
    /// <summary>Margin around the spots' pixels that is simulated too (the reference's: 8 columns, 16 rows).</summary>
    public const int MarginColumns = 8, MarginRows = 16;

    /// <summary>Simulates with the built-in synthetic PSF (<see cref="SyntheticPsf"/>).</summary>
    public static SimulatedFrame Simulate(SimulationOptions options) =>
        Simulate(SyntheticPsf.Default, options, SyntheticPsf.BuiltInName);

    /// <summary>Simulates a frame of <paramref name="options"/> through <paramref name="psf"/>.</summary>
    /// <param name="psf">The PSF (any GAUSS-HERMITE PSF: the synthetic one or a DESI file).</param>
    /// <param name="options">What to simulate.</param>
    /// <param name="psfName">Recorded as PSFFILE.</param>
    /// <exception cref="SimulationInputException">fibers or wavelengths outside the PSF, bad options.</exception>
    public static SimulatedFrame Simulate(GaussHermitePsf psf, SimulationOptions options, string psfName)
    {
        var grid = new SimulationGrid(options.WaveMin, options.WaveMax, options.WaveStep, options.SimulationPad);
        Validate(psf, options, grid);

        SimulatedTruth truth = SpectrumModel.Build(grid, options.FiberMin, options.FiberCount, options.ExposureTime);
        int npixX = psf.NPixX, npixY = psf.NPixY;
        var model = new double[(long)npixX * npixY];
        PixelBox spots = PhotonProjection.Project(psf, truth, model, options.Threads);
        PixelBox region = spots.PixelCount == 0
            ? spots
            : new PixelBox(
                Math.Max(spots.XMin - MarginColumns, 0), Math.Min(spots.XMax + MarginColumns, npixX),
                Math.Max(spots.YMin - MarginRows, 0), Math.Min(spots.YMax + MarginRows, npixY));

        var image = new float[model.Length];
        var ivar = new float[model.Length];
        var mask = new int[model.Length];
        PixelNoise.Apply(model, npixX, region, options.Seed, options.ReadNoise, options.IvarFromImage, image, ivar, options.Threads);

        // Defects draw from their own stream so that changing their number leaves the noise alone.
        var defects = new RandomStream(options.Seed, -1);
        var badColumns = new List<int>();
        if (region.PixelCount > 0)
        {
            for (int i = 0; i < options.BadColumnCount; i++)
            {
                int x = defects.NextInt(region.XMin, region.XMax);
                badColumns.Add(x);
                for (int y = region.YMin; y < region.YMax; y++)
                {
                    image[y * npixX + x] += (float)options.BadColumnExcess;
                    mask[y * npixX + x] |= CcdMaskBits.Hot;
                }
            }
        }
        List<CosmicRays.Deposit> cosmics = CosmicRays.Generate(ref defects, options.EffectiveCosmicCount, region);
        foreach (var deposit in cosmics)
        {
            int p = deposit.Y * npixX + deposit.X;
            image[p] += (float)deposit.Charge;
            mask[p] |= CcdMaskBits.Cosmic;
        }
        for (int p = 0; p < mask.Length; p++)
        {
            if (mask[p] != 0)
            {
                ivar[p] = 0f;
            }
        }

        var noiseless = new double[region.PixelCount];
        for (int y = region.YMin; y < region.YMax; y++)
        {
            model.AsSpan(y * npixX + region.XMin, region.Width).CopyTo(noiseless.AsSpan((y - region.YMin) * region.Width, region.Width));
        }
        int cosmicPixels = CountDistinctPixels(cosmics, npixX);
        FitsHeader header = Header(options, grid, psfName, region, cosmicPixels, badColumns);
        var preproc = new PreprocImage
        {
            NPixX = npixX,
            NPixY = npixY,
            Image = image,
            Ivar = ivar,
            Mask = mask,
            Header = header,
        };
        return new SimulatedFrame
        {
            Image = preproc,
            Truth = truth,
            Region = region,
            Noiseless = noiseless,
            BadColumns = badColumns.ToArray(),
            CosmicPixels = cosmicPixels,
            Options = options,
        };
    }

    private static void Validate(GaussHermitePsf psf, SimulationOptions options, SimulationGrid grid)
    {
        int psfLast = psf.FiberMin + psf.FiberCount - 1;
        if (options.FiberCount <= 0 || options.FiberMin < psf.FiberMin || options.FiberMin + options.FiberCount - 1 > psfLast)
        {
            throw new SimulationInputException(
                $"fibers {options.FiberMin}-{options.FiberMin + options.FiberCount - 1} are not within the PSF's fibers {psf.FiberMin}-{psfLast}");
        }
        GaussHermitePsfCoefficients c = psf.Coefficients;
        double domainMin = Math.Max(c.WaveMin, Math.Max(c.XTraceWaveMin, c.YTraceWaveMin));
        double domainMax = Math.Min(c.WaveMax, Math.Min(c.XTraceWaveMax, c.YTraceWaveMax));
        double first = grid.Wavelengths[0], last = grid.Wavelengths[^1];
        if (first < domainMin || last > domainMax)
        {
            throw new SimulationInputException(
                $"simulation wavelengths {first:0.###}-{last:0.###} A (the grid {grid.WaveMin:0.###}-{grid.WaveMax:0.###} A " +
                $"plus {grid.Pad:0.###} A each side) are outside the PSF's domain {domainMin:0.###}-{domainMax:0.###} A");
        }
        if (!(options.ExposureTime >= 0) || !double.IsFinite(options.ExposureTime))
        {
            throw new SimulationInputException($"exposure time {options.ExposureTime} s must be ≥ 0");
        }
        if (options.EffectiveCosmicCount < 0 || options.BadColumnCount < 0)
        {
            throw new SimulationInputException($"cosmic count {options.EffectiveCosmicCount} and bad column count {options.BadColumnCount} must be ≥ 0");
        }
        if (!(options.BadColumnExcess >= 0) || !double.IsFinite(options.BadColumnExcess))
        {
            throw new SimulationInputException($"bad column excess {options.BadColumnExcess} e must be ≥ 0");
        }
    }

    private static int CountDistinctPixels(List<CosmicRays.Deposit> deposits, int npixX)
    {
        var pixels = new HashSet<long>();
        foreach (var deposit in deposits)
        {
            pixels.Add((long)deposit.Y * npixX + deposit.X);
        }
        return pixels.Count;
    }

    /// <summary>The IMAGE header, with the reference's keywords (README §3.1).</summary>
    private static FitsHeader Header(SimulationOptions options, SimulationGrid grid, string psfName, PixelBox region, int cosmicPixels, List<int> badColumns)
    {
        var header = new FitsHeader();
        header.Set("CAMERA", options.Camera, "spectrograph camera");
        if (options.Camera.Length == 2 && char.IsAsciiDigit(options.Camera[1]))
        {
            header.Set("SPECGRPH", options.Camera[1] - '0', "spectrograph number");
        }
        header.Set("EXPID", 900000 + options.Seed, "fictitious exposure id: 900000 + SEED");
        header.Set("NIGHT", options.Night, "fictitious night");
        header.Set("FLAVOR", "science");
        header.Set("OBSTYPE", "SCIENCE");
        header.Set("EXPTIME", options.ExposureTime, "exposure time [s]");
        header.Set("RDNOISE", options.ReadNoise, "read noise [electron]");
        foreach (string amplifier in new[] { "A", "B", "C", "D" })
        {
            header.Set("RDNOISE" + amplifier, options.ReadNoise, $"read noise of amplifier {amplifier} [electron]");
        }
        header.Set("GAIN", 1.0, "the image is in electrons");
        header.Set("SIMULATD", true, "simulated by gpuextract simulate");
        header.Set("PSFFILE", psfName, "PSF the spectra were projected with");
        header.Set("SEED", options.Seed, "random seed of noise, cosmics and bad columns");
        header.Set("SPECMIN", options.FiberMin, "first simulated fiber");
        header.Set("NSPEC", options.FiberCount, "number of simulated fibers");
        header.Set("WMIN", grid.WaveMin, "extraction grid start [Angstrom]");
        header.Set("WMAX", grid.WaveMax, "extraction grid end [Angstrom]");
        header.Set("DW", grid.WaveStep, "extraction grid step [Angstrom]");
        header.Set("SIMPAD", grid.Pad, "light simulated beyond the grid [Angstrom]");
        header.Set("NCOSMIC", options.EffectiveCosmicCount, "cosmic-ray hits (MASK bit 16)");
        header.Set("NCOSPIX", cosmicPixels, "pixels hit by cosmic rays");
        header.Set("NBADCOL", badColumns.Count, "hot columns (MASK bit 2)");
        header.Set("BADCOL", badColumns.Count > 0 ? badColumns[0] : -1, "first hot column, -1 if none");
        header.Set("BADCOLDN", badColumns.Count > 0 ? options.BadColumnExcess : 0.0, "hot column excess [electron]");
        header.Set("IVARMODL", !options.IvarFromImage, "IVAR from the noiseless model (T) or the image (F)");
        header.Set("SIMXMIN", region.XMin, "simulated region: first column");
        header.Set("SIMXMAX", region.XMax, "simulated region: last column + 1");
        header.Set("SIMYMIN", region.YMin, "simulated region: first row");
        header.Set("SIMYMAX", region.YMax, "simulated region: last row + 1");
        if (options.DesiLayout)
        {
            DesiKeywords.AddTo(header, options);
        }
        return header;
    }
}
