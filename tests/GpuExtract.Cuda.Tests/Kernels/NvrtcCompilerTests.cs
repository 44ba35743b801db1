using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GpuExtract.Cuda.Kernels;

namespace GpuExtract.Cuda.Tests.Kernels;

/// <summary>
/// Compiles the real kernels with the real NVRTC, which needs no GPU: where NVRTC is installed (CI installs
/// Debian's libnvrtc11.2, CUDA 11.8; or GPUEXTRACT_CUDA_LIBDIR points at one) every kernel is compiled to CUBIN
/// for sm_80 (A100) and sm_90 (H100) through our own binding, and any error or warning fails. With
/// <c>GPUEXTRACT_REQUIRE_NVRTC=1</c> (set by .ci/run) a missing NVRTC fails instead of skipping.
/// <c>GPUEXTRACT_KERNEL_REPORT=path</c> writes ptxas's registers, stack and spills per kernel there (Markdown).
/// </summary>
public sealed partial class NvrtcCompilerTests(ITestOutputHelper output)
{
    /// <summary>The architectures CI compiles for: Ampere (A100) and Hopper (H100, H200).</summary>
    private static readonly int[] Architectures = [80, 90];

    private static NvrtcCompiler Compiler()
    {
        NvrtcCompiler? compiler = NvrtcCompiler.TryCreate(out string reason);
        if (compiler is null && Environment.GetEnvironmentVariable("GPUEXTRACT_REQUIRE_NVRTC") == "1")
        {
            Assert.Fail($"GPUEXTRACT_REQUIRE_NVRTC=1 but NVRTC was not found: {reason}");
        }
        Skip.If(compiler is null, $"NVRTC not found: {reason}");
        return compiler!;
    }

    [SkippableFact]
    public void EveryKernel_CompilesToCubinForAmpereAndHopper_WithoutWarnings()
    {
        NvrtcCompiler compiler = Compiler();
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"| kernel | file | arch | registers | stack frame [B] | spill stores [B] | spill loads [B] |");
        report.AppendLine("|---|---|---|---:|---:|---:|---:|");
        var failures = new List<string>();
        foreach (int architecture in Architectures)
        {
            Assert.True(compiler.SupportedArchitectures.Count == 0 || compiler.SupportedArchitectures.Contains(architecture),
                $"NVRTC {compiler.Version} cannot compile for sm_{architecture} (it knows {string.Join(", ", compiler.SupportedArchitectures)})");
            foreach (KernelSource source in KernelSource.Embedded)
            {
                CompiledKernel kernel;
                string log;
                try
                {
                    kernel = compiler.Compile(source, architecture, ["-Xptxas", "-v"], out log);
                }
                catch (CudaException error)
                {
                    failures.Add($"{source.Name} does not compile with {compiler.Identity} for sm_{architecture}: {error.Message}");
                    continue;
                }
                foreach (string line in log.Split('\n').Where(l => l.Contains("warning", StringComparison.OrdinalIgnoreCase)))
                {
                    failures.Add($"{source.Name}, sm_{architecture}: {line.Trim()}");
                }
                Assert.Equal(KernelImageKind.Cubin, kernel.Kind);
                // A CUBIN is an ELF file.
                Assert.True(kernel.Image.Length > 4 && kernel.Image[0] == 0x7f && kernel.Image[1] == (byte)'E' && kernel.Image[2] == (byte)'L' && kernel.Image[3] == (byte)'F',
                    $"{source.Name}: output of {kernel.Image.Length} bytes is not an ELF CUBIN");
                Dictionary<string, KernelResources> resources = ParsePtxasLog(log);
                foreach (string name in source.KernelNames)
                {
                    // extern "C" names appear unmangled in the CUBIN's symbol table and in ptxas's report.
                    Assert.True(Contains(kernel.Image, Encoding.ASCII.GetBytes(name)), $"{source.Name}: CUBIN lacks kernel {name}");
                    Assert.True(resources.TryGetValue(name, out KernelResources? r), $"{source.Name}: ptxas reported nothing for {name}:\n{log}");
                    report.AppendLine(CultureInfo.InvariantCulture,
                        $"| {name} | {source.Name} | sm_{architecture} | {r!.Registers} | {r.StackFrame} | {r.SpillStores} | {r.SpillLoads} |");
                }
            }
        }
        output.WriteLine($"NVRTC {compiler.Version} ({compiler.LibraryPath}), options {string.Join(' ', NvrtcCompiler.Options)} -Xptxas -v");
        output.WriteLine(report.ToString());
        if (Environment.GetEnvironmentVariable("GPUEXTRACT_KERNEL_REPORT") is { Length: > 0 } path)
        {
            File.WriteAllText(path, $"# Kernel resources\n\nFrom ptxas through NVRTC {compiler.Version} ({string.Join(' ', NvrtcCompiler.Options)} -Xptxas -v), no GPU needed:\n" +
                "`GPUEXTRACT_KERNEL_REPORT=$PWD/perf/results/kernel-resources.md dotnet test tests/GpuExtract.Cuda.Tests -c Release --filter NvrtcCompilerTests`.\n\n" +
                report);
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void PtxasReport_IsParsedPerKernel()
    {
        // The lines NVRTC 11.8 returns for -Xptxas -v (one kernel, sm_80).
        const string Log = """
            ptxas info    : 0 bytes gmem
            ptxas info    : Compiling entry function 'k' for 'sm_80'
            ptxas info    : Function properties for k
            ptxas         .     512 bytes stack frame, 8 bytes spill stores, 12 bytes spill loads
            ptxas info    : Used 32 registers, 360 bytes cmem[0]
            """;
        KernelResources k = ParsePtxasLog(Log)["k"];
        Assert.Equal(new KernelResources(32, 512, 8, 12), k);
    }

    [SkippableFact]
    public void CompileError_NamesTheFileAndCarriesTheCompilerLog()
    {
        NvrtcCompiler compiler = Compiler();
        var broken = new KernelSource("broken.cu", "extern \"C\" __global__ void k(int* p) { p[0] = undefined_name; }", new Dictionary<string, string>());
        var error = Assert.Throws<CudaException>(() => compiler.Compile(broken, 80));
        Assert.Equal("NVRTC_ERROR_COMPILATION", error.StatusName);
        Assert.Contains("broken.cu", error.Message);
        Assert.Contains("undefined_name", error.Message);
    }

    /// <summary>Registers, stack frame and spills of one kernel as ptxas reports them [bytes].</summary>
    private sealed record KernelResources(int Registers, int StackFrame, int SpillStores, int SpillLoads);

    private static Dictionary<string, KernelResources> ParsePtxasLog(string log)
    {
        var result = new Dictionary<string, KernelResources>(StringComparer.Ordinal);
        string? current = null;
        int stack = 0, stores = 0, loads = 0;
        foreach (string line in log.Split('\n'))
        {
            if (EntryLine().Match(line) is { Success: true } entry)
            {
                current = entry.Groups[1].Value;
                stack = stores = loads = 0;
            }
            else if (FrameLine().Match(line) is { Success: true } frame)
            {
                stack = int.Parse(frame.Groups[1].Value, CultureInfo.InvariantCulture);
                stores = int.Parse(frame.Groups[2].Value, CultureInfo.InvariantCulture);
                loads = int.Parse(frame.Groups[3].Value, CultureInfo.InvariantCulture);
            }
            else if (RegisterLine().Match(line) is { Success: true } registers && current is not null)
            {
                result[current] = new KernelResources(int.Parse(registers.Groups[1].Value, CultureInfo.InvariantCulture), stack, stores, loads);
                current = null;
            }
        }
        return result;
    }

    [GeneratedRegex(@"Compiling entry function '(\w+)'")]
    private static partial Regex EntryLine();

    [GeneratedRegex(@"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")]
    private static partial Regex FrameLine();

    [GeneratedRegex(@"Used (\d+) registers")]
    private static partial Regex RegisterLine();

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
