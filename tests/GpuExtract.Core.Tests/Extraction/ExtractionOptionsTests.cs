using GpuExtract.Core.Extraction;

namespace GpuExtract.Core.Tests.Extraction;

public class ExtractionOptionsTests
{
    // Bin counts of DESI's camera grids are stated in DESIGN §1.1 (numpy.arange(wmin, wmax + dw/2, dw)).
    [Theory]
    [InlineData(5760, 7620, 0.8, 2326)]
    [InlineData(3600, 5800, 0.8, 2751)]
    [InlineData(7520, 9824, 0.8, 2881)]
    [InlineData(6200, 6400, 0.8, 251)]
    public void LinearGrid_HasTheReferenceBinCount(double wmin, double wmax, double dw, int expected)
    {
        Assert.Equal(expected, ExtractionOptions.LinearGrid(wmin, wmax, dw).Length);
    }

    [Fact]
    public void LinearGrid_StepsLikeNumpyArange()
    {
        // reference README §4.1: numpy's step is fl(WMIN + DW) − WMIN = 0.8000000000001819 for WMIN 5760.
        double[] grid = ExtractionOptions.LinearGrid(5760, 7620, 0.8);
        Assert.Equal(0.8000000000001819, grid[1] - grid[0], 15);
        Assert.Equal(5760 + 2325 * 0.8000000000001819, grid[^1], 9);
    }

    [Theory]
    [InlineData(7620, 5760, 0.8)]
    [InlineData(5760, 7620, 0)]
    [InlineData(5760, 7620, -1)]
    public void LinearGrid_RefusesNonIncreasingGrids(double wmin, double wmax, double dw)
    {
        var error = Assert.Throws<ExtractionInputException>(() => ExtractionOptions.LinearGrid(wmin, wmax, dw));
        Assert.Contains("not increasing", error.Message);
    }
}
