using GpuExtract.Core.Extraction;

namespace GpuExtract.Batch.Tests;

public class FrameAssignmentTests
{
    [Fact]
    public void EqualCosts_GoRoundRobinInManifestOrder()
    {
        int[][] shares = FrameAssignment.Balance([10, 10, 10, 10, 10], 2);
        Assert.Equal([0, 2, 4], shares[0]);
        Assert.Equal([1, 3], shares[1]);
    }

    [Fact]
    public void LongestFirst_FollowsGrahamsRuleByHand()
    {
        // Costs 2..7 on 2 ranks. By hand: 7→r0, 6→r1, 5→r1 (6<7), 4→r0 (7<11), 3→r0 (tie 11/11: lowest rank), 2→r1.
        int[][] shares = FrameAssignment.Balance([2, 3, 4, 5, 6, 7], 2);
        Assert.Equal([1, 2, 5], shares[0]);
        Assert.Equal([0, 3, 4], shares[1]);
    }

    [Fact]
    public void MoreRanksThanFrames_LeavesSomeRanksIdle()
    {
        int[][] shares = FrameAssignment.Balance([5, 9], 4);
        Assert.Equal([[1], [0], [], []], shares);
    }

    /// <summary>
    /// Every frame goes to exactly one rank, and the longest share is within Graham's LPT bound
    /// (4/3 − 1/(3m)) of the optimum, found here by trying every assignment.
    /// </summary>
    [Theory]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(3, 4)]
    public void RandomCosts_AreSharedOnceAndWithinTheLptBound(int ranks, int seed)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 25; trial++)
        {
            long[] costs = [.. Enumerable.Range(0, random.Next(1, 9)).Select(_ => (long)random.Next(1, 100))];
            int[][] shares = FrameAssignment.Balance(costs, ranks);

            int[] all = [.. shares.SelectMany(s => s).Order()];
            Assert.Equal(Enumerable.Range(0, costs.Length), all);
            foreach (int[] share in shares)
            {
                Assert.Equal(share.Order(), share);
            }
            long longest = shares.Max(s => s.Sum(i => costs[i]));
            long optimum = OptimalLongestShare(costs, ranks);
            double bound = (4.0 / 3 - 1.0 / (3 * ranks)) * optimum;
            Assert.True(longest <= bound + 1e-9, $"costs [{string.Join(",", costs)}] on {ranks} ranks: LPT {longest}, optimum {optimum}, bound {bound}");
            Assert.Equal(shares, FrameAssignment.Balance(costs, ranks));
        }
    }

    [Fact]
    public void Cost_IsFibersTimesWavelengths_WithDesiDefaults()
    {
        Assert.Equal(500L * 2326, FrameAssignment.Cost(CameraPreset.Red with { NSpec = 500 }));
        Assert.Equal(25L * 126, FrameAssignment.Cost(new FrameSettings { NSpec = 25, Wavelength = new WavelengthRange(6000, 6100, 0.8) }));
        Assert.Equal((long)FrameAssignment.AssumedFibers * FrameAssignment.AssumedWavelengths, FrameAssignment.Cost(FrameSettings.None));
    }

    private static long OptimalLongestShare(long[] costs, int ranks)
    {
        long best = long.MaxValue;
        var load = new long[ranks];
        void Place(int frame)
        {
            if (frame == costs.Length)
            {
                best = Math.Min(best, load.Max());
                return;
            }
            for (int r = 0; r < ranks; r++)
            {
                load[r] += costs[frame];
                Place(frame + 1);
                load[r] -= costs[frame];
            }
        }
        Place(0);
        return best;
    }
}
