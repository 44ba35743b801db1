using GpuExtract.Core.Extraction;
using GpuExtract.Core.Psf;

namespace GpuExtract.Core.Planning;

/// <summary>
/// Divides a frame into patches exactly as the reference's <c>ex2d</c> does (DESIGN §1.3):
/// bundles → subbundles (with one neighbour fiber on each side) → wavelength blocks of NWaveStep
/// output bins, each fitted with pad bins derived from the trace, over a pixel box padded in y.
/// Matching it bin for bin matters: other layouts differ by up to ~0.4σ at patch edges.
/// </summary>
public static class PatchPlanner
{
    /// <summary>Plans every patch of the extraction described by <paramref name="options"/>.</summary>
    /// <exception cref="ExtractionInputException">the PSF does not cover the fibers or wavelengths, or options are invalid.</exception>
    public static PatchPlan Plan(GaussHermitePsf psf, ExtractionOptions options)
    {
        Validate(psf, options);
        double[] wavelengths = options.Wavelengths;
        int nwave = wavelengths.Length;
        double dw = options.WavelengthStep;
        int ndiag = HalfDiagonals(psf, dw);

        var patches = new List<PlannedPatch>();
        var stamp = new double[(2 * psf.HalfSizeY + 1) * (2 * psf.HalfSizeX + 1)];
        int specEnd = options.SpecMin + options.NSpec;
        for (int bundleLo = options.SpecMin; bundleLo < specEnd; bundleLo += options.BundleSize)
        {
            int bundleSize = Math.Min(options.BundleSize, specEnd - bundleLo);
            int subCount = Math.Min(options.NSubBundles, bundleSize);
            foreach (var own in SubBundles.Own(bundleSize, subCount))
            {
                var fitted = SubBundles.Fitted(own, bundleSize);
                int specLo = bundleLo + fitted.First;
                int specHi = specLo + fitted.Count;
                for (int iwave = 0; iwave < nwave; iwave += options.NWaveStep)
                {
                    // The core is exactly the NWaveStep bins iwave … iwave+NWaveStep−1 (fewer in the last block),
                    // and whi is the core's own last bin: this is what the reference frames (specter b8490d3) were
                    // made with; they agree with it to 4e-11 (small) and 3e-7 (bundle0) in pull. The older public
                    // ex2d source takes whi = wavelengths[iwave + wavesize], one bin past the core, and lets the
                    // next block overwrite that bin; doing so moves the box top and the upper pad and changes the
                    // top bins of every block by up to 0.07σ against the reference.
                    int last = Math.Min(iwave + options.NWaveStep, nwave) - 1;
                    double wlo = wavelengths[iwave];
                    double whi = wavelengths[last];
                    PixelBox core = psf.PixelRange(specLo, specHi, wlo, whi);

                    psf.Spot(specLo, wlo, stamp, out _, out _, out int spotRows, out _);
                    int extraRows = (int)Math.Round(options.PixPadFrac * spotRows, MidpointRounding.ToEven); // Python round()
                    int ylo = Math.Max(core.YMin - extraRows, 0);
                    int yhi = Math.Min(core.YMax + extraRows, psf.NPixY);
                    int wavePadRows = (int)(spotRows * options.WavePadFrac);
                    // The reference converts the padded rows back to wavelengths with its own inverse of
                    // the y-trace along the subbundle's first fiber; int() truncates toward zero.
                    int nlo = Math.Max((int)((wlo - psf.Wavelength(specLo, ylo - wavePadRows)) / dw) - 1, ndiag);
                    int nhi = Math.Max((int)((psf.Wavelength(specLo, yhi + wavePadRows) - whi) / dw) - 1, ndiag);
                    // numpy.arange(wlo − nlo·dw, whi + (nhi + ½)·dw, dw): nlo pad bins, the core, nhi pad bins.
                    int coreCount = last - iwave + 1;
                    int count = nlo + coreCount + nhi;
                    patches.Add(new PlannedPatch(specLo, fitted.Count, own.First - fitted.First, own.Count,
                        iwave - nlo, count, nlo, coreCount,
                        new PixelBox(core.XMin, core.XMax, ylo, yhi)));
                }
            }
        }

        int gridOffset = 0;
        int gridEnd = nwave;
        foreach (var p in patches)
        {
            gridOffset = Math.Max(gridOffset, -p.FirstWave);
            gridEnd = Math.Max(gridEnd, p.FirstWave + p.WaveCount);
        }
        var grid = new double[gridOffset + gridEnd];
        for (int g = 0; g < grid.Length; g++)
        {
            int k = g - gridOffset;
            grid[g] = k >= 0 && k < nwave ? wavelengths[k] : wavelengths[0] + k * dw;
        }

        var batch = new PatchBatch(patches.Count);
        for (int i = 0; i < patches.Count; i++)
        {
            var p = patches[i];
            batch.FiberStart[i] = p.FiberStart;
            batch.FiberCount[i] = p.FiberCount;
            batch.KeepFiberOffset[i] = p.KeepOffset;
            batch.KeepFiberCount[i] = p.KeepCount;
            batch.WaveStart[i] = p.FirstWave + gridOffset;
            batch.WaveCount[i] = p.WaveCount;
            batch.CoreOffset[i] = p.CoreOffset;
            batch.CoreCount[i] = p.CoreCount;
            batch.XMin[i] = p.Box.XMin;
            batch.XMax[i] = p.Box.XMax;
            batch.YMin[i] = p.Box.YMin;
            batch.YMax[i] = p.Box.YMax;
        }
        batch.ComputeOffsets();
        return new PatchPlan { Patches = batch, GridWavelengths = grid, GridOffset = gridOffset, HalfDiagonals = ndiag };
    }

    /// <summary>
    /// ndiag: the largest round(9·wdisp/dλ) over fibers {first, middle, last} and wavelengths
    /// {PSF min, middle, max}, capped by half the spot height and width (the reference's rule).
    /// </summary>
    public static int HalfDiagonals(GaussHermitePsf psf, double dw)
    {
        int ndiag = 0;
        int[] fibers = [psf.FiberMin, psf.FiberMin + psf.FiberCount / 2, psf.FiberMin + psf.FiberCount - 1];
        double[] waves = [psf.WaveMin, 0.5 * (psf.WaveMin + psf.WaveMax), psf.WaveMax];
        foreach (int fiber in fibers)
        {
            foreach (double w in waves)
            {
                ndiag = Math.Max(ndiag, (int)Math.Round(9.0 * psf.WDisp(fiber, w) / dw, MidpointRounding.ToEven));
            }
        }
        int rows = 2 * psf.HalfSizeY + 1;
        int cols = 2 * psf.HalfSizeX + 1;
        return Math.Min(ndiag, Math.Min(rows / 2, cols / 2));
    }

    private static void Validate(GaussHermitePsf psf, ExtractionOptions options)
    {
        double[] w = options.Wavelengths;
        if (w.Length < 2)
        {
            throw new ExtractionInputException($"the wavelength grid needs at least 2 bins, got {w.Length}");
        }
        double dw = options.WavelengthStep;
        for (int k = 1; k < w.Length; k++)
        {
            // The reference refuses non-linear grids (numpy.allclose of the differences).
            if (Math.Abs(w[k] - w[k - 1] - dw) > 1e-8 + 1e-5 * Math.Abs(dw))
            {
                throw new ExtractionInputException($"wavelength grid is not linear at bin {k} ({w[k - 1]} -> {w[k]} A, step {dw} A)");
            }
        }
        if (options.NSpec < 1 || options.SpecMin < psf.FiberMin || options.SpecMin + options.NSpec > psf.FiberMin + psf.FiberCount)
        {
            throw new ExtractionInputException(
                $"fibers {options.SpecMin}-{options.SpecMin + options.NSpec - 1} are not all in the PSF {psf.Source} (fibers {psf.FiberMin}-{psf.FiberMin + psf.FiberCount - 1})");
        }
        // A grid built as wmin + k·δ may end a rounding error (~1e-9 Å) past a range it was meant to fill.
        const double roundingSlack = 1e-6;
        if (w[0] < psf.WaveMin - roundingSlack || w[^1] > psf.WaveMax + roundingSlack)
        {
            throw new ExtractionInputException(
                $"wavelengths {w[0]}-{w[^1]} A are not covered by the PSF {psf.Source} ({psf.WaveMin}-{psf.WaveMax} A)");
        }
        if (options.BundleSize < 1 || options.NSubBundles < 1 || options.NSubBundles > options.BundleSize)
        {
            throw new ExtractionInputException($"nsubbundles must be in 1..bundlesize ({options.BundleSize}), got {options.NSubBundles}");
        }
        if (options.NWaveStep < 1)
        {
            throw new ExtractionInputException($"nwavestep must be positive, got {options.NWaveStep}");
        }
        if (options.PixPadFrac < 0 || options.WavePadFrac < 0 || options.Regularize < 0)
        {
            throw new ExtractionInputException("pixpad-frac, wavepad-frac and regularize must not be negative");
        }
    }

    private readonly record struct PlannedPatch(
        int FiberStart, int FiberCount, int KeepOffset, int KeepCount,
        int FirstWave, int WaveCount, int CoreOffset, int CoreCount, PixelBox Box);
}
