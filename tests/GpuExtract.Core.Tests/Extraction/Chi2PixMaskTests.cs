using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;

namespace GpuExtract.Core.Tests.Extraction;

public sealed class Chi2PixMaskTests
{
    /// <summary>
    /// 5 fibers × 4 wavelengths, medians worked by hand. Per wavelength (over 5 fibers): 1 everywhere.
    /// Per fiber (over 4 wavelengths, the mean of the middle two): [1, 1, 2, 1, 20]. Flagged: (0,1) = 6 > 5·1
    /// and > 5·1; (2,2) = 40 > 5·1 and > 5·2. Not flagged: (2,3) = 3 (below both) and fiber 4's 20s, above
    /// 5× the wavelength median but not 5× their own fiber's (a bright star).
    /// </summary>
    [Fact]
    public void Bad2DFit_NeedsBothMediansExceeded()
    {
        double[] chi2 =
        [
            1, 6, 1, 1,
            1, 1, 1, 1,
            1, 1, 40, 3,
            1, 1, 1, 1,
            20, 20, 20, 20,
        ];
        var mask = new uint[chi2.Length];
        mask[5] = Frame.SomeBadPixels;
        Chi2PixMask.Apply(chi2, 5, 4, mask);
        var expected = new uint[chi2.Length];
        expected[1] = Frame.Bad2DFit;
        expected[5] = Frame.SomeBadPixels;
        expected[10] = Frame.Bad2DFit;
        Assert.Equal(expected, mask);
    }
}
