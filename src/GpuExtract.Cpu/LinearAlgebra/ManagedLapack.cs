namespace GpuExtract.Cpu.LinearAlgebra;

/// <summary>
/// <see cref="ILapack"/> in plain C#, the fallback when no native LAPACK can be loaded: row-oriented
/// Cholesky, inverse by L⁻¹ then L⁻ᵀ·L⁻¹, band Cholesky and selected inverse blocks
/// (<see cref="BandCholeskyFactorization"/>), and eigen-decomposition by Householder tridiagonalisation
/// followed by implicit QL. Scratch space grows to the largest n seen and is reused, so repeated
/// calls of the same size allocate nothing. Not thread-safe: one instance per worker.
/// </summary>
public sealed class ManagedLapack : ILapack
{
    private double[] _diagonal = [];
    private double[] _offDiagonal = [];
    private double[] _tau = [];
    private double[] _work = [];
    private readonly TridiagonalQLEigen _tridiagonalEigen = new();
    private double[] _sortedEigenvalues = [];
    private int[] _order = [];
    private double[] _eigenvectorRows = [];
    private readonly BandInverseScratch _bandInverseScratch = new();

    /// <inheritdoc />
    public string Name => "managed";

    /// <inheritdoc />
    public bool CholeskyFactor(Span<double> a, int n)
    {
        CheckSquare(a.Length, n);
        return CholeskyFactorization.Factor(a, n);
    }

    /// <inheritdoc />
    public void CholeskySolve(ReadOnlySpan<double> factor, int n, Span<double> b)
    {
        CheckSquare(factor.Length, n);
        ArgumentOutOfRangeException.ThrowIfLessThan(b.Length, n, nameof(b));
        CholeskyFactorization.Solve(factor, n, b);
    }

    /// <inheritdoc />
    public void CholeskyInverse(Span<double> a, int n)
    {
        CheckSquare(a.Length, n);
        CholeskyFactorization.Invert(a, n);
    }

    /// <inheritdoc />
    public bool BandCholeskyFactor(Span<double> band, int n, int kd)
    {
        CheckBand(band.Length, n, kd);
        return BandCholeskyFactorization.Factor(band, n, kd);
    }

    /// <inheritdoc />
    public void BandCholeskySolve(ReadOnlySpan<double> factor, int n, int kd, Span<double> b)
    {
        CheckBand(factor.Length, n, kd);
        ArgumentOutOfRangeException.ThrowIfLessThan(b.Length, n, nameof(b));
        BandCholeskyFactorization.Solve(factor, n, kd, b);
    }

    /// <inheritdoc />
    public void BandCholeskyInverseBlocks(ReadOnlySpan<double> factor, int n, int kd, ReadOnlySpan<int> indices, int m, int count, Span<double> blocks)
    {
        CheckBand(factor.Length, n, kd);
        CheckBlockIndices(indices, n, m, count, blocks.Length);
        for (int c = 0; c < count; c++)
        {
            BandCholeskyFactorization.InverseBlock(factor, n, kd, indices.Slice(c * m, m), blocks.Slice(c * m * m, m * m), _bandInverseScratch);
        }
    }

    /// <inheritdoc />
    public void SymmetricEigen(Span<double> a, int n, Span<double> eigenvalues)
    {
        CheckSquare(a.Length, n);
        ArgumentOutOfRangeException.ThrowIfLessThan(eigenvalues.Length, n, nameof(eigenvalues));
        EnsureScratch(n);
        Span<double> diagonal = _diagonal.AsSpan(0, n);
        Span<double> vt = _eigenvectorRows.AsSpan(0, n * n);

        HouseholderTridiagonalization.Reduce(a, n, diagonal, _offDiagonal, _tau, _work);
        HouseholderTridiagonalization.FormTransposedQ(a, n, _tau, vt);
        _tridiagonalEigen.Solve(diagonal, _offDiagonal, n, vt);

        // Ascending order; eigenvector k (row order[k] of vt) goes to column k of a.
        Span<double> sorted = _sortedEigenvalues.AsSpan(0, n);
        Span<int> order = _order.AsSpan(0, n);
        diagonal.CopyTo(sorted);
        for (int k = 0; k < n; k++)
        {
            order[k] = k;
        }
        sorted.Sort(order);
        sorted.CopyTo(eigenvalues);
        for (int k = 0; k < n; k++)
        {
            ReadOnlySpan<double> row = vt.Slice(order[k] * n, n);
            for (int i = 0; i < n; i++)
            {
                a[i * n + k] = row[i];
            }
        }
    }

    private void EnsureScratch(int n)
    {
        if (_diagonal.Length >= n)
        {
            return;
        }
        _diagonal = new double[n];
        _offDiagonal = new double[n];
        _tau = new double[n];
        _work = new double[n];
        _sortedEigenvalues = new double[n];
        _order = new int[n];
        _eigenvectorRows = new double[n * n];
    }

    /// <summary>Band storage of n rows of kd+1 entries.</summary>
    internal static void CheckBand(int length, int n, int kd)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(kd);
        if (length < (long)n * (kd + 1))
        {
            throw new ArgumentException($"band span has {length} elements, fewer than n·(kd+1) = {(long)n * (kd + 1)} (n = {n}, kd = {kd})");
        }
    }

    /// <summary><paramref name="count"/> strictly increasing index sets of length m within [0, n), and room for their blocks.</summary>
    internal static void CheckBlockIndices(ReadOnlySpan<int> indices, int n, int m, int count, int blocksLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        if (indices.Length < (long)count * m || blocksLength < (long)count * m * m)
        {
            throw new ArgumentException($"{count} blocks of m = {m} need {(long)count * m} indices and {(long)count * m * m} block elements; got {indices.Length} and {blocksLength}");
        }
        for (int c = 0; c < count; c++)
        {
            int previous = -1;
            for (int r = 0; r < m; r++)
            {
                int index = indices[c * m + r];
                if (index <= previous || index >= n)
                {
                    throw new ArgumentException($"index set {c}: entry {r} is {index}; indices must be strictly increasing within [0, {n})");
                }
                previous = index;
            }
        }
    }

    internal static void CheckSquare(int length, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (length < (long)n * n)
        {
            throw new ArgumentException($"matrix span has {length} elements, fewer than n·n = {(long)n * n}");
        }
    }
}
