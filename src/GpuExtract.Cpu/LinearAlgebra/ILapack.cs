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
    /// Eigen-decomposition A = V·diag(λ)·Vᵀ (dsyevd). <paramref name="eigenvalues"/> (length n) receive λ in
    /// ascending order; <paramref name="a"/> is overwritten by V with eigenvector k in column k:
    /// V[i, k] = a[i·n + k].
    /// </summary>
    void SymmetricEigen(Span<double> a, int n, Span<double> eigenvalues);
}
