using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;

namespace GpuExtract.Core.Validation;

/// <summary>
/// How far a frame is from a frame taken as the reference: the agreement measures of DESIGN §4, used by
/// <c>gpuextract compare</c> and by every test that holds one extraction to another (GPU vs CPU backend,
/// our engine vs specter's <c>ex2d</c>, one patch layout vs another). The figures over bins are taken where
/// the reference's ivar &gt; 0, as DESIGN §4 states its targets; the counts of disagreeing mask bits and
/// ivar &gt; 0 flags are taken over every bin the caller's filter admits. Limits are the caller's: this type
/// only measures.
/// </summary>
/// <param name="Bins">Bins compared: reference ivar &gt; 0 (and the caller's filter).</param>
/// <param name="MaxPull">Largest pull |Δflux|·√ivar_ref [dimensionless]; +∞ where a flux is NaN.</param>
/// <param name="FractionPullBelow001">Share of the compared bins with pull &lt; 0.01 (1 when none are compared).</param>
/// <param name="MaxIvarRelative">Largest |Δivar| / ivar_ref.</param>
/// <param name="MaxResolution">Largest absolute difference of a resolution-band entry (dimensionless).</param>
/// <param name="MaxChi2Absolute">Largest |Δchi2pix|.</param>
/// <param name="MaxChi2Relative">Largest |Δchi2pix| / max(1, |chi2pix_ref|).</param>
/// <param name="MaxPixmask">Largest absolute difference of the pixmask fraction (0 unless both frames store it).</param>
/// <param name="MaskDifferences">Bins whose mask bits differ.</param>
/// <param name="IvarPositiveMismatches">Bins where one frame has ivar &gt; 0 and the other does not.</param>
public sealed record FrameAgreement(
    int Bins, double MaxPull, double FractionPullBelow001, double MaxIvarRelative, double MaxResolution,
    double MaxChi2Absolute, double MaxChi2Relative, double MaxPixmask, int MaskDifferences, int IvarPositiveMismatches)
{
    /// <summary>The pull below which DESIGN §4 asks for ≥ 99.9 % of bins against the reference implementation.</summary>
    public const double SmallPull = 0.01;

    /// <summary>
    /// Compares <paramref name="actual"/> with <paramref name="reference"/>, which must hold the same fibers and
    /// wavelengths. When the two store different numbers of resolution diagonals, the central ones both store are
    /// compared.
    /// </summary>
    /// <param name="actual">The frame under test.</param>
    /// <param name="reference">The frame taken as the reference: its ivar weighs the pulls and selects the bins.</param>
    /// <param name="include">
    /// Optional filter (fiber index from 0, wavelength bin): bins for which it is false are left out of every figure.
    /// </param>
    /// <exception cref="ExtractionInputException">The frames differ in fibers or wavelength count.</exception>
    public static FrameAgreement Measure(Frame actual, Frame reference, Func<int, int, bool>? include = null)
    {
        if (actual.NSpec != reference.NSpec || actual.NWave != reference.NWave || actual.SpecMin != reference.SpecMin)
        {
            throw new ExtractionInputException(
                $"frames differ in shape: fibers {actual.SpecMin}+{actual.NSpec} x {actual.NWave} wavelengths vs {reference.SpecMin}+{reference.NSpec} x {reference.NWave}");
        }
        int nwave = reference.NWave;
        int nd = Math.Min(actual.DiagonalCount, reference.DiagonalCount);
        int offsetActual = (actual.DiagonalCount - nd) / 2, offsetReference = (reference.DiagonalCount - nd) / 2;
        double[]? pixmaskActual = actual.PixmaskFraction, pixmaskReference = reference.PixmaskFraction;
        bool pixmask = pixmaskActual is not null && pixmaskReference is not null;
        int bins = 0, below = 0, masks = 0, mismatches = 0;
        double maxPull = 0, maxIvar = 0, maxResolution = 0, maxChi2 = 0, maxChi2Relative = 0, maxPixmask = 0;
        for (int s = 0; s < reference.NSpec; s++)
        {
            for (int w = 0; w < nwave; w++)
            {
                if (include is not null && !include(s, w))
                {
                    continue;
                }
                int i = s * nwave + w;
                masks += actual.Mask[i] != reference.Mask[i] ? 1 : 0;
                double ivar = reference.Ivar[i];
                mismatches += ivar > 0 != actual.Ivar[i] > 0 ? 1 : 0;
                if (!(ivar > 0))
                {
                    continue;
                }
                bins++;
                double pull = Math.Abs(actual.Flux[i] - reference.Flux[i]) * Math.Sqrt(ivar);
                // A NaN flux is the worst possible pull: count it as infinite, which fails every limit.
                maxPull = Math.Max(maxPull, double.IsNaN(pull) ? double.PositiveInfinity : pull);
                below += pull < SmallPull ? 1 : 0;
                maxIvar = Math.Max(maxIvar, Math.Abs(actual.Ivar[i] - ivar) / ivar);
                double chi2 = Math.Abs(actual.Chi2Pix[i] - reference.Chi2Pix[i]);
                maxChi2 = Math.Max(maxChi2, chi2);
                maxChi2Relative = Math.Max(maxChi2Relative, chi2 / Math.Max(1.0, Math.Abs(reference.Chi2Pix[i])));
                if (pixmask)
                {
                    maxPixmask = Math.Max(maxPixmask, Math.Abs(pixmaskActual![i] - pixmaskReference![i]));
                }
                for (int k = 0; k < nd; k++)
                {
                    double a = actual.Resolution[(s * actual.DiagonalCount + k + offsetActual) * nwave + w];
                    double r = reference.Resolution[(s * reference.DiagonalCount + k + offsetReference) * nwave + w];
                    maxResolution = Math.Max(maxResolution, Math.Abs(a - r));
                }
            }
        }
        return new FrameAgreement(bins, maxPull, bins == 0 ? 1 : below / (double)bins, maxIvar, maxResolution,
            maxChi2, maxChi2Relative, maxPixmask, masks, mismatches);
    }

    /// <summary>
    /// Whether the pull, ivar and resolution figures are within the given limits: every pull below
    /// <paramref name="maxPull"/>, at least the share <paramref name="minFractionPullBelow001"/> below 0.01.
    /// </summary>
    public bool Within(double maxPull, double minFractionPullBelow001, double maxIvarRelative, double maxResolution) =>
        MaxPull < maxPull && FractionPullBelow001 >= minFractionPullBelow001 && MaxIvarRelative < maxIvarRelative && MaxResolution < maxResolution;

    /// <summary>One line with the figures <c>gpuextract compare</c> prints.</summary>
    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"{Bins} bins with ivar > 0: max pull {MaxPull:e3} ({FractionPullBelow001:P3} below 0.01), max ivar relative difference {MaxIvarRelative:e3}, " +
        $"max resolution difference {MaxResolution:e3}, max chi2pix difference {MaxChi2Absolute:e3}, mask differences {MaskDifferences}, ivar>0 mismatches {IvarPositiveMismatches}");

    /// <summary>Every figure, for test output and failure messages.</summary>
    public override string ToString() => Summary() + string.Create(CultureInfo.InvariantCulture,
        $", max chi2pix relative difference {MaxChi2Relative:e3}, max pixmask difference {MaxPixmask:e3}");

    /// <summary>The figures of <see cref="Summary"/>, the limits applied and the verdict, as indented JSON.</summary>
    public string ToJson(bool pass, IReadOnlyDictionary<string, double> limits) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["bins"] = Bins,
        ["max_pull"] = MaxPull,
        ["share_pull_below_0.01"] = FractionPullBelow001,
        ["max_ivar_relative"] = MaxIvarRelative,
        ["max_resolution"] = MaxResolution,
        ["max_chi2pix"] = MaxChi2Absolute,
        ["mask_differences"] = MaskDifferences,
        ["ivar_zero_mismatches"] = IvarPositiveMismatches,
        ["limits"] = limits,
        ["pass"] = pass,
    }, new JsonSerializerOptions { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals });
}
