using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Planning;

namespace GpuExtract.Core.Tests.Extraction;

/// <summary>
/// Whatever a backend returns, the assembled frame fits float32, the frame file's type: a flux or ivar
/// that would overflow it (or is NaN/Inf) becomes flux 0, ivar 0; chi2pix saturates at float.MaxValue
/// (which desispec's BAD2DFIT rule still flags among ordinary fibers); a resolution column with such a
/// value becomes the identity column.
/// </summary>
public class FrameAssemblerTests
{
    [Fact]
    public void ValuesBeyondFloat32_BecomeNoInformation()
    {
        const int nwave = 6;
        var batch = new PatchBatch(1);
        batch.FiberCount[0] = 1;
        batch.KeepFiberCount[0] = 1;
        batch.WaveCount[0] = nwave;
        batch.CoreCount[0] = nwave;
        batch.XMax[0] = 1;
        batch.YMax[0] = 1;
        batch.ComputeOffsets();
        var plan = new PatchPlan { Patches = batch, GridWavelengths = [1, 2, 3, 4, 5, 6], GridOffset = 0, HalfDiagonals = 1 };
        var results = new PatchResults(nwave, halfDiagonals: 1, modelCount: 0);
        double[] flux = [1, 1e39, double.NaN, 2, 3, 4];
        double[] ivar = [1, 1, 1, 1e39, double.PositiveInfinity, 1];
        double[] chi2 = [1, 1, 1, 1e39, double.NaN, 1];
        for (int k = 0; k < nwave; k++)
        {
            (results.Flux[k], results.Ivar[k], results.Chi2Pix[k]) = (flux[k], ivar[k], chi2[k]);
            results.Resolution[k * 3 + 0] = 0.25;
            results.Resolution[k * 3 + 1] = 0.5;
            results.Resolution[k * 3 + 2] = 0.25;
        }
        results.Resolution[5 * 3 + 2] = -1e40;
        var options = new ExtractionOptions { Wavelengths = [1, 2, 3, 4, 5, 6], SpecMin = 0, NSpec = 1 };

        Frame frame = FrameAssembler.Assemble(plan, results, options);

        // Bin widths are 1 Å, so per-Ångström values equal the per-bin ones.
        Assert.Equal([1, 0, 0, 0, 0, 4], frame.Flux);
        Assert.Equal([1, 0, 0, 0, 0, 1], frame.Ivar);
        Assert.Equal([1, 1, 1, float.MaxValue, 0, 1], frame.Chi2Pix);
        // One fiber is its own median across fibers, so desispec's rule flags nothing here; among
        // ordinary fibers the saturated value is flagged.
        Assert.Equal(0u, frame.Mask[3] & Frame.Bad2DFit);
        double[] threeFibers = [.. frame.Chi2Pix, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
        var mask = new uint[threeFibers.Length];
        Chi2PixMask.Apply(threeFibers, nspec: 3, nwave, mask);
        Assert.Equal(Frame.Bad2DFit, mask[3] & Frame.Bad2DFit);
        // RESOLUTION is [nspec, ndiag, nwave]: bin 5 is the identity column, bin 4 kept.
        Assert.Equal([0.0, 1.0, 0.0], new[] { frame.Resolution[0 * nwave + 5], frame.Resolution[1 * nwave + 5], frame.Resolution[2 * nwave + 5] });
        Assert.Equal([0.25, 0.5, 0.25], new[] { frame.Resolution[0 * nwave + 4], frame.Resolution[1 * nwave + 4], frame.Resolution[2 * nwave + 4] });
        foreach (double v in frame.Flux.Concat(frame.Ivar).Concat(frame.Chi2Pix).Concat(frame.Resolution))
        {
            Assert.True(float.IsFinite((float)v), $"{v} does not fit float32");
        }
    }
}
