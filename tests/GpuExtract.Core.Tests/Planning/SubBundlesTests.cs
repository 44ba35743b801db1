using GpuExtract.Core.Planning;

namespace GpuExtract.Core.Tests.Planning;

public class SubBundlesTests
{
    // Expected partitions are the reference's documented examples (specter split_bundle docstring and
    // the reference README §7), not outputs of this code.
    [Fact]
    public void Own_TenFibersInThree_MatchesReferenceDocstring()
    {
        var own = SubBundles.Own(10, 3);
        Assert.Equal([(0, 3), (3, 3), (6, 4)], own);
        Assert.Equal((0, 4), SubBundles.Fitted(own[0], 10));
        Assert.Equal((2, 5), SubBundles.Fitted(own[1], 10));
        Assert.Equal((5, 5), SubBundles.Fitted(own[2], 10));
    }

    [Fact]
    public void Own_DesiBundleInSix_PutsTheLargerSubbundleLast()
    {
        var own = SubBundles.Own(25, 6);
        Assert.Equal([4, 4, 4, 4, 4, 5], own.Select(s => s.Count));
        Assert.Equal(25, own.Sum(s => s.Count));
    }

    [Theory]
    [InlineData(25, 5)]
    [InlineData(25, 1)]
    [InlineData(25, 25)]
    [InlineData(25, 7)]
    [InlineData(5, 5)]
    public void Own_CoversTheBundleOnceWithSizesDifferingByAtMostOne(int bundleSize, int count)
    {
        var own = SubBundles.Own(bundleSize, count);
        Assert.Equal(count, own.Length);
        int next = 0;
        foreach (var (first, n) in own)
        {
            Assert.Equal(next, first);
            next += n;
        }
        Assert.Equal(bundleSize, next);
        Assert.True(own.Max(s => s.Count) - own.Min(s => s.Count) <= 1);
    }

    [Fact]
    public void Fitted_SingleFiberSubbundles_AddOneNeighbourEachSideInsideTheBundle()
    {
        var own = SubBundles.Own(5, 5);
        Assert.Equal([(0, 2), (0, 3), (1, 3), (2, 3), (3, 2)], own.Select(o => SubBundles.Fitted(o, 5)));
    }
}
