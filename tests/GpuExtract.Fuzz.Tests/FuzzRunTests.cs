using GpuExtract.Testing;
using Xunit.Abstractions;

namespace GpuExtract.Fuzz.Tests;

/// <summary>
/// The CI share of the fuzzer: 1,000 seeded mutation cases (synthetic and, with ../shared, real-layout
/// inputs) through the real extraction, every one keeping the promise (see <see cref="FuzzRunner"/>).
/// perf/fuzz.sh runs 10,000 and more.
/// </summary>
public class FuzzRunTests(ITestOutputHelper output)
{
    [Fact]
    public void ThousandMutatedCases_AllKeepThePromise()
    {
        var inputs = new List<FuzzInput> { SmallInputs.Synthetic };
        FuzzInput? real = SmallInputs.RealLayout(out string reason);
        if (real is null)
        {
            output.WriteLine(reason);
        }
        else
        {
            inputs.Add(real);
        }
        using var runner = new FuzzRunner(inputs, SmallInputs.ScratchFor("fuzz-run"));
        FuzzTally tally = runner.Run(seed: 20261206, count: 1000, progress: output.WriteLine);
        output.WriteLine(tally.ToString());
        Assert.Equal(1000, tally.Cases);
        Assert.True(tally.Failures.Count == 0, $"{tally.Failures.Count} cases broke the promise; first: {tally.Failures.FirstOrDefault()}");
        // Some cases must get through and some must be refused, or the mutations are not reaching the extraction.
        Assert.True(tally.Count("ok") >= 100, $"only {tally.Count("ok")} cases extracted");
    }

    [Fact]
    public void UnmutatedInputs_Extract()
    {
        FuzzInput input = SmallInputs.Synthetic;
        using var runner = new FuzzRunner([input], SmallInputs.ScratchFor("clean"));
        var c = new FuzzCase(0, input.Name, "clean", "unmutated", FuzzTarget.Options, input.Preproc, false, input.Psf, () => input.Options);
        Assert.Equal(("ok", (string?)null), runner.RunCase(c));
    }
}
