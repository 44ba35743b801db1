namespace GpuExtract.Batch;

/// <summary>
/// Shares a manifest's frames among the ranks of a job, balancing their cost, deterministically: every
/// rank computes the same assignment from the same manifest without talking to the others.
/// </summary>
public static class FrameAssignment
{
    /// <summary>Fibers assumed when a frame's count is left to its PSF (a DESI camera has 500).</summary>
    public const int AssumedFibers = 500;

    /// <summary>Output bins assumed when a frame's grid is left to its PSF (about a DESI camera's 2326–2881).</summary>
    public const int AssumedWavelengths = 2500;

    /// <summary>
    /// The cost of extracting a frame, in spectrum-wavelengths (nspec × nwave): extraction time is
    /// proportional to it. Settings left to the PSF take <see cref="AssumedFibers"/> and
    /// <see cref="AssumedWavelengths"/>, so that no rank has to open every PSF to plan the run.
    /// </summary>
    public static long Cost(FrameSettings resolved) =>
        (long)(resolved.NSpec ?? AssumedFibers) * (resolved.Wavelength?.Count ?? AssumedWavelengths);

    /// <summary>
    /// The frames of each rank (indices into <paramref name="costs"/>, ascending): longest processing time
    /// first (Graham's LPT rule, at most 4/3 of the optimal longest share): frames by decreasing cost,
    /// ties in manifest order, each to the rank with the least cost so far, ties to the lowest rank.
    /// Equal costs thus go round-robin in manifest order.
    /// </summary>
    /// <returns>An array of <paramref name="ranks"/> arrays.</returns>
    public static int[][] Balance(IReadOnlyList<long> costs, int ranks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ranks, 1);
        var order = new int[costs.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        Array.Sort(order, (a, b) => costs[a] != costs[b] ? costs[b].CompareTo(costs[a]) : a.CompareTo(b));

        var load = new long[ranks];
        var shares = new List<int>[ranks];
        for (int r = 0; r < ranks; r++)
        {
            shares[r] = [];
        }
        foreach (int frame in order)
        {
            int least = 0;
            for (int r = 1; r < ranks; r++)
            {
                if (load[r] < load[least])
                {
                    least = r;
                }
            }
            load[least] += costs[frame];
            shares[least].Add(frame);
        }
        var result = new int[ranks][];
        for (int r = 0; r < ranks; r++)
        {
            shares[r].Sort();
            result[r] = [.. shares[r]];
        }
        return result;
    }
}
