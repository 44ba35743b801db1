using System.Globalization;
using System.Text.RegularExpressions;
using GpuExtract.Cuda.Kernels;

namespace GpuExtract.Cuda.Tests.Kernels;

/// <summary>
/// The host's patch descriptor offsets and status codes (<see cref="PatchDescriptor"/>) against the
/// <c>#define</c>s the kernels are compiled with (kernels/common.cuh as embedded): every P_ and STATUS_ macro must
/// have its C# constant with the same value, and no macro may be left unchecked.
/// </summary>
public sealed partial class PatchDescriptorTests
{
    private static readonly Dictionary<string, int> Host = new(StringComparer.Ordinal)
    {
        ["P_FIBER"] = PatchDescriptor.Fiber,
        ["P_NFIBER"] = PatchDescriptor.FiberCount,
        ["P_KEEP_OFFSET"] = PatchDescriptor.KeepOffset,
        ["P_KEEP_COUNT"] = PatchDescriptor.KeepCount,
        ["P_WAVE"] = PatchDescriptor.Wave,
        ["P_NWAVE"] = PatchDescriptor.WaveCount,
        ["P_CORE_OFFSET"] = PatchDescriptor.CoreOffset,
        ["P_CORE_COUNT"] = PatchDescriptor.CoreCount,
        ["P_XMIN"] = PatchDescriptor.XMin,
        ["P_XMAX"] = PatchDescriptor.XMax,
        ["P_YMIN"] = PatchDescriptor.YMin,
        ["P_YMAX"] = PatchDescriptor.YMax,
        ["P_OUTPUT"] = PatchDescriptor.Output,
        ["P_PIXELS"] = PatchDescriptor.Pixels,
        ["P_PROBLEM"] = PatchDescriptor.Problem,
        ["P_FIELDS"] = PatchDescriptor.Fields,
        ["STATUS_OK"] = PatchDescriptor.StatusOk,
        ["STATUS_EMPTY"] = PatchDescriptor.StatusEmpty,
        ["STATUS_FAILED"] = PatchDescriptor.StatusFailed,
    };

    [Fact]
    public void HostConstants_EqualTheKernelDefines()
    {
        string header = KernelSource.Embedded[0].Headers["common.cuh"];
        var defines = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match m in Define().Matches(header))
        {
            defines[m.Groups[1].Value] = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        }
        Assert.True(defines.Count >= 19, $"only {defines.Count} P_/STATUS_ defines parsed from common.cuh");
        Assert.Equal(defines.Keys.Order(StringComparer.Ordinal), Host.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, value) in defines)
        {
            Assert.True(Host[name] == value, $"{name} is {value} in common.cuh but {Host[name]} in PatchDescriptor");
        }
    }

    [Fact]
    public void Fields_AreDistinctAndFitTheDescriptor()
    {
        int[] offsets = Host.Where(h => h.Key.StartsWith("P_", StringComparison.Ordinal) && h.Key != "P_FIELDS").Select(h => h.Value).ToArray();
        Assert.Equal(offsets.Length, offsets.Distinct().Count());
        Assert.All(offsets, o => Assert.InRange(o, 0, PatchDescriptor.Fields - 1));
    }

    [GeneratedRegex(@"^#define\s+((?:P|STATUS)_\w+)\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex Define();
}
