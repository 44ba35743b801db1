using GpuExtract.Core.Extraction;

namespace GpuExtract.Cpu.Tests.Extraction;

/// <summary>
/// Largest deviations between the solver's outputs for one patch and the dense reference over its kept bins.
/// Flux deviations are relative to max(|flux|, σ) with σ = 1/√ivar: a flux near 0 has no meaningful relative
/// digits, and its noise is the natural unit there.
/// </summary>
public sealed record PatchAgreement(double Flux, double Ivar, double Resolution, double Chi2Pix, double Pixmask, double Model, int Bins)
{
    public override string ToString() =>
        $"{Bins} bins: flux {Flux:E2} (rel. to max(|f|,σ)), ivar {Ivar:E2} rel., resolution {Resolution:E2} abs., "
        + $"chi2pix {Chi2Pix:E2} abs., pixmask {Pixmask:E2} abs., model {Model:E2} rel. to max |model|";

    public static PatchAgreement Measure(PatchResults results, PatchBatch batch, int p, DenseReferencePatch reference, int halfDiagonals, bool model)
    {
        double flux = 0, ivar = 0, resolution = 0, chi2 = 0, pixmask = 0, modelDeviation = 0;
        int nw = batch.WaveCount[p];
        int core = batch.CoreCount[p];
        int bins = 0;
        for (int a = 0; a < batch.KeepFiberCount[p]; a++)
        {
            for (int c = 0; c < core; c++)
            {
                int j = (batch.KeepFiberOffset[p] + a) * nw + batch.CoreOffset[p] + c;
                int row = batch.OutputOffset[p] + a * core + c;
                double refIvar = reference.Ivar[j];
                double scale = Math.Max(Math.Abs(reference.Flux[j]), refIvar > 0 ? 1 / Math.Sqrt(refIvar) : 1.0);
                flux = Math.Max(flux, Math.Abs(results.Flux[row] - reference.Flux[j]) / scale);
                ivar = Math.Max(ivar, refIvar > 0 ? Math.Abs(results.Ivar[row] / refIvar - 1) : Math.Abs(results.Ivar[row]));
                for (int k = 0; k < results.DiagonalCount; k++)
                {
                    resolution = Math.Max(resolution, Math.Abs(results.Resolution[row * results.DiagonalCount + k] - reference.Band(j, k, halfDiagonals)));
                }
                chi2 = Math.Max(chi2, Math.Abs(results.Chi2Pix[row] - reference.Chi2Pix[j]));
                pixmask = Math.Max(pixmask, Math.Abs(results.PixmaskFraction[row] - reference.PixmaskFraction[j]));
                bins++;
            }
        }
        if (model)
        {
            double maxModel = reference.Model.Length == 0 ? 0 : reference.Model.Max(Math.Abs);
            for (int q = 0; q < reference.PixelCount; q++)
            {
                double deviation = Math.Abs(results.Model[batch.ModelOffset[p] + q] - reference.Model[q]);
                modelDeviation = Math.Max(modelDeviation, maxModel > 0 ? deviation / maxModel : deviation);
            }
        }
        return new PatchAgreement(flux, ivar, resolution, chi2, pixmask, modelDeviation, bins);
    }

    /// <summary>Fails the test when any output of <paramref name="results"/> is NaN or infinite.</summary>
    public static void AssertAllFinite(PatchResults results)
    {
        AssertFinite(results.Flux, "flux");
        AssertFinite(results.Ivar, "ivar");
        AssertFinite(results.Chi2Pix, "chi2pix");
        AssertFinite(results.PixmaskFraction, "pixmask fraction");
        AssertFinite(results.Resolution, "resolution");
        AssertFinite(results.Model, "model");
    }

    private static void AssertFinite(double[] values, string name)
    {
        int bad = Array.FindIndex(values, v => !double.IsFinite(v));
        Assert.True(bad < 0, $"{name}[{bad}] = {(bad >= 0 ? values[bad] : 0)} is not finite");
    }
}
