using static GpuExtract.Cpu.LinearAlgebra.FortranLapack;

namespace GpuExtract.Cpu.LinearAlgebra;

/// <summary>Which LAPACK driver <see cref="NativeLapack.SymmetricEigen(Span{double}, int, Span{double})"/> calls.</summary>
public enum SymmetricEigenDriver
{
    /// <summary>dsyevd: divide and conquer (the default; what the reference's numpy eigh calls).</summary>
    DivideAndConquer,

    /// <summary>dsyevr: multiple relatively robust representations (MRRR).</summary>
    RelativelyRobustRepresentations,
}

/// <summary>
/// <see cref="ILapack"/> on the system LAPACK (OpenBLAS when present), loaded at run time.
/// Create with <see cref="TryCreate(out NativeLapack?, out string)"/>; one instance per worker thread
/// (instances keep workspace and are not thread-safe; the library itself is shared and runs
/// single-threaded).
/// </summary>
/// <remarks>
/// Storage mapping. Our matrices are row-major: element (i, j) at a[i·n + j]. Fortran reads the same
/// memory column-major, so it sees the transpose: its (j, i) is our (i, j). For a symmetric input the
/// two coincide. Our lower triangle (j ≤ i) is therefore Fortran's UPPER triangle, so the Cholesky
/// routines are called with UPLO = 'U': dpotrf computes A = Uᵀ·U with U in Fortran's upper triangle,
/// which is L = Uᵀ in our lower triangle, as <see cref="ILapack"/> promises. dpotri likewise leaves
/// the inverse in our lower triangle, mirrored here to the upper one. Eigenvectors come back as
/// Fortran columns, i.e. our rows, and are transposed so that eigenvector k is our column k.
/// Band storage: our band row i, A[i, i−kd .. i] (see <see cref="ILapack.BandCholeskyFactor"/>), is
/// Fortran's column i of UPLO = 'U' band storage, AB(kd+1+j−i, i) = A(j, i) for i−kd ≤ j ≤ i with
/// LDAB = kd+1, so dpbtrf/dpbtrs are called with 'U' and leave L = Uᵀ in the same positions.
/// </remarks>
public sealed unsafe class NativeLapack : ILapack
{
    private const byte Upper = (byte)'U';
    private const byte All = (byte)'A';

    private readonly NativeLapackLibrary _library;

    // dsyevd workspace, sized by a workspace query the first time each n is seen.
    // Workspaces grow to the largest n seen, but each call passes the sizes queried for its own n (the
    // *Length fields): LAPACK picks blocked or unblocked reductions by LWORK, so passing a workspace grown by
    // an earlier, larger matrix would change the rounding, and the result would depend on what the worker
    // solved before (on history and thread count).
    private int _syevdQueriedN = -1;
    private double[] _syevdWork = [];
    private int[] _syevdIntWork = [];
    private int _syevdWorkLength;
    private int _syevdIntWorkLength;
    private int _syevrQueriedN = -1;
    private double[] _syevrWork = [];
    private int[] _syevrIntWork = [];
    private int _syevrWorkLength;
    private int _syevrIntWorkLength;
    private int[] _syevrSupport = [];
    private double[] _syevrVectors = [];
    private readonly BandInverseScratch _bandInverseScratch = new();

    internal NativeLapack(NativeLapackLibrary library)
    {
        _library = library;
        Name = library.Description;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The soname the library was loaded from, e.g. "libopenblas.so.0".</summary>
    public string LibraryName => _library.Soname;

    /// <summary>The driver used by <see cref="SymmetricEigen(Span{double}, int, Span{double})"/>; dsyevd unless changed.</summary>
    public SymmetricEigenDriver EigenDriver { get; set; } = SymmetricEigenDriver.DivideAndConquer;

    /// <summary>
    /// A new instance on the process-wide system LAPACK, or false with the reason (never throws for a
    /// missing library). The library is the one named by the environment variable GPUEXTRACT_LAPACK
    /// (soname or path) when set, else the first usable of <see cref="DefaultLibraryCandidates"/>;
    /// it is loaded once per process.
    /// </summary>
    public static bool TryCreate(out NativeLapack? lapack, out string reason)
    {
        NativeLapackLibrary? library = NativeLapackLibrary.LoadDefault(out reason);
        lapack = library is null ? null : new NativeLapack(library);
        return lapack is not null;
    }

    /// <summary>As <see cref="TryCreate(out NativeLapack?, out string)"/>, trying only <paramref name="libraryCandidates"/> (sonames or paths).</summary>
    public static bool TryCreate(IReadOnlyList<string> libraryCandidates, out NativeLapack? lapack, out string reason)
    {
        bool loaded = NativeLapackLibrary.TryLoad(libraryCandidates, out NativeLapackLibrary? library, out reason);
        lapack = loaded ? new NativeLapack(library!) : null;
        return loaded;
    }

    /// <summary>Sonames tried by default, in order.</summary>
    public static IReadOnlyList<string> DefaultLibraryCandidates => NativeLapackLibrary.DefaultCandidates;

    /// <inheritdoc />
    public bool CholeskyFactor(Span<double> a, int n)
    {
        ManagedLapack.CheckSquare(a.Length, n);
        if (n == 0)
        {
            return true;
        }
        byte uplo = Upper;
        int order = n;
        int info;
        fixed (double* pa = a)
        {
            _library.Dpotrf(&uplo, &order, pa, &order, &info, 1);
        }
        CheckArgumentInfo("dpotrf", info);
        if (info != 0)
        {
            return false;
        }
        // OpenBLAS's dpotrf tests pivots with "ajj <= 0" only, so a NaN in A passes as success (reference
        // LAPACK also tests DISNAN). A NaN anywhere in the lower triangle reaches every later diagonal
        // element of L, so checking the diagonal restores dpotrf's contract at O(n) cost.
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(a[i * n + i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc />
    public void CholeskySolve(ReadOnlySpan<double> factor, int n, Span<double> b)
    {
        ManagedLapack.CheckSquare(factor.Length, n);
        ArgumentOutOfRangeException.ThrowIfLessThan(b.Length, n, nameof(b));
        if (n == 0)
        {
            return;
        }
        byte uplo = Upper;
        int order = n;
        int columns = 1;
        int info;
        fixed (double* pa = factor)
        fixed (double* pb = b)
        {
            _library.Dpotrs(&uplo, &order, &columns, pa, &order, pb, &order, &info, 1);
        }
        CheckArgumentInfo("dpotrs", info);
    }

    /// <inheritdoc />
    public void CholeskyInverse(Span<double> a, int n)
    {
        ManagedLapack.CheckSquare(a.Length, n);
        if (n == 0)
        {
            return;
        }
        byte uplo = Upper;
        int order = n;
        int info;
        fixed (double* pa = a)
        {
            _library.Dpotri(&uplo, &order, pa, &order, &info, 1);
        }
        CheckArgumentInfo("dpotri", info);
        if (info > 0)
        {
            throw new InvalidOperationException($"dpotri: factor has a zero diagonal element at {info} (n = {n}); CholeskyInverse needs a successful CholeskyFactor first");
        }
        RowOperations.MirrorLowerToUpper(a, n);
    }

    /// <inheritdoc />
    public bool BandCholeskyFactor(Span<double> band, int n, int kd)
    {
        ManagedLapack.CheckBand(band.Length, n, kd);
        if (n == 0)
        {
            return true;
        }
        byte uplo = Upper;
        int order = n;
        int bandwidth = kd;
        int leading = kd + 1;
        int info;
        fixed (double* pab = band)
        {
            _library.Dpbtrf(&uplo, &order, &bandwidth, pab, &leading, &info, 1);
        }
        CheckArgumentInfo("dpbtrf", info);
        if (info != 0)
        {
            return false;
        }
        // As for dpotrf: a NaN passes OpenBLAS's pivot test but reaches every later diagonal element.
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(band[i * leading + kd]))
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc />
    public void BandCholeskySolve(ReadOnlySpan<double> factor, int n, int kd, Span<double> b)
    {
        ManagedLapack.CheckBand(factor.Length, n, kd);
        ArgumentOutOfRangeException.ThrowIfLessThan(b.Length, n, nameof(b));
        if (n == 0)
        {
            return;
        }
        byte uplo = Upper;
        int order = n;
        int bandwidth = kd;
        int columns = 1;
        int leading = kd + 1;
        int info;
        fixed (double* pab = factor)
        fixed (double* pb = b)
        {
            _library.Dpbtrs(&uplo, &order, &bandwidth, &columns, pab, &leading, pb, &order, &info, 1);
        }
        CheckArgumentInfo("dpbtrs", info);
    }

    /// <inheritdoc />
    /// <remarks>
    /// LAPACK has no selected inversion, and its building blocks (dtbtrs on the columns of E_S, then dsyrk
    /// for Xᵀ·X) cannot skip the zeros above each column's own row: about 2× the multiply–adds of the
    /// forward substitution and 6× those of Xᵀ·X, with dtbtrs solving one column at a time (level-2 BLAS).
    /// The register-blocked managed kernel that skips them runs instead, on the factor dpbtrf left.
    /// </remarks>
    public void BandCholeskyInverseBlocks(ReadOnlySpan<double> factor, int n, int kd, ReadOnlySpan<int> indices, int m, int count, Span<double> blocks)
    {
        ManagedLapack.CheckBand(factor.Length, n, kd);
        ManagedLapack.CheckBlockIndices(indices, n, m, count, blocks.Length);
        for (int c = 0; c < count; c++)
        {
            BandCholeskyFactorization.InverseBlock(factor, n, kd, indices.Slice(c * m, m), blocks.Slice(c * m * m, m * m), _bandInverseScratch);
        }
    }

    /// <inheritdoc />
    public void SymmetricEigen(Span<double> a, int n, Span<double> eigenvalues)
    {
        ManagedLapack.CheckSquare(a.Length, n);
        ArgumentOutOfRangeException.ThrowIfLessThan(eigenvalues.Length, n, nameof(eigenvalues));
        if (n == 0)
        {
            return;
        }
        if (EigenDriver == SymmetricEigenDriver.RelativelyRobustRepresentations)
        {
            EigenRelativelyRobust(a, n, eigenvalues);
            return;
        }
        byte jobz = Vectors;
        byte uplo = Lower;
        int order = n;
        int info;
        if (_syevdQueriedN != n)
        {
            double optimalWork;
            int optimalIntWork;
            int query = -1;
            fixed (double* pa = a)
            fixed (double* pw = eigenvalues)
            {
                _library.Dsyevd(&jobz, &uplo, &order, pa, &order, pw, &optimalWork, &query, &optimalIntWork, &query, &info, 1, 1);
            }
            CheckArgumentInfo("dsyevd (workspace query)", info);
            Grow(ref _syevdWork, (int)optimalWork);
            Grow(ref _syevdIntWork, optimalIntWork);
            (_syevdWorkLength, _syevdIntWorkLength) = ((int)optimalWork, optimalIntWork);
            _syevdQueriedN = n;
        }
        int lwork = _syevdWorkLength;
        int liwork = _syevdIntWorkLength;
        fixed (double* pa = a)
        fixed (double* pw = eigenvalues)
        fixed (double* pwork = _syevdWork)
        fixed (int* piwork = _syevdIntWork)
        {
            _library.Dsyevd(&jobz, &uplo, &order, pa, &order, pw, pwork, &lwork, piwork, &liwork, &info, 1, 1);
        }
        CheckArgumentInfo("dsyevd", info);
        if (info > 0)
        {
            throw new InvalidOperationException($"dsyevd: eigen-decomposition did not converge (info = {info}, n = {n}; non-finite matrix entries?)");
        }
        RowOperations.TransposeInPlace(a, n); // Fortran columns (our rows) → our columns
    }

    /// <summary>dsyevr with RANGE = 'A'; the eigenvectors land in a scratch matrix and are copied transposed into a.</summary>
    private void EigenRelativelyRobust(Span<double> a, int n, Span<double> eigenvalues)
    {
        byte jobz = Vectors;
        byte range = All;
        byte uplo = Lower;
        int order = n;
        double bound = 0;
        int index = 0;
        double tolerance = 0; // LAPACK's default, eps·‖T‖; MRRR ignores it for RANGE = 'A' in practice.
        int found;
        int info;
        Grow(ref _syevrVectors, n * n);
        Grow(ref _syevrSupport, 2 * n);
        if (_syevrQueriedN != n)
        {
            double optimalWork;
            int optimalIntWork;
            int query = -1;
            fixed (double* pa = a)
            fixed (double* pw = eigenvalues)
            fixed (double* pz = _syevrVectors)
            fixed (int* psupport = _syevrSupport)
            {
                _library.Dsyevr(&jobz, &range, &uplo, &order, pa, &order, &bound, &bound, &index, &index, &tolerance,
                    &found, pw, pz, &order, psupport, &optimalWork, &query, &optimalIntWork, &query, &info, 1, 1, 1);
            }
            CheckArgumentInfo("dsyevr (workspace query)", info);
            Grow(ref _syevrWork, (int)optimalWork);
            Grow(ref _syevrIntWork, optimalIntWork);
            (_syevrWorkLength, _syevrIntWorkLength) = ((int)optimalWork, optimalIntWork);
            _syevrQueriedN = n;
        }
        int lwork = _syevrWorkLength;
        int liwork = _syevrIntWorkLength;
        fixed (double* pa = a)
        fixed (double* pw = eigenvalues)
        fixed (double* pz = _syevrVectors)
        fixed (int* psupport = _syevrSupport)
        fixed (double* pwork = _syevrWork)
        fixed (int* piwork = _syevrIntWork)
        {
            _library.Dsyevr(&jobz, &range, &uplo, &order, pa, &order, &bound, &bound, &index, &index, &tolerance,
                &found, pw, pz, &order, psupport, pwork, &lwork, piwork, &liwork, &info, 1, 1, 1);
        }
        CheckArgumentInfo("dsyevr", info);
        if (info > 0 || found != n)
        {
            throw new InvalidOperationException($"dsyevr: eigen-decomposition failed (info = {info}, {found} of {n} eigenvalues; non-finite matrix entries?)");
        }
        // Z is column-major: z[r + k·n] = V[r, k].
        ReadOnlySpan<double> z = _syevrVectors.AsSpan(0, n * n);
        for (int k = 0; k < n; k++)
        {
            ReadOnlySpan<double> column = z.Slice(k * n, n);
            for (int r = 0; r < n; r++)
            {
                a[r * n + k] = column[r];
            }
        }
    }
}
