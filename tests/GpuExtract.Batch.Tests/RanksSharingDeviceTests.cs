namespace GpuExtract.Batch.Tests;

/// <summary>How many ranks of a node share one GPU (local rank modulo the GPU count), from the launcher's local size.</summary>
public sealed class RanksSharingDeviceTests
{
    [Theory]
    // 8 ranks on 4 GPUs: two per GPU; 6 ranks on 4 GPUs: GPUs 0 and 1 get two, 2 and 3 one; as many ranks as GPUs: one.
    [InlineData(0, 8, 4, 2)]
    [InlineData(3, 8, 4, 2)]
    [InlineData(1, 6, 4, 2)]
    [InlineData(2, 6, 4, 1)]
    [InlineData(3, 4, 4, 1)]
    [InlineData(0, 4, 1, 4)]
    public void RanksSharingDevice_CountsTheLocalRanksOnTheSameGpu(int localRank, int localSize, int gpus, int expected)
    {
        var placement = new RankPlacement(localRank, localSize, localRank, "test");
        Assert.Equal(expected, placement.RanksSharingDevice(gpus, localSize));
        // A second algorithm: count the local ranks that pick the same GPU.
        Assert.Equal(Enumerable.Range(0, localSize).Count(r => r % gpus == localRank % gpus), expected);
    }

    [Theory]
    [InlineData("OMPI_COMM_WORLD_LOCAL_SIZE", "4", 4)]
    [InlineData("MPI_LOCALNRANKS", "3", 3)]
    [InlineData("SLURM_STEP_TASKS_PER_NODE", "4(x2),3", 4)]
    [InlineData("SLURM_NTASKS_PER_NODE", "8", 8)]
    [InlineData("SLURM_NTASKS_PER_NODE", "x", null)]
    public void LocalSize_ComesFromTheLauncher(string name, string value, int? expected)
    {
        Assert.Equal(expected, RankPlacement.DiscoverLocalSize(n => n == name ? value : null));
    }
}
