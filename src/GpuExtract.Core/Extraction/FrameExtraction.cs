using System.Diagnostics;
using GpuExtract.Core.Barycentric;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;
using GpuExtract.Fits;

namespace GpuExtract.Core.Extraction;

/// <summary>
/// The frame-level driver: prepares a frame (weights, patch plan) without a backend, hands the frame and its
/// patches to a backend, and assembles the frame as desispec's extraction (<c>scripts.extract.main_gpu_specter</c>)
/// completes it: barycentric grid, FIBERMAP rows, FLUX header and SCORES. It never knows which backend it talks to.
/// </summary>
public static class FrameExtraction
{
    /// <summary>
    /// The outcome of one frame: the frame, the model image if asked for, stage times, and the barycentric
    /// factor applied (null when none was).
    /// </summary>
    public sealed record Result(Frame Frame, float[]? ModelImage, StageTimes Times, int PatchCount, int UnusablePixels, double? Heliocor = null);

    /// <summary>
    /// Extracts <paramref name="options"/>' fibers and wavelengths from <paramref name="image"/>:
    /// <see cref="PrepareFrame"/>, then <see cref="SolveAndAssemble"/>.
    /// <paramref name="progress"/> receives (patches done, patches total) from time to time;
    /// <paramref name="psfPath"/> is the PSF's file name for IN_PSF (and ORIG_PSF).
    /// </summary>
    /// <exception cref="ExtractionInputException">image and PSF disagree, the options are invalid, the fibermap
    /// does not cover the fibers, or the barycentric correction lacks keywords.</exception>
    public static Result Run(PreprocImage image, GaussHermitePsf psf, ExtractionOptions options, IExtractionBackend backend,
        Action<int, int>? progress = null, StageTimes? times = null, string? psfPath = null) =>
        SolveAndAssemble(PrepareFrame(image, psf, options, psfPath), backend, progress, times);

    /// <summary>
    /// Everything an extraction does before it needs a backend (the Plan stage): checks the inputs, reads the
    /// fibermap, applies the barycentric correction to the grid, computes the pixel weights and plans the
    /// patches. Safe to run on another thread while a backend solves a different frame.
    /// </summary>
    /// <param name="psfPath">The PSF's file name for IN_PSF (and ORIG_PSF), or null for an in-memory PSF.</param>
    /// <exception cref="ExtractionInputException">image and PSF disagree, the options are invalid, the fibermap
    /// does not cover the fibers, or the barycentric correction lacks keywords.</exception>
    public static PreparedFrame PrepareFrame(PreprocImage image, GaussHermitePsf psf, ExtractionOptions options, string? psfPath = null)
    {
        var clock = Stopwatch.StartNew();
        var (fibermapTable, fibermapHeader, fibermapSource) = LoadFibermap(image, options);
        WavelengthRange stated = options.Grid;
        double? heliocor = null;
        ExtractionOptions extraction = options;
        if (options.BarycentricCorrection)
        {
            var pointing = ExposurePointing.FromHeaders(image.Header, fibermapHeader, image.FileName);
            double f = BarycentricCorrection.Factor(pointing.RaDeg, pointing.DecDeg, pointing.MidExposureMjd, ObservingSite.KittPeak);
            // desispec hands gpu_specter (wmin/f, wmax/f, dw/f) and writes the stated grid as WAVELENGTH.
            double[] corrected = ExtractionOptions.LinearGrid(stated.Min / f, stated.Max / f, stated.Step / f);
            if (corrected.Length != options.Wavelengths.Length)
            {
                throw new ExtractionInputException(
                    $"barycentric factor {f:R} turns the {options.Wavelengths.Length}-bin grid {stated} into {corrected.Length} bins; choose WMAX a whole number of steps from WMIN");
            }
            extraction = options with { Wavelengths = corrected };
            heliocor = f;
        }
        // Fibers and grid are checked against the PSF (Prepare) before the fibermap is asked for them.
        var (plan, frameInput, unusable) = Prepare(image, psf, extraction);
        FibermapRows? fibermap = fibermapTable is null ? null
            : FibermapRows.Select(fibermapTable, fibermapHeader!, fibermapSource, options.SpecMin, options.NSpec, psf.FiberCount, image.Header);
        return new PreparedFrame
        {
            Image = image,
            Psf = psf,
            PsfPath = psfPath,
            Options = options,
            Extraction = extraction,
            Plan = plan,
            Input = frameInput,
            UnusablePixels = unusable,
            Fibermap = fibermap,
            Heliocor = heliocor,
            PlanSeconds = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>
    /// Finishes a <see cref="PrepareFrame">prepared</see> frame: the backend evaluates its spots and solves its
    /// patches, and the frame is assembled with its header, fibermap and scores. <paramref name="times"/> gets
    /// the preparation's seconds as Plan, and the Spots, Solve and Assemble stages.
    /// </summary>
    /// <param name="progress">Receives (patches done, patches total) from time to time.</param>
    public static Result SolveAndAssemble(PreparedFrame prepared, IExtractionBackend backend, Action<int, int>? progress = null, StageTimes? times = null)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(backend);
        times ??= new StageTimes();
        times.Plan = prepared.PlanSeconds;
        var clock = Stopwatch.StartNew();
        PreprocImage image = prepared.Image;
        ExtractionOptions options = prepared.Options;
        PatchPlan plan = prepared.Plan;

        backend.BeginFrame(prepared.Input);
        times.Spots = Lap(clock);

        PatchBatch batch = plan.Patches;
        var results = new PatchResults(batch.OutputCount, plan.HalfDiagonals, options.ComputeModel ? batch.ModelCount : 0);
        int done = 0;
        progress?.Invoke(0, batch.Count);
        backend.Solve(batch, results, n => progress?.Invoke(Interlocked.Add(ref done, n), batch.Count));
        times.Solve = Lap(clock);

        Frame assembled = FrameAssembler.Assemble(plan, results, prepared.Extraction);
        float[]? model = options.ComputeModel ? FrameAssembler.ModelImage(plan, results, image.NPixX, image.NPixY) : null;
        FibermapRows? fibermap = prepared.Fibermap;
        int fiberMin = fibermap is null ? options.SpecMin : fibermap.Fibers.Min();
        var frame = new Frame
        {
            SpecMin = assembled.SpecMin,
            NSpec = assembled.NSpec,
            Wavelength = options.Wavelengths,
            Flux = assembled.Flux,
            Ivar = assembled.Ivar,
            Mask = assembled.Mask,
            DiagonalCount = assembled.DiagonalCount,
            Resolution = assembled.Resolution,
            Chi2Pix = assembled.Chi2Pix,
            PixmaskFraction = assembled.PixmaskFraction,
            Header = FrameHeader.Compose(image.Header, image.FileName, prepared.PsfPath ?? "(in-memory PSF)", options, options.Grid, fiberMin,
                options.PsfError ?? prepared.Psf.PsfError, prepared.Heliocor),
            Fibermap = fibermap,
            Scores = options.NoScores ? null : FrameScores.Compute(options.Wavelengths, assembled.Flux, assembled.Ivar, assembled.NSpec),
        };
        times.Assemble = Lap(clock);
        return new Result(frame, model, times, batch.Count, prepared.UnusablePixels, prepared.Heliocor);
    }

    /// <summary>
    /// The fibermap the frame carries: the FIBERMAP HDU of <see cref="ExtractionOptions.FibermapPath"/>, else
    /// the preproc's (desispec reads <c>-f</c>, else tries the input image); null when neither exists, as
    /// desispec then writes a frame without FIBERMAP whose fibers are specmin … specmin+nspec−1.
    /// </summary>
    private static (FitsTable? Table, FitsHeader? Header, string Source) LoadFibermap(PreprocImage image, ExtractionOptions options)
    {
        if (options.FibermapPath is not { } path)
        {
            return (image.Fibermap, image.FibermapHeader ?? (image.Fibermap is null ? null : new FitsHeader()), image.FileName);
        }
        if (!File.Exists(path))
        {
            throw new ExtractionInputException($"{path}: fibermap file not found");
        }
        using FitsFile file = FitsFile.Open(path);
        if (!file.TryGetHdu("FIBERMAP", out FitsHdu hdu))
        {
            throw new ExtractionInputException($"{path}: no FIBERMAP HDU");
        }
        return (hdu.ReadTable(), hdu.Header, path);
    }

    /// <summary>
    /// The patch plan and the backend's frame input for an extraction, and how many pixels were unusable
    /// (non-finite or out-of-range IMAGE or IVAR, see PreprocImage.HoldsPhysicalValues). Benchmarks and backend comparisons start here too.
    /// </summary>
    /// <exception cref="ExtractionInputException">image and PSF disagree, no pixel is usable, or the options are invalid.</exception>
    public static (PatchPlan Plan, FrameInput Input, int UnusablePixels) Prepare(PreprocImage image, GaussHermitePsf psf, ExtractionOptions options)
    {
        if (image.NPixX != psf.NPixX || image.NPixY != psf.NPixY)
        {
            throw new ExtractionInputException(
                $"{image.FileName}: image is {image.NPixX} x {image.NPixY} pixels but the PSF {psf.Source} describes a {psf.NPixX} x {psf.NPixY} CCD (NPIX_X, NPIX_Y)");
        }
        PatchPlan plan = PatchPlanner.Plan(psf, options);
        float[] weights = image.ComputeWeights();
        RequireUsablePixels(image, psf, weights, plan.Patches);
        var input = new FrameInput
        {
            NPixX = image.NPixX,
            NPixY = image.NPixY,
            Image = image.Image,
            Weight = weights,
            Psf = psf,
            FiberStart = options.SpecMin,
            FiberCount = options.NSpec,
            GridWavelengths = plan.GridWavelengths,
            HalfDiagonals = plan.HalfDiagonals,
            PsfError = options.PsfError ?? psf.PsfError,
            Regularize = options.Regularize,
            DecorrelateFibers = options.DecorrelateFibers,
            ComputeModel = options.ComputeModel,
        };
        return (plan, input, image.CountUnphysicalPixels());
    }

    /// <summary>
    /// A frame whose every pixel under the patches has weight 0 (all NaN, masked or IVAR 0) cannot be
    /// extracted: that is bad input, not a result of zeros.
    /// </summary>
    private static void RequireUsablePixels(PreprocImage image, GaussHermitePsf psf, float[] weights, PatchBatch patches)
    {
        for (int p = 0; p < patches.Count; p++)
        {
            for (int y = patches.YMin[p]; y < patches.YMax[p]; y++)
            {
                ReadOnlySpan<float> row = weights.AsSpan(y * image.NPixX + patches.XMin[p], patches.XMax[p] - patches.XMin[p]);
                foreach (float w in row)
                {
                    if (w > 0)
                    {
                        return;
                    }
                }
            }
        }
        throw new ExtractionInputException(
            $"{image.FileName}: no usable pixel under the requested fibers as the PSF {psf.Source} places them (IMAGE/IVAR are NaN, masked or IVAR 0 everywhere there, or the PSF's traces miss the data)");
    }

    private static double Lap(Stopwatch clock)
    {
        double seconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        return seconds;
    }
}
