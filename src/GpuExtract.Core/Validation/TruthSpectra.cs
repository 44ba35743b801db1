using GpuExtract.Core.Extraction;
using GpuExtract.Fits;

namespace GpuExtract.Core.Validation;

/// <summary>
/// The input spectra of a simulated exposure as its files hold them: TRUTH [electron/Å] (fibers
/// SPECMIN … SPECMIN + nspec − 1) on the TRUTHWAVE grid [Å]. Our simulated preproc files and truth
/// files carry both HDUs, and so do the reference's preproc files (../shared/reference/README.md §3.1).
/// </summary>
/// <param name="FiberMin">First fiber (SPECMIN; 0 when absent).</param>
/// <param name="FiberCount">Number of fibers.</param>
/// <param name="Wavelengths">TRUTHWAVE [Å]; shape [nsim].</param>
/// <param name="FluxDensity">TRUTH [electron/Å]; shape [FiberCount, nsim].</param>
public sealed record TruthSpectra(int FiberMin, int FiberCount, double[] Wavelengths, double[] FluxDensity)
{
    /// <summary>True when <paramref name="path"/> has both a TRUTH and a TRUTHWAVE HDU.</summary>
    public static bool IsIn(string path)
    {
        using var file = FitsFile.Open(path);
        return file.TryGetHdu("TRUTH", out _) && file.TryGetHdu("TRUTHWAVE", out _);
    }

    /// <summary>Reads TRUTH and TRUTHWAVE.</summary>
    /// <exception cref="ExtractionInputException">either HDU is missing, or their shapes disagree.</exception>
    /// <exception cref="FitsFormatException">the file is not valid FITS.</exception>
    public static TruthSpectra Read(string path)
    {
        using var file = FitsFile.Open(path);
        if (!file.TryGetHdu("TRUTH", out FitsHdu truth) || !file.TryGetHdu("TRUTHWAVE", out FitsHdu wave))
        {
            throw new ExtractionInputException($"{path}: no TRUTH and TRUTHWAVE HDUs (only simulated inputs have them)");
        }
        if (truth.Shape.Length != 2 || wave.Shape.Length != 1 || truth.Shape[1] != wave.Shape[0])
        {
            throw new ExtractionInputException(
                $"{path}: TRUTH shape ({string.Join(", ", truth.Shape)}) does not match TRUTHWAVE ({string.Join(", ", wave.Shape)}); expected [nspec, nwave] and [nwave]");
        }
        return new TruthSpectra((int)(truth.Header.GetIntOrNull("SPECMIN") ?? 0), truth.Shape[0], wave.ReadImage<double>(), truth.ReadImage<double>());
    }

    /// <summary>
    /// The truth of fibers <paramref name="fiberMin"/> … <paramref name="fiberMin"/> + <paramref name="count"/> − 1,
    /// shape [count, nsim], as <see cref="TruthPulls"/> takes it.
    /// </summary>
    /// <exception cref="ExtractionInputException">the truth does not cover those fibers.</exception>
    public double[] FluxDensityOf(int fiberMin, int count)
    {
        if (fiberMin < FiberMin || fiberMin + count > FiberMin + FiberCount)
        {
            throw new ExtractionInputException(
                $"the truth covers fibers {FiberMin}-{FiberMin + FiberCount - 1}, not {fiberMin}-{fiberMin + count - 1}");
        }
        int nsim = Wavelengths.Length;
        return FluxDensity.AsSpan((fiberMin - FiberMin) * nsim, count * nsim).ToArray();
    }
}
