using GpuExtract.Core.Formats;
using GpuExtract.Core.Validation;

namespace GpuExtract.Core.Tests.Validation;

public class TruthPullsTests
{
    private const int NWave = 40, NDiag = 11, Half = 5, Pad = 7;

    /// <summary>A frame whose resolution is a 3-tap kernel (0.25, 0.5, 0.25) and whose flux is R·truth + shift/√ivar.</summary>
    private static (Frame Frame, double[] TruthWave, double[] Truth) Case(Func<int, double> shiftInSigma)
    {
        int ntruth = NWave + 2 * Pad;
        double[] truthWave = Enumerable.Range(0, ntruth).Select(i => 6000 + 0.8 * (i - Pad)).ToArray();
        double[] truth = Enumerable.Range(0, ntruth).Select(i => 100 + 10 * Math.Sin(i)).ToArray();
        var resolution = new double[NDiag * NWave];
        var flux = new double[NWave];
        var ivar = new double[NWave];
        for (int j = 0; j < NWave; j++)
        {
            resolution[(Half - 1) * NWave + j] = 0.25; // R[j−1, j]
            resolution[Half * NWave + j] = 0.5;         // R[j, j]
            resolution[(Half + 1) * NWave + j] = 0.25; // R[j+1, j]
        }
        for (int row = 0; row < NWave; row++)
        {
            double convolved = 0.25 * truth[Pad + row - 1] + 0.5 * truth[Pad + row] + 0.25 * truth[Pad + row + 1];
            ivar[row] = 4.0;
            flux[row] = convolved + shiftInSigma(row) / Math.Sqrt(ivar[row]);
        }
        var frame = new Frame
        {
            SpecMin = 0,
            NSpec = 1,
            Wavelength = truthWave[Pad..(Pad + NWave)],
            Flux = flux,
            Ivar = ivar,
            Mask = new uint[NWave],
            DiagonalCount = NDiag,
            Resolution = resolution,
            Chi2Pix = new double[NWave],
        };
        return (frame, truthWave, truth);
    }

    [Fact]
    public void Compute_FluxEqualToConvolvedTruth_GivesZeroPulls()
    {
        var (frame, wave, truth) = Case(_ => 0);
        var pulls = TruthPulls.Compute(frame, wave, truth, edgeBins: Half);
        Assert.Equal(NWave - 2 * Half, pulls.Bins);
        Assert.True(pulls.MaxAbsolute < 1e-12, $"max |pull| {pulls.MaxAbsolute}");
    }

    [Fact]
    public void Compute_AlternatingOneSigmaOffsets_GiveMeanZeroStdOne()
    {
        var (frame, wave, truth) = Case(row => row % 2 == 0 ? 1 : -1);
        var pulls = TruthPulls.Compute(frame, wave, truth, edgeBins: Half);
        Assert.Equal(0, pulls.Mean, 12);
        Assert.Equal(1, pulls.StandardDeviation, 1); // sample std of ±1 over 30 bins: √(30/29)
        Assert.Equal(1, pulls.MaxAbsolute, 12);
    }

    [Fact]
    public void Compute_SkipsMaskedAndZeroIvarBins()
    {
        var (frame, wave, truth) = Case(_ => 3);
        frame.Mask[10] = Frame.SomeBadPixels;
        frame.Ivar[11] = 0;
        var pulls = TruthPulls.Compute(frame, wave, truth, edgeBins: Half);
        Assert.Equal(NWave - 2 * Half - 2, pulls.Bins);
        Assert.Equal(3, pulls.Mean, 9);
    }
}
