using System.Globalization;
using System.Text;
using System.Text.Json;
using GpuExtract.Cuda.Native;

namespace GpuExtract.Cuda;

/// <summary>One GPU as the driver describes it.</summary>
/// <param name="Ordinal">Device number (0 …), as <c>--devices</c> takes it.</param>
/// <param name="Name">e.g. "NVIDIA H100 80GB HBM3".</param>
/// <param name="TotalMemory">Device memory [bytes].</param>
/// <param name="ComputeCapability">Major·10 + minor, e.g. 90 for sm_90.</param>
/// <param name="MultiprocessorCount">Streaming multiprocessors.</param>
/// <param name="PciBusId">PCI bus number.</param>
public sealed record GpuInfo(int Ordinal, string Name, long TotalMemory, int ComputeCapability, int MultiprocessorCount, int PciBusId)
{
    /// <summary>"9.0".</summary>
    public string ComputeCapabilityText => $"{ComputeCapability / 10}.{ComputeCapability % 10}";
}

/// <summary>A CUDA library that was found: what it is, the file, and its version (empty when not found).</summary>
public sealed record CudaLibraryInfo(string Name, bool Found, string Path, string Version, string Reason);

/// <summary>
/// The answer of <see cref="CudaProbe"/>: whether the GPU path can be used and, if not, exactly why; the
/// driver version, the libraries found, each GPU and the optional capabilities.
/// </summary>
public sealed record CudaProbeResult
{
    /// <summary>
    /// True when the driver, a GPU of compute capability ≥ 6.0, NVRTC, cuBLAS and cuSOLVER are all found and the
    /// GPU passed the smoke test (library handles created, a compiled module loaded).
    /// </summary>
    public required bool Usable { get; init; }

    /// <summary>Why the GPU path is unavailable ("" when usable).</summary>
    public required string Reason { get; init; }

    /// <summary>cuDriverGetVersion, e.g. 12040 for 12.4; null without a driver.</summary>
    public int? DriverVersion { get; init; }

    public IReadOnlyList<CudaLibraryInfo> Libraries { get; init; } = [];

    public IReadOnlyList<GpuInfo> Gpus { get; init; } = [];

    /// <summary>Optional cuSOLVER entry points found; null without cuSOLVER.</summary>
    public CudaCapabilities? Capabilities { get; init; }

    /// <summary>NVRTC (major, minor); null without NVRTC.</summary>
    public (int Major, int Minor)? NvrtcVersion { get; init; }

    /// <summary>"12.4" from <see cref="DriverVersion"/>.</summary>
    public string DriverVersionText => DriverVersion is int v ? $"{v / 1000}.{v % 1000 / 10}" : "none";

    /// <summary>The human-readable report of <c>gpuextract devices</c>.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"CUDA driver: {DriverVersionText}");
        foreach (CudaLibraryInfo library in Libraries)
        {
            text.AppendLine(library.Found
                ? $"{library.Name}: {library.Version} ({library.Path})"
                : $"{library.Name}: not found ({library.Reason})");
        }
        if (Gpus.Count == 0)
        {
            text.AppendLine("GPUs: none");
        }
        foreach (GpuInfo gpu in Gpus)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"GPU {gpu.Ordinal}: {gpu.Name}, {gpu.TotalMemory / (1024.0 * 1024 * 1024):0.0} GiB, compute capability {gpu.ComputeCapabilityText}, {gpu.MultiprocessorCount} SMs, PCI bus {gpu.PciBusId}");
        }
        if (Capabilities is { } c)
        {
            text.AppendLine($"capabilities: potrfBatched {YesNo(c.PotrfBatched)}, XsyevBatched {YesNo(c.XsyevBatched)}, syevjBatched {YesNo(c.SyevjBatched)}, syevd {YesNo(c.Syevd)}; block eigh by {c.EigenMethod}");
        }
        text.AppendLine(Usable ? "GPU backend: usable" : $"GPU backend: unavailable: {Reason}");
        return text.ToString();
    }

    /// <summary>The same report as one JSON object (for scripts such as perf/gpu-check.sh).</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteBoolean("usable", Usable);
            json.WriteString("reason", Reason);
            if (DriverVersion is int v)
            {
                json.WriteNumber("driverVersion", v);
            }
            else
            {
                json.WriteNull("driverVersion");
            }
            json.WriteString("driver", DriverVersionText);
            json.WriteStartArray("libraries");
            foreach (CudaLibraryInfo library in Libraries)
            {
                json.WriteStartObject();
                json.WriteString("name", library.Name);
                json.WriteBoolean("found", library.Found);
                json.WriteString("path", library.Path);
                json.WriteString("version", library.Version);
                json.WriteString("reason", library.Reason);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("gpus");
            foreach (GpuInfo gpu in Gpus)
            {
                json.WriteStartObject();
                json.WriteNumber("ordinal", gpu.Ordinal);
                json.WriteString("name", gpu.Name);
                json.WriteNumber("memoryBytes", gpu.TotalMemory);
                json.WriteString("computeCapability", gpu.ComputeCapabilityText);
                json.WriteNumber("multiprocessors", gpu.MultiprocessorCount);
                json.WriteNumber("pciBus", gpu.PciBusId);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (Capabilities is { } c)
            {
                json.WriteStartObject("capabilities");
                json.WriteBoolean("potrfBatched", c.PotrfBatched);
                json.WriteBoolean("xsyevBatched", c.XsyevBatched);
                json.WriteBoolean("syevjBatched", c.SyevjBatched);
                json.WriteBoolean("syevd", c.Syevd);
                json.WriteString("blockEigh", c.EigenMethod);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string YesNo(bool value) => value ? "yes" : "no";
}

/// <summary>
/// Finds out whether the GPU path can be used here, without ever throwing: loads the driver, NVRTC, cuBLAS and
/// cuSOLVER (see <c>CudaLibrarySearch</c> for where; none newer than the driver), initialises the driver, lists the
/// GPUs, and on the first capable one creates a cuBLAS and a cuSOLVER handle and loads a module NVRTC compiled. The answer is
/// computed once per process. <c>GPUEXTRACT_DISABLE_CUDA=1</c> makes it report the GPU path unavailable.
/// </summary>
public static class CudaProbe
{
    /// <summary>Environment variable that turns the GPU path off (=1), e.g. to compare backends on a GPU node.</summary>
    public const string DisableVariable = "GPUEXTRACT_DISABLE_CUDA";

    /// <summary>Lowest compute capability the kernels are built for (double-precision atomics, sm_60).</summary>
    public const int MinimumComputeCapability = 60;

    private static readonly Lazy<CudaProbeResult> Cached = new(() => Run());

    /// <summary>The probe's answer for this process (computed on first use).</summary>
    public static CudaProbeResult Result => Cached.Value;

    /// <summary>Probes now (not cached); <paramref name="environment"/> reads environment variables (default: the process's).</summary>
    public static unsafe CudaProbeResult Run(Func<string, string?>? environment = null)
    {
        try
        {
            return RunUnchecked(environment ?? Environment.GetEnvironmentVariable);
        }
        catch (Exception error) when (error is CudaException or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return new CudaProbeResult { Usable = false, Reason = $"CUDA probe failed: {error.Message}" };
        }
    }

    private static unsafe CudaProbeResult RunUnchecked(Func<string, string?> environment)
    {
        if (environment(DisableVariable) == "1")
        {
            return new CudaProbeResult { Usable = false, Reason = $"disabled by {DisableVariable}=1" };
        }
        var libraries = new List<CudaLibraryInfo>();
        var problems = new List<string>();

        CudaDriver? driver = CudaLibraries.Driver(out string driverReason);
        int? driverVersion = null;
        var gpus = new List<GpuInfo>();
        if (driver is null)
        {
            problems.Add(driverReason);
            libraries.Add(new CudaLibraryInfo("driver (libcuda)", false, "", "", driverReason));
        }
        else
        {
            int version;
            if (driver.cuDriverGetVersion(&version) == CudaDriver.Success)
            {
                driverVersion = version;
            }
            libraries.Add(new CudaLibraryInfo("driver (libcuda)", true, driver.Library.Path, driverVersion is int dv ? $"{dv / 1000}.{dv % 1000 / 10}" : "?", ""));
            int init = CudaLibraries.Initialize(driver);
            if (init != CudaDriver.Success)
            {
                problems.Add($"cuInit failed: {driver.ErrorName(init)} ({init}){(driver.ErrorString(init) is { Length: > 0 } s ? ": " + s : "")}");
            }
            else
            {
                int count;
                driver.Check(driver.cuDeviceGetCount(&count), "cuDeviceGetCount");
                for (int ordinal = 0; ordinal < count; ordinal++)
                {
                    gpus.Add(Describe(driver, ordinal));
                }
                if (count == 0)
                {
                    problems.Add("the driver sees no CUDA device");
                }
                else if (!gpus.Exists(g => g.ComputeCapability >= MinimumComputeCapability))
                {
                    problems.Add($"no GPU of compute capability >= {MinimumComputeCapability / 10}.{MinimumComputeCapability % 10}");
                }
            }
        }

        Nvrtc? nvrtc = CudaLibraries.Nvrtc(out string nvrtcReason);
        (int, int)? nvrtcVersion = null;
        if (nvrtc is null)
        {
            problems.Add(nvrtcReason);
            libraries.Add(new CudaLibraryInfo("NVRTC", false, "", "", nvrtcReason));
        }
        else
        {
            nvrtcVersion = nvrtc.Version;
            libraries.Add(new CudaLibraryInfo("NVRTC", true, nvrtc.Library.Path, $"{nvrtcVersion.Value.Item1}.{nvrtcVersion.Value.Item2}", ""));
        }

        Cublas? cublas = CudaLibraries.Cublas(out string cublasReason);
        if (cublas is null)
        {
            problems.Add(cublasReason);
            libraries.Add(new CudaLibraryInfo("cuBLAS", false, "", "", cublasReason));
        }
        else
        {
            libraries.Add(new CudaLibraryInfo("cuBLAS", true, cublas.Library.Path, cublas.Version, ""));
        }

        Cusolver? cusolver = CudaLibraries.Cusolver(out string cusolverReason);
        CudaCapabilities? capabilities = null;
        if (cusolver is null)
        {
            problems.Add(cusolverReason);
            libraries.Add(new CudaLibraryInfo("cuSOLVER", false, "", "", cusolverReason));
        }
        else
        {
            capabilities = cusolver.Capabilities;
            libraries.Add(new CudaLibraryInfo("cuSOLVER", true, cusolver.Library.Path, cusolver.Version, ""));
            if (!capabilities.XsyevBatched && !capabilities.Syevd)
            {
                problems.Add($"{cusolver.Library.Path} has neither cusolverDnXsyevBatched nor cusolverDnDsyevd");
            }
        }

        if (libraries.Exists(l => !l.Found))
        {
            problems.Add($"set {CudaLibrarySearch.LibraryDirectoryVariable} to the directory that holds the CUDA libraries if they are installed elsewhere");
        }
        else if (problems.Count == 0 && GpuSmokeTest.Run(driver!, cublas!, cusolver!, gpus.First(g => g.ComputeCapability >= MinimumComputeCapability)) is string failed)
        {
            problems.Add(failed);
        }
        return new CudaProbeResult
        {
            Usable = problems.Count == 0,
            Reason = string.Join("; ", problems),
            DriverVersion = driverVersion,
            Libraries = libraries,
            Gpus = gpus,
            Capabilities = capabilities,
            NvrtcVersion = nvrtcVersion,
        };
    }

    private static unsafe GpuInfo Describe(CudaDriver driver, int ordinal)
    {
        int device;
        driver.Check(driver.cuDeviceGet(&device, ordinal), "cuDeviceGet");
        byte* name = stackalloc byte[256];
        driver.Check(driver.cuDeviceGetName(name, 256, device), "cuDeviceGetName");
        nuint bytes;
        driver.Check(driver.cuDeviceTotalMem_v2(&bytes, device), "cuDeviceTotalMem_v2");
        int major = Attribute(driver, device, CudaDriver.AttributeComputeCapabilityMajor);
        int minor = Attribute(driver, device, CudaDriver.AttributeComputeCapabilityMinor);
        return new GpuInfo(ordinal, new string((sbyte*)name), (long)bytes, major * 10 + minor,
            Attribute(driver, device, CudaDriver.AttributeMultiprocessorCount), Attribute(driver, device, CudaDriver.AttributePciBusId));
    }

    private static unsafe int Attribute(CudaDriver driver, int device, int attribute)
    {
        int value;
        driver.Check(driver.cuDeviceGetAttribute(&value, attribute, device), "cuDeviceGetAttribute");
        return value;
    }
}
