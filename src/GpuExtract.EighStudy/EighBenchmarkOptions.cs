namespace GpuExtract.EighStudy;

/// <summary>What <see cref="EighBenchmark"/> measures and how (defaults are the command's).</summary>
public sealed record EighBenchmarkOptions
{
    /// <summary>Orders n of the random SPD matrices.</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [32, 64, 74, 128, 256, 500, 1024, 2048];

    /// <summary>Matrices per timed call.</summary>
    public IReadOnlyList<int> Batches { get; init; } = [1, 16, 256];

    public IReadOnlyList<EighPrecision> Precisions { get; init; } = [EighPrecision.Double, EighPrecision.Single];

    /// <summary>Whether to time random SPD matrices of every <see cref="Sizes"/>.</summary>
    public bool RandomInputs { get; init; } = true;

    /// <summary>Extraction matrices to time as well (iCov and C_bb), or null.</summary>
    public IReadOnlyList<ExtractionMatrix>? Extraction { get; init; }

    /// <summary>Timed repeats per point.</summary>
    public int Repeats { get; init; } = 5;

    /// <summary>Untimed runs before the repeats (workspace queries, page faults, thread start-up).</summary>
    public int Warmups { get; init; } = 1;

    /// <summary>
    /// A point is skipped when its projected duration (warm-ups + repeats, at the GFLOP/s the same method and
    /// precision reached at its previous point) exceeds this [s]. Points are run in increasing n and batch, so the
    /// projection comes from the next smaller point.
    /// </summary>
    public double PointBudgetSeconds { get; init; } = 30;

    /// <summary>Matrices of the last repeat validated per point, spread over the batch (first and last included).</summary>
    public int ValidatedMatrices { get; init; } = 8;

    /// <summary>Seed of the random SPD matrices.</summary>
    public int Seed { get; init; } = 1;
}
