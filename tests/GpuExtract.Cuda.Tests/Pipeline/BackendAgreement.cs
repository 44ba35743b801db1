using System.Globalization;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Validation;

namespace GpuExtract.Cuda.Tests.Pipeline;

/// <summary>
/// How far the GPU backend's frame (and model image) is from the CPU backend's, with the GPU-vs-CPU tolerances:
/// pull |Δflux|·√ivar_ref &lt; 1e-4, resolution diagonals &lt; 1e-6 absolute, ivar &lt; 1e-6 relative (where
/// ivar_ref &gt; 0). chi2pix and the pixmask fraction are held to 1e-6 (relative / absolute) too, and the model
/// image to 1e-6 of its largest value. The frame figures are <see cref="FrameAgreement"/>'s.
/// </summary>
internal sealed record BackendAgreement(FrameAgreement Frame, double MaxModelRelative)
{
    public const double PullTolerance = 1e-4, IvarTolerance = 1e-6, ResolutionTolerance = 1e-6, Chi2Tolerance = 1e-6, PixmaskTolerance = 1e-6, ModelTolerance = 1e-6;

    public static BackendAgreement Measure(Frame actual, Frame reference, float[]? actualModel = null, float[]? referenceModel = null)
    {
        double model = 0;
        if (actualModel is not null && referenceModel is not null)
        {
            double scale = referenceModel.Max(v => Math.Abs(v));
            for (int i = 0; i < referenceModel.Length; i++)
            {
                model = Math.Max(model, Math.Abs(actualModel[i] - referenceModel[i]) / Math.Max(scale, 1e-300));
            }
        }
        return new BackendAgreement(FrameAgreement.Measure(actual, reference), model);
    }

    public bool WithinTolerances => Frame.MaxPull < PullTolerance && Frame.MaxIvarRelative < IvarTolerance && Frame.MaxResolution < ResolutionTolerance
        && Frame.MaxChi2Relative < Chi2Tolerance && Frame.MaxPixmask < PixmaskTolerance && Frame.MaskDifferences == 0 && Frame.IvarPositiveMismatches == 0
        && MaxModelRelative < ModelTolerance;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"max pull {Frame.MaxPull:e2} (tol {PullTolerance:e0}), ivar rel {Frame.MaxIvarRelative:e2} ({IvarTolerance:e0}), resolution {Frame.MaxResolution:e2} ({ResolutionTolerance:e0}), " +
        $"chi2pix rel {Frame.MaxChi2Relative:e2}, pixmask {Frame.MaxPixmask:e2}, model rel {MaxModelRelative:e2}, mask differences {Frame.MaskDifferences}, ivar>0 mismatches {Frame.IvarPositiveMismatches}");
}
