using System.Diagnostics;
using System.Numerics;
using System.Reflection;
using System.Runtime.InteropServices;
using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.EighStudy;

/// <summary>
/// What the eigh study ran on, written with every result file: CPU model and cores, memory, OS and runtime,
/// the LAPACK library, whether the managed code was optimised, and the GPU (name, driver and library versions)
/// when a CUDA backend supplied them.
/// </summary>
public sealed record MachineInfo
{
    /// <summary>e.g. "Intel(R) Xeon(R) Processor" (/proc/cpuinfo "model name" on Linux).</summary>
    public required string CpuModel { get; init; }

    /// <summary>Logical processors available to the process.</summary>
    public required int LogicalCores { get; init; }

    /// <summary>Memory available to the process [bytes].</summary>
    public required long MemoryBytes { get; init; }

    public required string OperatingSystem { get; init; }

    /// <summary>e.g. ".NET 10.0.0".</summary>
    public required string Runtime { get; init; }

    /// <summary>SIMD width of the managed kernels and of the hardware, e.g. "Vector&lt;double&gt; x4; widest hardware vectors 512-bit (AVX-512)".</summary>
    public required string Simd { get; init; }

    /// <summary>"Release" or "Debug" (a Debug build runs the managed solver about 15× slower).</summary>
    public required string BuildConfiguration { get; init; }

    /// <summary>The native LAPACK library, or why none could be loaded.</summary>
    public required string Lapack { get; init; }

    /// <summary>GPU name, or null when none was used.</summary>
    public string? GpuName { get; init; }

    /// <summary>CUDA driver version, or null.</summary>
    public string? GpuDriver { get; init; }

    /// <summary>cuSOLVER / CUDA runtime library versions, or null.</summary>
    public string? GpuLibraries { get; init; }

    /// <summary>Why no GPU figures are present (when <see cref="GpuName"/> is null).</summary>
    public string? GpuAbsentReason { get; init; }

    /// <summary>When the study started (UTC, ISO 8601).</summary>
    public required string StartedUtc { get; init; }

    /// <summary>
    /// /proc/loadavg (1, 5 and 15 minute load averages) when the study started, or null off Linux: a load above the
    /// core count means other processes shared the cores and the timings are pessimistic.
    /// </summary>
    public string? LoadAtStart { get; init; }

    /// <summary>/proc/loadavg when the study ended (set by the caller), or null.</summary>
    public string? LoadAtEnd { get; set; }

    /// <summary>The 1, 5 and 15 minute load averages now, or null where /proc/loadavg is absent.</summary>
    public static string? LoadAverage()
    {
        try
        {
            if (!File.Exists("/proc/loadavg"))
            {
                return null;
            }
            string[] fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length >= 3 ? $"{fields[0]} {fields[1]} {fields[2]}" : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Describes this process and machine; <paramref name="gpuAbsentReason"/> is recorded when there is no GPU.</summary>
    public static MachineInfo Describe(string? gpuAbsentReason)
    {
        string lapack = NativeLapack.TryCreate(out NativeLapack? native, out string reason) ? native!.Name : $"not loadable: {reason}";
        return new MachineInfo
        {
            CpuModel = CpuModelName(),
            LogicalCores = Environment.ProcessorCount,
            MemoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            OperatingSystem = RuntimeInformation.OSDescription,
            Runtime = RuntimeInformation.FrameworkDescription,
            Simd = $"Vector<double> x{Vector<double>.Count}; widest hardware vectors {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "512-bit (AVX-512)" : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "256-bit (AVX2)" : "128-bit")}",
            BuildConfiguration = IsOptimised ? "Release" : "Debug",
            Lapack = lapack,
            GpuAbsentReason = gpuAbsentReason,
            StartedUtc = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            LoadAtStart = LoadAverage(),
        };
    }

    /// <summary>Whether GpuExtract.Cpu (the managed solver) was compiled with optimisations.</summary>
    public static bool IsOptimised =>
        typeof(ManagedLapack).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled != true;

    private static string CpuModelName()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                foreach (string line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is int colon and > 0)
                    {
                        return line[(colon + 1)..].Trim();
                    }
                }
            }
        }
        catch (IOException)
        {
            // Unreadable cpuinfo: fall through to the architecture.
        }
        return Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
}
