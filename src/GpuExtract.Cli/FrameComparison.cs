using System.Globalization;
using System.Text.Json;
using GpuExtract.Core.Formats;

namespace GpuExtract.Cli;

/// <summary>
/// How far a frame is from a reference frame, over the bins where the reference's ivar &gt; 0: pulls
/// |Δflux|·√ivar_ref (maximum, and the share below 0.01), the largest relative ivar difference, the largest
/// absolute difference of the resolution diagonals, the largest chi2pix difference, and bins whose mask or
/// ivar &gt; 0 disagree. Used by <c>gpuextract compare</c> (GPU vs CPU backend, or vs DESI's reference code).
/// </summary>
public sealed record FrameComparison(
    int Bins, double MaxPull, double ShareBelow001, double MaxIvarRelative, double MaxResolution, double MaxChi2Pix,
    int MaskDifferences, int IvarZeroMismatches)
{
    /// <summary>Compares <paramref name="actual"/> with <paramref name="reference"/>; they must have the same fibers and wavelengths.</summary>
    public static FrameComparison Measure(Frame actual, Frame reference)
    {
        if (actual.NSpec != reference.NSpec || actual.NWave != reference.NWave || actual.SpecMin != reference.SpecMin)
        {
            throw new Core.Extraction.ExtractionInputException(
                $"frames differ in shape: fibers {actual.SpecMin}+{actual.NSpec} x {actual.NWave} wavelengths vs {reference.SpecMin}+{reference.NSpec} x {reference.NWave}");
        }
        int bins = 0, below = 0, masks = 0, zeros = 0;
        double pull = 0, ivar = 0, resolution = 0, chi2 = 0;
        int nwave = reference.NWave, nd = Math.Min(actual.DiagonalCount, reference.DiagonalCount);
        int offsetActual = (actual.DiagonalCount - nd) / 2, offsetReference = (reference.DiagonalCount - nd) / 2;
        for (int s = 0; s < reference.NSpec; s++)
        {
            for (int w = 0; w < nwave; w++)
            {
                int i = s * nwave + w;
                masks += actual.Mask[i] != reference.Mask[i] ? 1 : 0;
                if (reference.Ivar[i] > 0 != actual.Ivar[i] > 0)
                {
                    zeros++;
                }
                if (!(reference.Ivar[i] > 0))
                {
                    continue;
                }
                bins++;
                double p = Math.Abs(actual.Flux[i] - reference.Flux[i]) * Math.Sqrt(reference.Ivar[i]);
                pull = Math.Max(pull, double.IsNaN(p) ? double.PositiveInfinity : p);
                below += p < 0.01 ? 1 : 0;
                ivar = Math.Max(ivar, Math.Abs(actual.Ivar[i] - reference.Ivar[i]) / reference.Ivar[i]);
                chi2 = Math.Max(chi2, Math.Abs(actual.Chi2Pix[i] - reference.Chi2Pix[i]));
                for (int k = 0; k < nd; k++)
                {
                    double a = actual.Resolution[(s * actual.DiagonalCount + k + offsetActual) * nwave + w];
                    double r = reference.Resolution[(s * reference.DiagonalCount + k + offsetReference) * nwave + w];
                    resolution = Math.Max(resolution, Math.Abs(a - r));
                }
            }
        }
        return new FrameComparison(bins, pull, bins == 0 ? 1 : below / (double)bins, ivar, resolution, chi2, masks, zeros);
    }

    /// <summary>Whether every figure is within the given limits (pull limit on the maximum; share limit on the share below 0.01).</summary>
    public bool Within(double maxPull, double minShareBelow001, double maxIvarRelative, double maxResolution) =>
        MaxPull < maxPull && ShareBelow001 >= minShareBelow001 && MaxIvarRelative < maxIvarRelative && MaxResolution < maxResolution;

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"{Bins} bins with ivar > 0: max pull {MaxPull:e3} ({ShareBelow001:P3} below 0.01), max ivar relative difference {MaxIvarRelative:e3}, " +
        $"max resolution difference {MaxResolution:e3}, max chi2pix difference {MaxChi2Pix:e3}, mask differences {MaskDifferences}, ivar>0 mismatches {IvarZeroMismatches}");

    public string ToJson(bool pass, IReadOnlyDictionary<string, double> limits) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["bins"] = Bins,
        ["max_pull"] = MaxPull,
        ["share_pull_below_0.01"] = ShareBelow001,
        ["max_ivar_relative"] = MaxIvarRelative,
        ["max_resolution"] = MaxResolution,
        ["max_chi2pix"] = MaxChi2Pix,
        ["mask_differences"] = MaskDifferences,
        ["ivar_zero_mismatches"] = IvarZeroMismatches,
        ["limits"] = limits,
        ["pass"] = pass,
    }, new JsonSerializerOptions { WriteIndented = true });
}
