using GpuExtract.Testing;

namespace GpuExtract.Fuzz.Tests;

/// <summary>The fuzzer's starting inputs, built once per test run (building takes ~1 s, the real layout a few more).</summary>
internal static class SmallInputs
{
    private static readonly string Scratch = Path.Combine(Path.GetTempPath(), $"gpuextract-fuzz-tests-{Environment.ProcessId}");
    private static readonly Lazy<FuzzInput> SyntheticInput = new(() => FuzzInput.Synthetic(Path.Combine(Scratch, "inputs")));
    private static readonly Lazy<(FuzzInput? Input, string Reason)> RealInput = new(() =>
    {
        FuzzInput? input = FuzzInput.RealLayout(TestEnvironment.SharedDirectory, Path.Combine(Scratch, "inputs"), out string reason);
        return (input, reason);
    });

    public static FuzzInput Synthetic => SyntheticInput.Value;

    /// <summary>The real-layout input, or null with the reason it is absent.</summary>
    public static FuzzInput? RealLayout(out string reason)
    {
        var (input, why) = RealInput.Value;
        reason = why;
        return input;
    }

    /// <summary>A fresh scratch directory for one test.</summary>
    public static string ScratchFor(string test)
    {
        string path = Path.Combine(Scratch, test);
        Directory.CreateDirectory(path);
        return path;
    }
}
