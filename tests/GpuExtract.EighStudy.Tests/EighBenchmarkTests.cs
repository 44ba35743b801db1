using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Cpu.Tests.LinearAlgebra;
using Xunit.Abstractions;

namespace GpuExtract.EighStudy.Tests;

/// <summary>The study runner on small sizes: points, splitting, budget skips and failure marking.</summary>
public sealed class EighBenchmarkTests(ITestOutputHelper output)
{
    private static readonly MachineInfo Machine = MachineInfo.Describe("tests");

    [SkippableFact]
    public void Run_OnSmallSizes_MeasuresAndValidatesEveryPoint()
    {
        LapackImplementations.RequireNative();
        var options = new EighBenchmarkOptions
        {
            Sizes = [8, 24],
            Batches = [1, 5],
            Precisions = [EighPrecision.Double, EighPrecision.Single],
            Repeats = 3,
            ValidatedMatrices = 2,
        };
        IEighMethod[] methods =
        [
            new CpuEighMethod("lapack", 2, () => LapackImplementations.Create("native"), long.MaxValue),
            new CpuEighMethod("managed", 1, static () => new ManagedLapack(), long.MaxValue),
        ];
        EighResults results = Run(options, methods);

        // 2 sizes × 2 batches × (lapack f64, f32 + managed f64); managed f32 is noted, not run.
        Assert.Equal(2 * 2 * 3, results.Points.Count);
        Assert.Contains(results.Notes, n => n.Contains("managed f32", StringComparison.Ordinal));
        foreach (EighPoint p in results.Points)
        {
            Assert.True(p.Status == EighPointStatus.Ok, $"{EighBenchmark.Describe(p)}");
            Assert.True(p.MinSeconds > 0 && p.MinSeconds <= p.MedianSeconds, $"min {p.MinSeconds} vs median {p.MedianSeconds}");
            Assert.Equal(Math.Min(2, p.Batch), p.MatricesChecked);
            Assert.Equal(p.N, p.ColumnsChecked);
            Assert.Equal((1, p.Batch), (p.Chunks, p.ChunkSize));
            Assert.True(p.Residual <= p.Tolerance && p.Orthogonality <= p.Tolerance, EighBenchmark.Describe(p));
            Assert.Equal(p.Precision == EighPrecision.Double ? 1e-10 : 1e-4, p.Tolerance);
        }
    }

    [Fact]
    public void Run_SplitsBatchesThatDoNotFitMemory_AndSaysSo()
    {
        const int N = 10;
        // Room for two matrices per call: a batch of 5 goes as 2 + 2 + 1 (halving 5 → 3 → 2).
        var method = new FakeEighMethod("small-memory") { MemoryAvailable = EighBatch.Bytes(N, 2, EighPrecision.Double) };
        var options = new EighBenchmarkOptions { Sizes = [N], Batches = [5], Precisions = [EighPrecision.Double], Repeats = 1, Warmups = 0 };
        EighPoint p = Assert.Single(Run(options, [method]).Points);
        Assert.Equal(EighPointStatus.Ok, p.Status);
        Assert.Equal((3, 2), (p.Chunks, p.ChunkSize));
        Assert.Equal([2, 2, 1], method.CallCounts);
        Assert.Contains("split into 3 calls", p.Note);
        Assert.Equal(5, p.Batch);
    }

    [Fact]
    public void Run_MarksWrongEigenvectors_AsFailed_AndGoesOn()
    {
        var wrong = new FakeEighMethod("identity") { Mode = FakeEighMethod.Behaviour.IdentityVectors };
        var right = new FakeEighMethod("correct");
        var options = new EighBenchmarkOptions { Sizes = [12], Batches = [1, 3], Precisions = [EighPrecision.Double], Repeats = 2 };
        EighResults results = Run(options, [wrong, right]);

        Assert.Equal(4, results.Points.Count);
        foreach (EighPoint p in results.Points)
        {
            if (p.Method == "identity")
            {
                Assert.Equal(EighPointStatus.Failed, p.Status);
                Assert.Contains("validation FAILED", p.Note);
                Assert.True(p.Residual > 1e-3, $"identity vectors of a dense SPD matrix: residual {p.Residual:E3}");
                Assert.True(p.Measured, "a point that ran keeps its timings even when it fails validation");
            }
            else
            {
                Assert.Equal(EighPointStatus.Ok, p.Status);
            }
        }
        Assert.Equal(2, results.FailedCount);
    }

    [Fact]
    public void Run_RecordsAThrowingMethod_AsFailedPoint()
    {
        var throwing = new FakeEighMethod("no-convergence") { Mode = FakeEighMethod.Behaviour.Throws };
        var options = new EighBenchmarkOptions { Sizes = [8, 16], Batches = [2], Precisions = [EighPrecision.Double], Repeats = 1 };
        EighResults results = Run(options, [throwing]);
        Assert.Equal(2, results.Points.Count);
        foreach (EighPoint p in results.Points)
        {
            Assert.Equal(EighPointStatus.Failed, p.Status);
            Assert.Contains("error: symmetric eigen-decomposition: eigenvalue 3 of 8 did not converge", p.Note);
            Assert.False(p.Measured);
        }
    }

    [Fact]
    public void Run_SkipsPointsProjectedBeyondTheBudget()
    {
        // 0.01 s per matrix of n = 10 reported; n = 20 is 8× the work: (1 + 2 repeats)·8·0.01 = 0.24 s > 0.1 s budget.
        var slow = new FakeEighMethod("slow") { ReportedSecondsPerMatrix = 0.01 };
        var options = new EighBenchmarkOptions
        {
            Sizes = [10, 20],
            Batches = [1],
            Precisions = [EighPrecision.Double],
            Repeats = 2,
            PointBudgetSeconds = 0.1,
        };
        EighResults results = Run(options, [slow]);
        Assert.Equal(EighPointStatus.Ok, results.Points[0].Status);
        EighPoint skipped = results.Points[1];
        Assert.Equal((20, EighPointStatus.Skipped), (skipped.N, skipped.Status));
        Assert.Contains("projected", skipped.Note);
        Assert.Equal(1, results.SkippedCount);
    }

    [Fact]
    public void Run_SkipsAMatrixLargerThanMemory()
    {
        var tiny = new FakeEighMethod("tiny") { MemoryAvailable = 100 };
        var options = new EighBenchmarkOptions { Sizes = [10], Batches = [4], Precisions = [EighPrecision.Double] };
        EighPoint p = Assert.Single(Run(options, [tiny]).Points);
        Assert.Equal(EighPointStatus.Skipped, p.Status);
        Assert.Contains("more than the", p.Note);
        Assert.Empty(tiny.CallCounts);
    }

    [Fact]
    public void Run_TimesExtractionMatrices_ByKindAndSize()
    {
        var matrices = new List<ExtractionMatrix>
        {
            new(ExtractionMatrices.BlockKind, 6, RandomSpdMatrix.Create(6, 1e3, 1), "block a"),
            new(ExtractionMatrices.BlockKind, 6, RandomSpdMatrix.Create(6, 1e3, 2), "block b"),
            new(ExtractionMatrices.PatchKind, 12, RandomSpdMatrix.Create(12, 1e6, 3), "patch"),
        };
        var options = new EighBenchmarkOptions
        {
            RandomInputs = false,
            Extraction = matrices,
            Batches = [3],
            Precisions = [EighPrecision.Double],
            Repeats = 1,
        };
        EighResults results = Run(options, [new FakeEighMethod("correct")]);
        Assert.Equal([("cblock", 6), ("icov", 12)], results.Points.Select(p => (p.Input, p.N)));
        Assert.All(results.Points, p => Assert.Equal(EighPointStatus.Ok, p.Status));
        // A batch of 3 from a pool of 2 cycles the pool: matrix 2 is block a again, and is checked against it.
        Assert.Equal(3, results.Points[0].MatricesChecked);
    }

    private EighResults Run(EighBenchmarkOptions options, IReadOnlyList<IEighMethod> methods)
    {
        var log = new StringWriter();
        EighResults results = new EighBenchmark(options, methods, log).Run(Machine);
        output.WriteLine(log.ToString());
        return results;
    }
}
