
namespace GpuExtract.Batch.Tests;

public class RankPlacementTests
{
    private static RankPlacement Discover(params (string Name, string Value)[] variables)
    {
        var environment = variables.ToDictionary(v => v.Name, v => v.Value);
        return RankPlacement.Discover(name => environment.GetValueOrDefault(name));
    }

    [Fact]
    public void NoLauncher_IsOneRank() => Assert.Equal(RankPlacement.Single, Discover());

    [Fact]
    public void SrunTask_TakesSlurmsStepVariables()
    {
        RankPlacement placement = Discover(("SLURM_PROCID", "5"), ("SLURM_STEP_ID", "0"), ("SLURM_STEP_NUM_TASKS", "8"),
            ("SLURM_NTASKS", "16"), ("SLURM_LOCALID", "1"));
        Assert.Equal(new RankPlacement(5, 8, 1, "Slurm"), placement);
        Assert.Equal(1, placement.DeviceFor(4));
    }

    [Fact]
    public void SrunTaskWithoutStepCount_FallsBackToSlurmNtasks() =>
        Assert.Equal(new RankPlacement(2, 4, 2, "Slurm"), Discover(("SLURM_PROCID", "2"), ("SLURM_STEPID", "3"), ("SLURM_NTASKS", "4"), ("SLURM_LOCALID", "2")));

    [Fact]
    public void SlurmBatchScriptWithoutSrun_IsOneRankAndSaysWhy()
    {
        // sbatch gives the script itself SLURM_PROCID=0 and SLURM_NTASKS=N, but no step.
        RankPlacement placement = Discover(("SLURM_PROCID", "0"), ("SLURM_NTASKS", "4"), ("SLURM_LOCALID", "0"), ("SLURM_JOB_ID", "123"));
        Assert.Equal((0, 1), (placement.Rank, placement.Size));
        Assert.Contains("srun", placement.Note);
    }

    [Fact]
    public void Mpirun_TakesOpenMpiVariablesOverInheritedSlurmOnes()
    {
        RankPlacement placement = Discover(("OMPI_COMM_WORLD_RANK", "3"), ("OMPI_COMM_WORLD_SIZE", "4"), ("OMPI_COMM_WORLD_LOCAL_RANK", "1"),
            ("SLURM_PROCID", "0"), ("SLURM_STEP_ID", "0"), ("SLURM_NTASKS", "2"), ("SLURM_LOCALID", "0"));
        Assert.Equal(new RankPlacement(3, 4, 1, "Open MPI"), placement);
    }

    [Fact]
    public void Pmi_TakesLocalRankFromMpich_ElseTheRank()
    {
        Assert.Equal(new RankPlacement(6, 8, 2, "PMI"), Discover(("PMI_RANK", "6"), ("PMI_SIZE", "8"), ("MPI_LOCALRANKID", "2")));
        Assert.Equal(new RankPlacement(6, 8, 6, "PMI"), Discover(("PMI_RANK", "6"), ("PMI_SIZE", "8")));
    }

    [Theory]
    [InlineData("OMPI_COMM_WORLD_RANK", "one", "OMPI_COMM_WORLD_SIZE", "2", "OMPI_COMM_WORLD_RANK='one' is not a whole number")]
    [InlineData("OMPI_COMM_WORLD_RANK", "2", "OMPI_COMM_WORLD_SIZE", "2", "OMPI_COMM_WORLD_RANK=2 with OMPI_COMM_WORLD_SIZE=2: need 0 ≤ rank < size")]
    [InlineData("PMI_RANK", "0", "PMI_SIZES", "2", "PMI_RANK is set but PMI_SIZE is not")]
    [InlineData("PMI_RANK", "-1", "PMI_SIZE", "2", "PMI_RANK=-1 with PMI_SIZE=2")]
    public void MalformedVariables_AreNamed(string rankName, string rank, string sizeName, string size, string expected)
    {
        var error = Assert.Throws<LauncherEnvironmentException>(() => Discover((rankName, rank), (sizeName, size)));
        Assert.StartsWith(expected, error.Message);
    }

    [Theory]
    [InlineData(0, 4, 0)]
    [InlineData(3, 4, 3)]
    [InlineData(5, 4, 1)]
    [InlineData(7, 1, 0)]
    public void Device_IsLocalRankModuloDeviceCount(int localRank, int devices, int expected) =>
        Assert.Equal(expected, new RankPlacement(0, 8, localRank, "test").DeviceFor(devices));

    [Fact]
    public void Device_WithNoDevices_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RankPlacement.Single.DeviceFor(0));
}
