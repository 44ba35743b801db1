using System.Globalization;
using GpuExtract.Core.Formats;

namespace GpuExtract.Cuda.Tests.Pipeline;

/// <summary>
/// How far one frame is from another taken as the reference, with the GPU-vs-CPU tolerances of DESIGN §4:
/// pull |Δflux|·√ivar_ref &lt; 1e-4, resolution diagonals &lt; 1e-6 absolute, ivar &lt; 1e-6 relative (where
/// ivar_ref &gt; 0). chi2pix and the pixmask fraction are held to 1e-6 (relative / absolute) too.
/// </summary>
internal sealed record FrameAgreement(double MaxPull, double MaxIvarRelative, double MaxResolution, double MaxChi2Relative, double MaxPixmask,
    int MaskDifferences, int ZeroIvarMismatches, double MaxModelRelative)
{
    public const double PullTolerance = 1e-4, IvarTolerance = 1e-6, ResolutionTolerance = 1e-6, Chi2Tolerance = 1e-6, PixmaskTolerance = 1e-6, ModelTolerance = 1e-6;

    public static FrameAgreement Measure(Frame actual, Frame reference, float[]? actualModel = null, float[]? referenceModel = null)
    {
        double pull = 0, ivarRel = 0, res = 0, chi2 = 0, pixmask = 0, model = 0;
        int masks = 0, zeros = 0;
        int nwave = reference.NWave, nd = reference.DiagonalCount;
        for (int s = 0; s < reference.NSpec; s++)
        {
            for (int w = 0; w < nwave; w++)
            {
                int i = s * nwave + w;
                masks += actual.Mask[i] != reference.Mask[i] ? 1 : 0;
                double ivar = reference.Ivar[i];
                if (ivar > 0 != actual.Ivar[i] > 0)
                {
                    zeros++;
                }
                if (!(ivar > 0))
                {
                    continue;
                }
                pull = Math.Max(pull, Math.Abs(actual.Flux[i] - reference.Flux[i]) * Math.Sqrt(ivar));
                ivarRel = Math.Max(ivarRel, Math.Abs(actual.Ivar[i] - ivar) / ivar);
                chi2 = Math.Max(chi2, Math.Abs(actual.Chi2Pix[i] - reference.Chi2Pix[i]) / Math.Max(1.0, Math.Abs(reference.Chi2Pix[i])));
                if (actual.PixmaskFraction is { } ap && reference.PixmaskFraction is { } rp)
                {
                    pixmask = Math.Max(pixmask, Math.Abs(ap[i] - rp[i]));
                }
                for (int k = 0; k < nd; k++)
                {
                    int r = (s * nd + k) * nwave + w;
                    res = Math.Max(res, Math.Abs(actual.Resolution[r] - reference.Resolution[r]));
                }
            }
        }
        if (actualModel is not null && referenceModel is not null)
        {
            double scale = referenceModel.Max(v => Math.Abs(v));
            for (int i = 0; i < referenceModel.Length; i++)
            {
                model = Math.Max(model, Math.Abs(actualModel[i] - referenceModel[i]) / Math.Max(scale, 1e-300));
            }
        }
        return new FrameAgreement(pull, ivarRel, res, chi2, pixmask, masks, zeros, model);
    }

    public bool WithinTolerances => MaxPull < PullTolerance && MaxIvarRelative < IvarTolerance && MaxResolution < ResolutionTolerance
        && MaxChi2Relative < Chi2Tolerance && MaxPixmask < PixmaskTolerance && MaskDifferences == 0 && ZeroIvarMismatches == 0
        && MaxModelRelative < ModelTolerance;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"max pull {MaxPull:e2} (tol {PullTolerance:e0}), ivar rel {MaxIvarRelative:e2} ({IvarTolerance:e0}), resolution {MaxResolution:e2} ({ResolutionTolerance:e0}), " +
        $"chi2pix rel {MaxChi2Relative:e2}, pixmask {MaxPixmask:e2}, model rel {MaxModelRelative:e2}, mask differences {MaskDifferences}, ivar>0 mismatches {ZeroIvarMismatches}");
}
