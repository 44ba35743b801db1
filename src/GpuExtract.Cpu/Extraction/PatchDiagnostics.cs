using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.Cpu.Extraction;

/// <summary>
/// The model image and the per-bin quality figures of one patch, as the reference's ex2d computes them:
/// model = A·f over the box (f the deconvolved flux, pad bins included);
/// modelivar = (model·psferr + 1e-32)⁻²; totivar = 1/(1/modelivar + 1/w) where both &gt; 0, else 0;
/// χ = (p − model)·√totivar; chi2pix_j = Σ_p A_pj χ_p² / Σ_p A_pj [totivar_p &gt; 0] (0 where that is 0);
/// pixmask_j = 1 − Σ_p A_pj [w_p &gt; 0].
/// </summary>
internal static class PatchDiagnostics
{
    /// <summary>
    /// model[p] = Σ_j f_j·s_j(p) over the box (row-major, length Box.PixelCount). Unknowns are added in
    /// increasing j, the order a dense A·f takes. A non-finite f_j (only possible after a failed fit) adds nothing.
    /// </summary>
    public static void Model(PatchStamps stamps, ReadOnlySpan<double> flux, Span<double> model)
    {
        int boxWidth = stamps.Box.Width;
        model[..stamps.Box.PixelCount].Clear();
        ReadOnlySpan<double> values = stamps.Values;
        for (int j = 0; j < stamps.UnknownCount; j++)
        {
            double fj = flux[j];
            if (!double.IsFinite(fj))
            {
                continue;
            }
            int width = stamps.Width[j];
            for (int r = 0; r < stamps.Height[j]; r++)
            {
                RowOperations.Axpy(fj, values.Slice(j * stamps.SlotSize + r * stamps.SlotStride, width),
                    model.Slice((stamps.Y[j] + r) * boxWidth + stamps.X[j], width));
            }
        }
    }

    /// <summary>
    /// Per box pixel: <paramref name="chi2"/> = χ² and <paramref name="counted"/> = [totivar &gt; 0] and
    /// <paramref name="usable"/> = [w &gt; 0] (as 1.0 / 0.0), from the model and the stamps' pixels and weights.
    /// </summary>
    public static void PixelChi2(PatchStamps stamps, ReadOnlySpan<double> model, double psfError,
        Span<double> chi2, Span<double> counted, Span<double> usable)
    {
        ReadOnlySpan<double> pixels = stamps.Pixels;
        ReadOnlySpan<double> weights = stamps.Weights;
        for (int p = 0; p < pixels.Length; p++)
        {
            double w = weights[p];
            double modelError = model[p] * psfError + 1e-32;
            double modelIvar = 1.0 / (modelError * modelError);
            double totalIvar = modelIvar > 0 && w > 0 ? 1.0 / (1.0 / modelIvar + 1.0 / w) : 0.0;
            double residual = pixels[p] - model[p];
            chi2[p] = totalIvar > 0 ? residual * residual * totalIvar : 0.0;
            counted[p] = totalIvar > 0 ? 1.0 : 0.0;
            usable[p] = w > 0 ? 1.0 : 0.0;
        }
    }

    /// <summary>Σ_p s_j(p)·field[p] over unknown j's clipped stamp.</summary>
    public static double StampSum(PatchStamps stamps, int j, ReadOnlySpan<double> field)
    {
        int boxWidth = stamps.Box.Width;
        int width = stamps.Width[j];
        ReadOnlySpan<double> values = stamps.Values;
        double sum = 0;
        for (int r = 0; r < stamps.Height[j]; r++)
        {
            sum += RowOperations.Dot(values.Slice(j * stamps.SlotSize + r * stamps.SlotStride, width),
                field.Slice((stamps.Y[j] + r) * boxWidth + stamps.X[j], width));
        }
        return sum;
    }

    /// <summary>chi2pix_j from Σ s_j χ² and Σ s_j [totivar &gt; 0]: 0 where the latter is 0, as the reference.</summary>
    public static double Chi2Pix(double weightedChi2, double countedWeight) =>
        countedWeight == 0 ? 0.0 : weightedChi2 / countedWeight;
}
