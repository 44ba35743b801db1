using System.Globalization;

namespace GpuExtract.Batch;

/// <summary>
/// Which process of a batch job this is, as the site's launcher tells it through the environment:
/// rank (0 … Size−1), world size, and rank on this node (which picks the GPU).
/// </summary>
/// <param name="Rank">This process's rank, 0 … Size − 1.</param>
/// <param name="Size">Number of processes in the job.</param>
/// <param name="LocalRank">Rank among the processes on this node.</param>
/// <param name="Launcher">What said so: "Open MPI", "PMI", "Slurm" or "none (one rank)".</param>
/// <param name="Note">Why a launcher's variables were ignored, or null.</param>
public sealed record RankPlacement(int Rank, int Size, int LocalRank, string Launcher, string? Note = null)
{
    /// <summary>A run on its own: rank 0 of 1.</summary>
    public static RankPlacement Single { get; } = new(0, 1, 0, "none (one rank)");

    /// <summary>Reads the placement from the process environment.</summary>
    /// <exception cref="LauncherEnvironmentException">a launcher variable is malformed or inconsistent.</exception>
    public static RankPlacement Discover() => Discover(Environment.GetEnvironmentVariable);

    /// <summary>
    /// Reads the placement from <paramref name="environment"/>. Open MPI's variables
    /// (OMPI_COMM_WORLD_RANK/SIZE/LOCAL_RANK) come first, then PMI's (PMI_RANK/PMI_SIZE, local rank from
    /// MPI_LOCALRANKID), then Slurm's (SLURM_PROCID, SLURM_STEP_NUM_TASKS or SLURM_NTASKS, SLURM_LOCALID):
    /// an <c>mpirun</c> or <c>mpiexec</c> started inside a Slurm job inherits the job's SLURM_* variables,
    /// which then describe the allocation, not this process. Slurm's count only when the process is a
    /// task of an <c>srun</c> step (SLURM_STEP_ID set): a batch script itself also carries SLURM_PROCID=0
    /// and SLURM_NTASKS=N, and taking those would make a run without <c>srun</c> do 1/N of its frames.
    /// A missing local rank is taken to be the rank (right for one node, and for block placement with
    /// one rank per GPU).
    /// </summary>
    public static RankPlacement Discover(Func<string, string?> environment)
    {
        if (environment("OMPI_COMM_WORLD_RANK") is not null)
        {
            return Read(environment, "Open MPI", "OMPI_COMM_WORLD_RANK", ["OMPI_COMM_WORLD_SIZE"], ["OMPI_COMM_WORLD_LOCAL_RANK"]);
        }
        if (environment("PMI_RANK") is not null)
        {
            return Read(environment, "PMI", "PMI_RANK", ["PMI_SIZE"], ["MPI_LOCALRANKID", "PMI_LOCAL_RANK"]);
        }
        if (environment("SLURM_PROCID") is not null)
        {
            if (environment("SLURM_STEP_ID") is null && environment("SLURM_STEPID") is null)
            {
                return Single with
                {
                    Note = "SLURM_PROCID is set but this is not a task of an srun step (no SLURM_STEP_ID): running as one rank; " +
                           "start the job with srun to share the frames",
                };
            }
            return Read(environment, "Slurm", "SLURM_PROCID", ["SLURM_STEP_NUM_TASKS", "SLURM_NTASKS"], ["SLURM_LOCALID"]);
        }
        return Single;
    }

    /// <summary>The GPU this rank uses: local rank modulo the number of visible devices.</summary>
    public int DeviceFor(int deviceCount) => deviceCount >= 1
        ? LocalRank % deviceCount
        : throw new ArgumentOutOfRangeException(nameof(deviceCount), deviceCount, "no device to choose from");

    public override string ToString() => $"rank {Rank} of {Size} (local rank {LocalRank}, launcher: {Launcher})";

    private static RankPlacement Read(Func<string, string?> environment, string launcher, string rankName, string[] sizeNames, string[] localNames)
    {
        int rank = Number(environment, rankName);
        string? sizeName = Array.Find(sizeNames, name => environment(name) is not null)
            ?? throw new LauncherEnvironmentException($"{rankName} is set but {string.Join(" and ", sizeNames)} {(sizeNames.Length > 1 ? "are" : "is")} not: cannot tell the number of ranks");
        int size = Number(environment, sizeName);
        if (size < 1 || rank < 0 || rank >= size)
        {
            throw new LauncherEnvironmentException($"{rankName}={rank} with {sizeName}={size}: need 0 ≤ rank < size");
        }
        string? localName = Array.Find(localNames, name => environment(name) is not null);
        int local = localName is null ? rank : Number(environment, localName);
        if (local < 0)
        {
            throw new LauncherEnvironmentException($"{localName}={local}: a local rank cannot be negative");
        }
        return new RankPlacement(rank, size, local, launcher);
    }

    private static int Number(Func<string, string?> environment, string name)
    {
        string text = environment(name) ?? "";
        return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new LauncherEnvironmentException($"{name}='{text}' is not a whole number");
    }
}
