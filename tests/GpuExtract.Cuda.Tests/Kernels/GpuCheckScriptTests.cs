using System.Text.RegularExpressions;
using GpuExtract.Testing;

namespace GpuExtract.Cuda.Tests.Kernels;

/// <summary>
/// perf/gpu-check.sh runs under <c>set -u</c> on whatever bash the GPU machine has: before bash 4.4, expanding an
/// empty array ("${a[@]}", "${!a[@]}") is an "unbound variable" error. Every array expansion in the script must be
/// guarded as ${a[@]+"${a[@]}"} (or be a count, ${#a[@]}), and the script must pass `bash -n`.
/// </summary>
public sealed partial class GpuCheckScriptTests
{
    private static string ScriptPath => Path.Combine(TestEnvironment.RepositoryRoot, "perf", "gpu-check.sh");

    [Fact]
    public void ArrayExpansions_AreSafeForEmptyArraysOnOldBash()
    {
        string[] lines = File.ReadAllLines(ScriptPath);
        var unsafeLines = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }
            // Remove the guarded forms, then any remaining ${name[@]} / ${!name[@]} / ${name[*]} expansion is unguarded.
            string rest = Guarded().Replace(line, "");
            foreach (Match m in Expansion().Matches(rest))
            {
                unsafeLines.Add($"line {i + 1}: {m.Value} in: {line.Trim()}");
            }
        }
        Assert.True(unsafeLines.Count == 0, "unguarded array expansions (fail under set -u on bash < 4.4):\n" + string.Join("\n", unsafeLines));
    }

    [Fact]
    public void Script_ParsesAndHasBothSteps()
    {
        var (code, _, stderr) = TestEnvironment.Run("bash", ["-n", ScriptPath]);
        Assert.True(code == 0, $"bash -n failed: {stderr}");
        var (usage, _, usageError) = TestEnvironment.Run("bash", [ScriptPath]);
        Assert.Equal(2, usage);
        Assert.Contains("prepare|run", usageError);
    }

    [GeneratedRegex(@"\$\{!?\w+\[[@*]\]\+""\$\{!?\w+\[[@*]\]\}""\}")]
    private static partial Regex Guarded();

    [GeneratedRegex(@"\$\{!?\w+\[[@*]\]\}")]
    private static partial Regex Expansion();
}
