using System.Diagnostics;

namespace GpuExtract.Cuda.Pipeline;

/// <summary>Stages of the device pipeline, in order.</summary>
public enum DeviceStage
{
    Upload,
    Spots,
    NormalEquations,
    Cholesky,
    Inverse,
    Eigen,
    Resolution,
    Diagnostics,
    Download,
    CpuFallback,
}

/// <summary>
/// Wall seconds and FLOPs per pipeline stage, summed over batches and frames. With
/// <see cref="CudaBackendOptions.StageTiming"/> each stage ends with a stream synchronisation, so its time is the
/// device's time for it (plus launch overhead); without, the host waits once per batch, at the download, and the
/// device's time shows there.
/// </summary>
public sealed class DeviceStageTimes
{
    private readonly double[] _seconds = new double[Enum.GetValues<DeviceStage>().Length];
    private readonly double[] _flops = new double[Enum.GetValues<DeviceStage>().Length];

    public static long Now() => Stopwatch.GetTimestamp();

    /// <summary>Adds the time since <paramref name="start"/> (a <see cref="Now"/> value) and <paramref name="flops"/> to <paramref name="stage"/>.</summary>
    public void Add(DeviceStage stage, long start, double flops)
    {
        _seconds[(int)stage] += Stopwatch.GetElapsedTime(start).TotalSeconds;
        _flops[(int)stage] += flops;
    }

    public double Seconds(DeviceStage stage) => _seconds[(int)stage];

    public double Flops(DeviceStage stage) => _flops[(int)stage];

    public double TotalSeconds => _seconds.Sum();

    public double TotalFlops => _flops.Sum();

    public void Clear()
    {
        Array.Clear(_seconds);
        Array.Clear(_flops);
    }
}
