using GpuExtract.Core.Extraction;
using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;

namespace GpuExtract.Cpu.Tests.Extraction;

/// <summary>Shape of a synthetic frame: fibers on gently curved traces, spots normalised 2-D Gaussians.</summary>
public sealed record SyntheticFrameOptions
{
    /// <summary>Absolute number of the first fiber (non-zero on purpose, to catch indexing slips).</summary>
    public int FiberStart { get; init; } = 20;

    public int FiberCount { get; init; } = 7;

    /// <summary>Length of the frame-wide wavelength grid.</summary>
    public int GridCount { get; init; } = 120;

    /// <summary>Trace separation [pixel].</summary>
    public double FiberSpacing { get; init; } = 7.0;

    /// <summary>Trace advance per grid step along y [pixel].</summary>
    public double WaveStep { get; init; } = 1.2;

    /// <summary>Gaussian widths [pixel].</summary>
    public double SigmaX { get; init; } = 1.1;

    public double SigmaY { get; init; } = 1.0;

    /// <summary>
    /// Amplitude of a broad halo (1 + r²/9)⁻² relative to the core's peak, like a real PSF's wings: it keeps
    /// the light of a spot's outer stamp rows at ~1e-3 instead of the Gaussian's ~1e-6, so bins barely
    /// touching a box are not (numerically) unconstrained.
    /// </summary>
    public double Halo { get; init; } = 0.01;

    public int StampRows { get; init; } = 11;

    public int StampCols { get; init; } = 17;

    /// <summary>Margin of the CCD around the traces [pixel]; small or negative margins clip spots at the edges.</summary>
    public int MarginX { get; init; } = 12;

    public int MarginY { get; init; } = 10;

    /// <summary>Pixel noise: Gaussian with σ² = 9 + max(model, 0) when true; the noiseless model otherwise.</summary>
    public bool Noise { get; init; } = true;

    /// <summary>Fraction of pixels masked (weight 0, image NaN).</summary>
    public double MaskFraction { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>Wavelength runs down the CCD (y decreasing with grid index), the other way from DESI's.</summary>
    public bool ReverseY { get; init; }

    /// <summary>
    /// Stamp values rounded to multiples of 2⁻¹⁰ and integer truth ≤ ~220, so that A·truth (a sum of dyadic
    /// numbers within 24 significant bits) is exact in float32: a noiseless image then equals A·truth exactly.
    /// </summary>
    public bool ExactNoiseless { get; init; }
}

/// <summary>
/// A synthetic frame for solver tests: spots (as a <see cref="SpotTable"/>, fiber-major over the grid, the
/// layout <see cref="FrameInput.SpotIndex"/> reads), a true spectrum per fiber, and an image A·truth (+ noise)
/// with weights. No PSF model is involved: <see cref="FrameInput.Psf"/> is left null because the backend is
/// given these spots directly.
/// </summary>
public sealed class SyntheticFrame
{
    public SyntheticFrame(SyntheticFrameOptions options)
    {
        Options = options;
        int nf = options.FiberCount;
        int ng = options.GridCount;
        NPixX = (int)Math.Ceiling(2 * options.MarginX + options.FiberSpacing * (nf - 1)) + 1;
        NPixY = (int)Math.Ceiling(2 * options.MarginY + options.WaveStep * (ng - 1)) + 1;
        GridWavelengths = new double[ng];
        for (int g = 0; g < ng; g++)
        {
            GridWavelengths[g] = 6000.0 + 0.8 * g;
        }
        Spots = MakeSpots(options, NPixX, NPixY);
        Truth = MakeTruth(options);
        NoiselessImage = Project(Spots, Truth, NPixX, NPixY);
        (Image, Weight) = Observe(options, NoiselessImage);
    }

    public SyntheticFrameOptions Options { get; }

    public int NPixX { get; }

    public int NPixY { get; }

    public double[] GridWavelengths { get; }

    public SpotTable Spots { get; }

    /// <summary>True flux [electron per bin], fiber-major [FiberCount, GridCount] (spot index order).</summary>
    public double[] Truth { get; }

    /// <summary>A·truth over the CCD, row-major [NPixY, NPixX].</summary>
    public double[] NoiselessImage { get; }

    public float[] Image { get; }

    public float[] Weight { get; }

    /// <summary>The frame input over this frame's pixels (arrays shared) with the given options.</summary>
    public FrameInput Frame(int halfDiagonals = 5, double regularize = 0, bool decorrelateFibers = false,
        bool computeModel = true, double psfError = 0.01, float[]? image = null, float[]? weight = null) => new()
        {
            NPixX = NPixX,
            NPixY = NPixY,
            Image = image ?? Image,
            Weight = weight ?? Weight,
            Psf = null!, // spots are injected; the PSF is never evaluated in these tests
            FiberStart = Options.FiberStart,
            FiberCount = Options.FiberCount,
            GridWavelengths = GridWavelengths,
            HalfDiagonals = halfDiagonals,
            PsfError = psfError,
            Regularize = regularize,
            DecorrelateFibers = decorrelateFibers,
            ComputeModel = computeModel,
        };

    /// <summary>Spot index of (absolute fiber, grid index), the layout of <see cref="FrameInput.SpotIndex"/>.</summary>
    public int SpotIndex(int fiber, int g) => (fiber - Options.FiberStart) * Options.GridCount + g;

    /// <summary>
    /// The box covering every spot of fibers [fiberStart, fiberStart+fiberCount) at grid indices
    /// [waveLo, waveHi), widened by <paramref name="padRows"/> rows on each side and clipped to the CCD (ex2d's rule).
    /// </summary>
    public PixelBox CoveringBox(int fiberStart, int fiberCount, int waveLo, int waveHi, int padRows)
    {
        int x0 = int.MaxValue, x1 = int.MinValue, y0 = int.MaxValue, y1 = int.MinValue;
        for (int f = fiberStart; f < fiberStart + fiberCount; f++)
        {
            for (int g = waveLo; g < waveHi; g++)
            {
                int s = SpotIndex(f, g);
                if (Spots.Rows[s] == 0 || Spots.Cols[s] == 0)
                {
                    continue;
                }
                x0 = Math.Min(x0, Spots.XMin[s]);
                x1 = Math.Max(x1, Spots.XMin[s] + Spots.Cols[s]);
                y0 = Math.Min(y0, Spots.YMin[s]);
                y1 = Math.Max(y1, Spots.YMin[s] + Spots.Rows[s]);
            }
        }
        return new PixelBox(Math.Max(x0, 0), Math.Min(x1, NPixX), Math.Max(y0 - padRows, 0), Math.Min(y1 + padRows, NPixY));
    }

    /// <summary>An ex2d-like patch: fit fibers [fiberStart, +fiberCount) and keep [keepOffset, +keepCount), core
    /// grid indices [coreStart, +coreCount) with <paramref name="pad"/> extra bins each side (clipped to the grid),
    /// box covering the core wavelengths' spots widened by 9 rows (0.8 · 11).</summary>
    public PatchSpec ExtractionPatch(int fiberStart, int fiberCount, int keepOffset, int keepCount, int coreStart, int coreCount, int pad = 12)
    {
        int waveStart = Math.Max(coreStart - pad, 0);
        int waveEnd = Math.Min(coreStart + coreCount + pad, Options.GridCount);
        PixelBox box = CoveringBox(fiberStart, fiberCount, coreStart, coreStart + coreCount, 9);
        return new PatchSpec(fiberStart, fiberCount, keepOffset, keepCount, waveStart, waveEnd - waveStart,
            coreStart - waveStart, coreCount, box);
    }

    /// <summary>A batch of the given patches, offsets computed.</summary>
    public static PatchBatch Batch(params PatchSpec[] patches)
    {
        var batch = new PatchBatch(patches.Length);
        for (int p = 0; p < patches.Length; p++)
        {
            PatchSpec s = patches[p];
            batch.FiberStart[p] = s.FiberStart;
            batch.FiberCount[p] = s.FiberCount;
            batch.KeepFiberOffset[p] = s.KeepOffset;
            batch.KeepFiberCount[p] = s.KeepCount;
            batch.WaveStart[p] = s.WaveStart;
            batch.WaveCount[p] = s.WaveCount;
            batch.CoreOffset[p] = s.CoreOffset;
            batch.CoreCount[p] = s.CoreCount;
            batch.XMin[p] = s.Box.XMin;
            batch.XMax[p] = s.Box.XMax;
            batch.YMin[p] = s.Box.YMin;
            batch.YMax[p] = s.Box.YMax;
        }
        batch.ComputeOffsets();
        return batch;
    }

    /// <summary>Results sized for <paramref name="batch"/>.</summary>
    public static PatchResults ResultsFor(PatchBatch batch, FrameInput frame) =>
        new(batch.OutputCount, frame.HalfDiagonals, frame.ComputeModel ? batch.ModelCount : 0);

    private static SpotTable MakeSpots(SyntheticFrameOptions o, int nPixX, int nPixY)
    {
        int nf = o.FiberCount;
        int ng = o.GridCount;
        int rows = o.StampRows;
        int cols = o.StampCols;
        int halfRows = rows / 2;
        int halfCols = cols / 2;
        var spots = new SpotTable(nf * ng, rows, cols);
        var full = new double[rows * cols];
        for (int f = 0; f < nf; f++)
        {
            for (int g = 0; g < ng; g++)
            {
                int s = f * ng + g;
                double phase = 2 * Math.PI * g / ng;
                double cx = o.MarginX + o.FiberSpacing * f + 0.6 * Math.Sin(phase + 0.7 * f) + 0.3 * (g / (double)ng) * (g / (double)ng);
                double cy = o.MarginY + o.WaveStep * g + 0.25 * Math.Sin(0.9 * f) + 0.1 * Math.Sin(phase);
                cy = o.ReverseY ? nPixY - 1 - cy : cy;
                double sx = o.SigmaX * (1 + 0.05 * Math.Sin(phase + f));
                double sy = o.SigmaY * (1 + 0.04 * Math.Cos(phase - f));
                double tilt = 0.08 * Math.Sin(0.5 * f + phase);
                // Stamp origin with truncation toward zero, as the reference's int() does.
                int xmin = (int)(cx - halfCols + 0.5);
                int ymin = (int)(cy - halfRows + 0.5);
                double sum = 0;
                for (int r = 0; r < rows; r++)
                {
                    for (int c = 0; c < cols; c++)
                    {
                        double dx = xmin + c - cx;
                        double dy = ymin + r - cy;
                        double r2 = dx * dx + dy * dy;
                        double v = Math.Exp(-0.5 * (dx * dx / (sx * sx) + dy * dy / (sy * sy)) + tilt * dx * dy / (sx * sy))
                            + o.Halo / ((1 + r2 / 9) * (1 + r2 / 9));
                        full[r * cols + c] = v;
                        sum += v;
                    }
                }
                // Normalise over the full stamp, then clip to the CCD (the reference's order).
                int r0 = Math.Max(0, -ymin);
                int c0 = Math.Max(0, -xmin);
                int r1 = Math.Min(rows, nPixY - ymin);
                int c1 = Math.Min(cols, nPixX - xmin);
                spots.CenterX[s] = cx;
                spots.CenterY[s] = cy;
                if (r1 <= r0 || c1 <= c0)
                {
                    spots.XMin[s] = Math.Clamp(xmin, 0, nPixX);
                    spots.YMin[s] = Math.Clamp(ymin, 0, nPixY);
                    continue;
                }
                spots.XMin[s] = xmin + c0;
                spots.YMin[s] = ymin + r0;
                spots.Rows[s] = r1 - r0;
                spots.Cols[s] = c1 - c0;
                Span<double> stamp = spots.Stamp(s);
                for (int r = r0; r < r1; r++)
                {
                    for (int c = c0; c < c1; c++)
                    {
                        double value = full[r * cols + c] / sum;
                        stamp[(r - r0) * cols + (c - c0)] = o.ExactNoiseless ? Math.Round(value * 1024) / 1024 : value;
                    }
                }
            }
        }
        return spots;
    }

    private static double[] MakeTruth(SyntheticFrameOptions o)
    {
        var random = new Random(o.Seed * 7919 + 17);
        var truth = new double[o.FiberCount * o.GridCount];
        for (int f = 0; f < o.FiberCount; f++)
        {
            double continuum = 80 + 300 * random.NextDouble();
            int lines = 1 + o.GridCount / 25;
            var centers = new double[lines];
            var heights = new double[lines];
            for (int l = 0; l < lines; l++)
            {
                centers[l] = random.NextDouble() * o.GridCount;
                heights[l] = 200 + 3000 * random.NextDouble();
            }
            for (int g = 0; g < o.GridCount; g++)
            {
                double value = continuum * (1 + 0.2 * Math.Sin(g / 9.0 + f));
                for (int l = 0; l < lines; l++)
                {
                    double d = (g - centers[l]) / 1.3;
                    value += heights[l] * Math.Exp(-0.5 * d * d);
                }
                truth[f * o.GridCount + g] = o.ExactNoiseless ? Math.Round(value / 16) + 1 : value;
            }
        }
        return truth;
    }

    /// <summary>Σ over spots of truth × stamp, row-major over the CCD.</summary>
    public static double[] Project(SpotTable spots, ReadOnlySpan<double> flux, int nPixX, int nPixY)
    {
        var image = new double[nPixX * nPixY];
        for (int s = 0; s < spots.Count; s++)
        {
            ReadOnlySpan<double> stamp = spots.Stamp(s);
            for (int r = 0; r < spots.Rows[s]; r++)
            {
                for (int c = 0; c < spots.Cols[s]; c++)
                {
                    image[(spots.YMin[s] + r) * nPixX + spots.XMin[s] + c] += flux[s] * stamp[r * spots.StampCols + c];
                }
            }
        }
        return image;
    }

    private static (float[] Image, float[] Weight) Observe(SyntheticFrameOptions o, double[] model)
    {
        var random = new Random(o.Seed);
        var image = new float[model.Length];
        var weight = new float[model.Length];
        for (int p = 0; p < model.Length; p++)
        {
            double variance = 9 + Math.Max(model[p], 0);
            double value = model[p];
            if (o.Noise)
            {
                // Box-Muller Gaussian.
                double u1 = 1.0 - random.NextDouble();
                double u2 = random.NextDouble();
                value += Math.Sqrt(variance) * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            }
            image[p] = (float)value;
            weight[p] = (float)(1.0 / variance);
            if (o.MaskFraction > 0 && random.NextDouble() < o.MaskFraction)
            {
                image[p] = float.NaN;
                weight[p] = 0;
            }
        }
        return (image, weight);
    }
}

/// <summary>One patch of a synthetic batch (fields as in <see cref="PatchBatch"/>).</summary>
public sealed record PatchSpec(int FiberStart, int FiberCount, int KeepOffset, int KeepCount, int WaveStart, int WaveCount,
    int CoreOffset, int CoreCount, PixelBox Box);
