using GpuExtract.Core.Formats;
using GpuExtract.Core.Planning;

namespace GpuExtract.Core.Extraction;

/// <summary>
/// Scatters per-patch results into frame arrays in plan order (a later patch overwrites a shared bin,
/// as the reference's does), converts to per-Ångström units and sets the mask bits as desispec's
/// <c>get_spectrum_mask</c> does (SOMEBADPIX, ALLBADPIX, and BAD2DFIT by <see cref="Chi2PixMask"/>). Every value
/// it returns fits float32 (the frame file's type), whatever a backend produced: see <see cref="KeepWithinSingle"/>.
/// </summary>
public static class FrameAssembler
{
    /// <summary>Builds the frame of <paramref name="options"/>'s fibers and wavelengths.</summary>
    public static Frame Assemble(PatchPlan plan, PatchResults results, ExtractionOptions options)
    {
        int nspec = options.NSpec;
        double[] wave = options.Wavelengths;
        int nwave = wave.Length;
        int ndiagonals = results.DiagonalCount;
        var flux = new double[nspec * nwave];
        var ivar = new double[nspec * nwave];
        var chi2 = new double[nspec * nwave];
        var pixmask = new double[nspec * nwave];
        var resolution = new double[nspec * ndiagonals * nwave];

        PatchBatch batch = plan.Patches;
        for (int p = 0; p < batch.Count; p++)
        {
            int coreCount = batch.CoreCount[p];
            int firstBin = batch.WaveStart[p] + batch.CoreOffset[p] - plan.GridOffset;
            for (int a = 0; a < batch.KeepFiberCount[p]; a++)
            {
                int spec = batch.FiberStart[p] + batch.KeepFiberOffset[p] + a - options.SpecMin;
                for (int c = 0; c < coreCount; c++)
                {
                    int row = batch.OutputOffset[p] + a * coreCount + c;
                    int bin = firstBin + c;
                    int at = spec * nwave + bin;
                    flux[at] = results.Flux[row];
                    ivar[at] = results.Ivar[row];
                    chi2[at] = results.Chi2Pix[row];
                    pixmask[at] = results.PixmaskFraction[row];
                    for (int k = 0; k < ndiagonals; k++)
                    {
                        resolution[(spec * ndiagonals + k) * nwave + bin] = results.Resolution[(long)row * ndiagonals + k];
                    }
                }
            }
        }

        // Per bin → per Ångström with numpy.gradient's bin widths, as the reference converts.
        for (int bin = 0; bin < nwave; bin++)
        {
            double width = bin == 0 ? wave[1] - wave[0]
                : bin == nwave - 1 ? wave[^1] - wave[^2]
                : (wave[bin + 1] - wave[bin - 1]) / 2;
            for (int spec = 0; spec < nspec; spec++)
            {
                int at = spec * nwave + bin;
                flux[at] /= width;
                ivar[at] *= width * width;
            }
        }

        KeepWithinSingle(flux, ivar, chi2, resolution, nspec, nwave, ndiagonals);

        var mask = new uint[nspec * nwave];
        for (int i = 0; i < mask.Length; i++)
        {
            uint bits = 0;
            if (pixmask[i] > 0.5)
            {
                bits |= Frame.SomeBadPixels;
            }
            // Spots sum to 1 only to rounding (±1e-15), so "all light on bad pixels" is a near-equality.
            if (pixmask[i] >= 1 - 1e-9)
            {
                bits |= Frame.AllBadPixels;
            }
            mask[i] = bits;
        }
        Chi2PixMask.Apply(chi2, nspec, nwave, mask);

        return new Frame
        {
            SpecMin = options.SpecMin,
            NSpec = nspec,
            Wavelength = wave,
            Flux = flux,
            Ivar = ivar,
            Mask = mask,
            DiagonalCount = ndiagonals,
            Resolution = resolution,
            Chi2Pix = chi2,
            PixmaskFraction = pixmask,
        };
    }

    /// <summary>
    /// Makes every output finite in float32, the type the frame file stores: a bin whose flux or ivar is not
    /// (NaN, ±Inf, or beyond ±float.MaxValue after the per-Ångström conversion) gets flux 0 and ivar 0, DESI's
    /// "no information"; a resolution column with such an entry becomes the identity column; chi2pix beyond
    /// float.MaxValue is clamped there (still flagged BAD2DFIT) and a NaN chi2pix becomes 0, as the solver
    /// writes for bins without counted pixels. Only corrupt or degenerate inputs reach these branches.
    /// </summary>
    private static void KeepWithinSingle(double[] flux, double[] ivar, double[] chi2, double[] resolution, int nspec, int nwave, int ndiagonals)
    {
        for (int spec = 0; spec < nspec; spec++)
        {
            for (int bin = 0; bin < nwave; bin++)
            {
                int at = spec * nwave + bin;
                if (!FitsSingle(flux[at]) || !FitsSingle(ivar[at]))
                {
                    flux[at] = 0;
                    ivar[at] = 0;
                }
                if (double.IsNaN(chi2[at]))
                {
                    chi2[at] = 0;
                }
                else if (!FitsSingle(chi2[at]))
                {
                    chi2[at] = chi2[at] > 0 ? float.MaxValue : 0;
                }
                bool bandFits = true;
                for (int k = 0; k < ndiagonals; k++)
                {
                    bandFits &= FitsSingle(resolution[(spec * ndiagonals + k) * nwave + bin]);
                }
                if (!bandFits)
                {
                    for (int k = 0; k < ndiagonals; k++)
                    {
                        resolution[(spec * ndiagonals + k) * nwave + bin] = k == ndiagonals / 2 ? 1.0 : 0.0;
                    }
                }
            }
        }
    }

    /// <summary>Whether <paramref name="value"/> converts to a finite float32 (NaN and ±Inf do not).</summary>
    public static bool FitsSingle(double value) => Math.Abs(value) <= float.MaxValue;

    /// <summary>
    /// The model image [electron], shape [npixY, npixX]: each patch's box overwritten in plan order
    /// (the reference's behaviour; it marks it as a known quirk, and matching it keeps outputs comparable).
    /// A model pixel that does not fit float32 (only from a degenerate fit) is written as 0.
    /// </summary>
    public static float[] ModelImage(PatchPlan plan, PatchResults results, int npixX, int npixY)
    {
        var model = new float[npixX * npixY];
        PatchBatch batch = plan.Patches;
        for (int p = 0; p < batch.Count; p++)
        {
            PixelBox box = batch.Box(p);
            long offset = batch.ModelOffset[p];
            for (int y = box.YMin; y < box.YMax; y++)
            {
                for (int x = box.XMin; x < box.XMax; x++)
                {
                    double value = results.Model[offset++];
                    model[y * npixX + x] = FitsSingle(value) ? (float)value : 0f;
                }
            }
        }
        return model;
    }
}
