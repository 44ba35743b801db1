using System.Diagnostics;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;

namespace GpuExtract.Core.Extraction;

/// <summary>
/// The frame-level driver: plans patches, hands the frame and its patches to a backend, and
/// assembles the frame. It never knows which backend it talks to.
/// </summary>
public static class FrameExtraction
{
    /// <summary>The outcome of one frame: the frame, the model image if asked for, and stage times.</summary>
    public sealed record Result(Frame Frame, float[]? ModelImage, StageTimes Times, int PatchCount, int UnusablePixels);

    /// <summary>
    /// Extracts <paramref name="options"/>' fibers and wavelengths from <paramref name="image"/>.
    /// <paramref name="progress"/> receives (patches done, patches total) from time to time.
    /// </summary>
    /// <exception cref="ExtractionInputException">image and PSF disagree, or the options are invalid.</exception>
    public static Result Run(PreprocImage image, GaussHermitePsf psf, ExtractionOptions options, IExtractionBackend backend,
        Action<int, int>? progress = null, StageTimes? times = null)
    {
        times ??= new StageTimes();
        var clock = Stopwatch.StartNew();
        var (plan, frameInput, unusable) = Prepare(image, psf, options);
        times.Plan = Lap(clock);

        backend.BeginFrame(frameInput);
        times.Spots = Lap(clock);

        PatchBatch batch = plan.Patches;
        var results = new PatchResults(batch.OutputCount, plan.HalfDiagonals, options.ComputeModel ? batch.ModelCount : 0);
        int done = 0;
        progress?.Invoke(0, batch.Count);
        backend.Solve(batch, results, n => progress?.Invoke(Interlocked.Add(ref done, n), batch.Count));
        times.Solve = Lap(clock);

        Frame frame = FrameAssembler.Assemble(plan, results, options);
        float[]? model = options.ComputeModel ? FrameAssembler.ModelImage(plan, results, image.NPixX, image.NPixY) : null;
        times.Assemble = Lap(clock);
        return new Result(frame, model, times, batch.Count, unusable);
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
