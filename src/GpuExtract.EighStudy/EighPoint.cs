namespace GpuExtract.EighStudy;

/// <summary>Outcome of one benchmark point.</summary>
public enum EighPointStatus
{
    /// <summary>Measured, and every checked eigen-decomposition within tolerance.</summary>
    Ok,

    /// <summary>Measured or attempted, but a check exceeded the tolerance or the method threw (e.g. no convergence).</summary>
    Failed,

    /// <summary>Not run: projected beyond the time budget or too large for memory (the note says which).</summary>
    Skipped,
}

/// <summary>
/// The FLOP model behind the GFLOP/s figures: 9n³ per matrix for eigenvalues and eigenvectors, Golub &amp; Van Loan,
/// Matrix Computations (4th ed.), §8.3 (symmetric QR algorithm: tridiagonalisation 4n³/3 with the accumulation of
/// Q 4n³/3, and the implicit QR sweeps applied to Q ≈ 6n³). Divide and conquer (dsyevd) and Jacobi (syevj) do
/// different amounts of work; the same nominal count for every method makes GFLOP/s ratios equal time ratios,
/// as in LAPACK's own timing reports. Validation, input copies and host↔device transfers are not counted.
/// </summary>
public static class EighFlopModel
{
    /// <summary>One line for the result files.</summary>
    public const string Description = "9 n^3 flops per matrix (eigenvalues and eigenvectors; Golub & Van Loan, Matrix Computations 4th ed., sec. 8.3), the same nominal count for every method";

    /// <summary>Nominal FLOPs of one n × n eigen-decomposition with vectors.</summary>
    public static double Flops(int n) => 9.0 * n * n * (double)n;
}

/// <summary>
/// One measured (or skipped) point of the eigh study: an input family, a method, a precision, the matrix order and
/// the batch size, with the time per batch (median and minimum over the repeats after warm-up), the memory used and
/// the validation figures of the checked matrices.
/// </summary>
public sealed record EighPoint
{
    /// <summary>"random" (random SPD, condition 1e8), "cblock" or "icov" (extraction matrices).</summary>
    public required string Input { get; init; }

    public required string Method { get; init; }

    /// <summary>"cpu" or "cuda".</summary>
    public required string Backend { get; init; }

    public required EighPrecision Precision { get; init; }

    /// <summary>Matrix order.</summary>
    public required int N { get; init; }

    /// <summary>Matrices per timed batch.</summary>
    public required int Batch { get; init; }

    /// <summary>Calls the batch was split into to fit <see cref="IEighMethod.MemoryAvailable"/> (1 when it fits).</summary>
    public int Chunks { get; init; } = 1;

    /// <summary>Matrices per call (≤ <see cref="Batch"/>).</summary>
    public int ChunkSize { get; init; }

    /// <summary>Timed repeats (after the warm-up ones).</summary>
    public int Repeats { get; init; }

    /// <summary>Median over the repeats of the time to decompose the whole batch [s]; NaN when not measured.</summary>
    public double MedianSeconds { get; init; } = double.NaN;

    /// <summary>Fastest repeat [s]; NaN when not measured.</summary>
    public double MinSeconds { get; init; } = double.NaN;

    /// <summary>
    /// Median over the repeats of this process's CPU time (user + system, all threads) during the timed calls [s];
    /// NaN when not measured. On a machine shared with other work this is close to what the batch costs on idle
    /// cores (one-thread methods: the wall time they would take), while the wall time grows with the load.
    /// </summary>
    public double CpuSeconds { get; init; } = double.NaN;

    /// <summary>
    /// CPU time of this process during the timed calls divided by their wall time: about the worker count on an
    /// idle machine, less when other processes took the cores (the timings are then pessimistic); NaN when not measured.
    /// For GPU methods it shows the host's share only.
    /// </summary>
    public double CoresBusy { get; init; } = double.NaN;

    /// <summary>Bytes one call used (<see cref="IEighMethod.MemoryBytes"/> of one chunk).</summary>
    public long MemoryBytes { get; init; }

    /// <summary>Worst ‖Av − λv‖₂/‖A‖_F over the checked matrices (NaN when not validated).</summary>
    public double Residual { get; init; } = double.NaN;

    /// <summary>Worst |VᵀV − I| entry over the checked matrices (NaN when not validated).</summary>
    public double Orthogonality { get; init; } = double.NaN;

    /// <summary>The tolerance both figures were held to.</summary>
    public double Tolerance { get; init; }

    /// <summary>Matrices of the last repeat that were validated.</summary>
    public int MatricesChecked { get; init; }

    /// <summary>Eigenpairs checked per matrix (n, or <see cref="EighValidation.SampledColumns"/> above <see cref="EighValidation.FullCheckMaxN"/>).</summary>
    public int ColumnsChecked { get; init; }

    public required EighPointStatus Status { get; init; }

    /// <summary>Why a point failed or was skipped, or that its batch was split; empty otherwise.</summary>
    public string Note { get; init; } = "";

    /// <summary>Matrices decomposed per second at the median time.</summary>
    public double MatricesPerSecond => Batch / MedianSeconds;

    /// <summary>Median time per matrix [s].</summary>
    public double SecondsPerMatrix => MedianSeconds / Batch;

    /// <summary>GFLOP/s at the median time under <see cref="EighFlopModel"/>.</summary>
    public double GigaflopsPerSecond => EighFlopModel.Flops(N) * Batch / MedianSeconds / 1e9;

    /// <summary>Whether the point has timings (Ok, or Failed after running).</summary>
    public bool Measured => double.IsFinite(MedianSeconds);
}
