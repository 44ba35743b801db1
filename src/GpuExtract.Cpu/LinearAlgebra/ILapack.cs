namespace GpuExtract.Cpu.LinearAlgebra;

/// <summary>
/// The dense symmetric linear algebra one patch needs. Matrices are n × n, row-major, in spans of
/// length ≥ n·n. They are symmetric, so row- and column-major storage coincide on input; outputs
/// that are not symmetric (eigenvectors) are documented per method. Implementations are
/// single-threaded: the caller parallelises over patches. An instance may hold scratch space and
/// is not thread-safe; use one per worker.
/// </summary>
public interface ILapack
{
    /// <summary>Name shown to users, e.g. "OpenBLAS 0.3.21 (native)" or "managed".</summary>
    string Name { get; }

    /// <summary>
    /// Cholesky factorisation A = L·Lᵀ in place (dpotrf). On success the lower triangle of
    /// <paramref name="a"/> (a[i·n + j], j ≤ i) holds L; the strict upper triangle is unspecified.
    /// Returns false (a is then unspecified) when A is not positive definite.
    /// </summary>
    bool CholeskyFactor(Span<double> a, int n);

    /// <summary>Solves A·x = b given the factor from <see cref="CholeskyFactor"/> (dpotrs); b is overwritten by x.</summary>
    void CholeskySolve(ReadOnlySpan<double> factor, int n, Span<double> b);

    /// <summary>
    /// A⁻¹ from the factor (dpotri) in place: afterwards <paramref name="a"/> holds the full symmetric inverse
    /// (both triangles).
    /// </summary>
    void CholeskyInverse(Span<double> a, int n);

    /// <summary>
    /// Cholesky factorisation A = L·Lᵀ of a band matrix in place (dpbtrf). A is n × n symmetric positive
    /// definite with half-bandwidth <paramref name="kd"/> (A[i, j] = 0 for |i − j| &gt; kd), in band storage:
    /// row i of the row-major n × (kd+1) <paramref name="band"/> holds A[i, i−kd .. i], i.e. A[i, j] is at
    /// band[i·(kd+1) + kd − (i − j)] for max(0, i − kd) ≤ j ≤ i (the first kd − i entries of rows i &lt; kd
    /// are not referenced). This is LAPACK's UPLO = 'U' band storage seen row-major. On success the same
    /// positions hold L, which has the same band. Returns false (band then unspecified) when A is not
    /// positive definite. Cost ≈ n·kd²/2 multiply–adds, against n³/6 dense.
    /// </summary>
    /// <remarks>
    /// The band members have default implementations (the managed kernels, with scratch allocated per call)
    /// so that wrappers and test doubles of this interface keep compiling; <see cref="ManagedLapack"/> and
    /// <see cref="NativeLapack"/> implement them without allocating.
    /// </remarks>
    bool BandCholeskyFactor(Span<double> band, int n, int kd)
    {
        ManagedLapack.CheckBand(band.Length, n, kd);
        return BandCholeskyFactorization.Factor(band, n, kd);
    }

    /// <summary>
    /// Solves A·x = b given the band factor from <see cref="BandCholeskyFactor"/> (dpbtrs); b (length ≥ n) is
    /// overwritten by x.
    /// </summary>
    void BandCholeskySolve(ReadOnlySpan<double> factor, int n, int kd, Span<double> b)
    {
        ManagedLapack.CheckBand(factor.Length, n, kd);
        ArgumentOutOfRangeException.ThrowIfLessThan(b.Length, n, nameof(b));
        BandCholeskyFactorization.Solve(factor, n, kd, b);
    }

    /// <summary>
    /// Dense diagonal blocks of A⁻¹ from the band factor of <see cref="BandCholeskyFactor"/>, without forming
    /// A⁻¹ (a selected inversion). For c = 0 … <paramref name="count"/>−1 the index set
    /// S_c = <paramref name="indices"/>[c·m .. (c+1)·m) must be strictly increasing within [0, n);
    /// <paramref name="blocks"/>[c·m·m + r·m + s] receives (A⁻¹)[S_c[r], S_c[s]] (row-major m × m, both
    /// triangles). For a patch in wavelength-major order (unknown (fiber f, bin w) at w·nf + f) the block of
    /// fiber f is S = {f, nf + f, 2·nf + f, …}, and the blocks are the C_bb of signal decorrelation.
    /// Computed as Xᵀ·X with X = L⁻¹·E_S, whose column r is zero above row S[r]: about kd·n·m/2 + n·m²/6
    /// multiply–adds per block (1.6 M at n = 518, kd = 58, m = 74), against n³/2 for potrf + potri.
    /// </summary>
    void BandCholeskyInverseBlocks(ReadOnlySpan<double> factor, int n, int kd, ReadOnlySpan<int> indices, int m, int count, Span<double> blocks)
    {
        ManagedLapack.CheckBand(factor.Length, n, kd);
        ManagedLapack.CheckBlockIndices(indices, n, m, count, blocks.Length);
        var scratch = new BandInverseScratch();
        for (int c = 0; c < count; c++)
        {
            BandCholeskyFactorization.InverseBlock(factor, n, kd, indices.Slice(c * m, m), blocks.Slice(c * m * m, m * m), scratch);
        }
    }

    /// <summary>
    /// Eigen-decomposition A = V·diag(λ)·Vᵀ (dsyevd). <paramref name="eigenvalues"/> (length n) receive λ in
    /// ascending order; <paramref name="a"/> is overwritten by V with eigenvector k in column k:
    /// V[i, k] = a[i·n + k].
    /// </summary>
    void SymmetricEigen(Span<double> a, int n, Span<double> eigenvalues);
}
