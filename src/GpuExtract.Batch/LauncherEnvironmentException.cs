namespace GpuExtract.Batch;

/// <summary>The launcher's rank variables (SLURM_*, OMPI_COMM_WORLD_*, PMI_*) are malformed or inconsistent; the message names them.</summary>
public sealed class LauncherEnvironmentException(string message) : Exception(message);
