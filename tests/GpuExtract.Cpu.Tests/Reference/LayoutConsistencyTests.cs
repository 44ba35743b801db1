using GpuExtract.Core.Formats;
using GpuExtract.Core.Validation;
using Xunit.Abstractions;
using static GpuExtract.Cpu.Tests.Reference.ReferenceCase;

namespace GpuExtract.Cpu.Tests.Reference;

/// <summary>
/// Bundle0 extracted with other patch layouts (nwavestep 30/50/80, nsubbundles 5/6) gives the
/// same spectra to within what the divide-and-conquer itself changes. A layout moves the patch edges,
/// and near an edge the fitted flux depends on where the patch was cut (reference README §6), so DESIGN
/// §4's pull target only holds away from the edges; the limits over all bins come from measured figures.
/// </summary>
public class LayoutConsistencyTests(ITestOutputHelper output)
{
    /// <summary>
    /// Different wavelength blocks. Measured over all bins (30 vs 50, 80 vs 50, 30 vs 80): max pull
    /// 0.078 / 0.086 / 0.086, 98.2 / 98.5 / 98.1% of pulls &lt; 0.01, ivar 1.9e-4 rel., resolution 4.9e-5
    /// abs., chi2pix up to 0.17 abs. (the block's top bin is the worst: it has the least light-weighted
    /// pad). This is the scale of specter against itself with nsubbundles 5 → 6 (0.054, 99.7%, chi2pix
    /// 0.08) and of gpu_specter's fixed padding against specter (0.058–0.063, 98.5–98.8%), README §6;
    /// the limits are 0.1 and 97.5%. ivar and resolution meet DESIGN §4 (1e-3, 1e-4) everywhere.
    /// The differences fall by ×1.5 per bin away from an edge: at ≥ 5 bins from every internal block edge
    /// of both layouts DESIGN §4's pull target holds (measured max 0.011, 100.00% &lt; 0.01), and at ≥ 15
    /// bins the two agree to 1e-3 (measured ≤ 2e-4), so nothing but the edges depends on nwavestep.
    /// </summary>
    [SkippableTheory]
    [InlineData(30, 50)]
    [InlineData(80, 50)]
    [InlineData(30, 80)]
    public void Bundle0_OtherWaveStep_ChangesOnlyBinsNearBlockEdges(int stepA, int stepB)
    {
        Frame a = Extract(new ExtractionCase(Bundle0Image, 5, stepA), output);
        Frame b = Extract(new ExtractionCase(Bundle0Image, 5, stepB), output);
        int nwave = b.NWave;

        FrameAgreement all = Compare(a, b);
        output.WriteLine($"nwavestep {stepA} vs {stepB}, all bins: {all}");
        AssertWithin(all, new Tolerance("all bins, measured layout scale", 0.1, 0.975, 1e-3, 1e-4, 0.3, 1e-9));

        FrameAgreement away5 = Compare(a, b, (_, bin) => Math.Min(BinsFromBlockEdge(bin, stepA, nwave), BinsFromBlockEdge(bin, stepB, nwave)) >= 5);
        output.WriteLine($"≥ 5 bins from every block edge: {away5}");
        AssertWithin(away5, DesignTargets with { Name = "DESIGN §4 at ≥ 5 bins from block edges", MaxChi2Absolute = null });

        FrameAgreement away15 = Compare(a, b, (_, bin) => Math.Min(BinsFromBlockEdge(bin, stepA, nwave), BinsFromBlockEdge(bin, stepB, nwave)) >= 15);
        output.WriteLine($"≥ 15 bins from every block edge: {away15}");
        Assert.True(away15.MaxPull < 1e-3, $"≥ 15 bins from block edges: max pull {away15.MaxPull:E3} ≥ 1e-3: {away15}");
    }

    /// <summary>
    /// Different subbundles. Our nsub 5 and nsub 6 frames differ exactly as specter's own do: the
    /// difference of differences, (ours₆ − ours₅) − (specter₆ − specter₅), is within 1e-5 in pull
    /// (each frame matches specter to ≤ 3.3e-7). Over all bins the two differ by what specter's do
    /// (README §6: max pull 0.054, 99.71% &lt; 0.01, ivar 1.9e-4, resolution 4.8e-5, chi2pix 0.078), so the
    /// limits are 0.06 and 99.5%, and DESIGN's 1e-3 / 1e-4 for ivar and resolution.
    /// </summary>
    [SkippableFact]
    public void Bundle0_Nsub6_DiffersFromNsub5AsSpecterDoes()
    {
        Frame ours5 = Extract(new ExtractionCase(Bundle0Image, 5), output);
        Frame ours6 = Extract(new ExtractionCase(Bundle0Image, 6), output);
        Frame specter5 = ReferenceFrame("bundle0-frame-specter.fits");
        Frame specter6 = ReferenceFrame("bundle0-nsub6-frame-specter.fits");

        FrameAgreement ours = Compare(ours6, ours5);
        FrameAgreement specter = Compare(specter6, specter5);
        output.WriteLine($"ours nsub 6 vs 5: {ours}");
        output.WriteLine($"specter nsub 6 vs 5: {specter}");
        AssertWithin(ours, new Tolerance("nsub 6 vs 5, specter's scale", 0.06, 0.995, 1e-3, 1e-4, 0.1, 1e-9));

        double worst = 0;
        for (int i = 0; i < specter5.Flux.Length; i++)
        {
            if (specter5.Ivar[i] > 0)
            {
                double difference = (ours6.Flux[i] - ours5.Flux[i]) - (specter6.Flux[i] - specter5.Flux[i]);
                worst = Math.Max(worst, Math.Abs(difference) * Math.Sqrt(specter5.Ivar[i]));
            }
        }
        output.WriteLine($"max pull of (ours6 − ours5) − (specter6 − specter5): {worst:E3}");
        Assert.True(worst < 1e-5, $"nsub 6 − nsub 5 differs from specter's by {worst:E3} in pull (limit 1e-5)");
    }

    /// <summary>
    /// Bins between <paramref name="bin"/> and the nearest internal edge of its block when the grid of
    /// <paramref name="nwave"/> bins is cut into blocks of <paramref name="step"/>: 0 for a block's first or
    /// last bin. The frame's own ends are not patch edges that move with the layout (int.MaxValue there).
    /// </summary>
    private static int BinsFromBlockEdge(int bin, int step, int nwave)
    {
        int first = bin - bin % step;
        int last = Math.Min(first + step, nwave) - 1;
        int fromFirst = first == 0 ? int.MaxValue : bin - first;
        int fromLast = last == nwave - 1 ? int.MaxValue : last - bin;
        return Math.Min(fromFirst, fromLast);
    }
}
