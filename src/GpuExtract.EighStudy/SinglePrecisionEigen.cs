using System.Runtime.InteropServices;
using GpuExtract.Cpu.LinearAlgebra;
using static GpuExtract.Cpu.LinearAlgebra.FortranLapack;

namespace GpuExtract.EighStudy;

/// <summary>
/// Float32 eigen-decomposition by the system LAPACK's ssyevd, for the precision study only: extraction
/// runs in double, so the CPU backend binds no single-precision routine. Bound from the same library
/// <see cref="NativeLapack"/> loaded (its <see cref="NativeLapack.LibraryName"/>), so both use one
/// OpenBLAS set up the same way. One instance per worker thread (it keeps workspace).
/// </summary>
/// <remarks>
/// Same storage mapping as <see cref="NativeLapack.SymmetricEigen(Span{double}, int, Span{double})"/>:
/// our row-major symmetric matrix is its own transpose, our lower triangle is Fortran's upper one, and
/// eigenvectors come back as Fortran columns (our rows), transposed so that eigenvector k is our column k.
/// The hidden CHARACTER lengths of the gfortran calling convention are passed (always 1).
/// </remarks>
public sealed unsafe class SinglePrecisionEigen
{
    /// <summary>ssyevd_(jobz, uplo, n, a, lda, w, work, lwork, iwork, liwork, info, len(jobz), len(uplo)).</summary>
    private readonly delegate* unmanaged[Cdecl]<byte*, byte*, int*, float*, int*, float*, float*, int*, int*, int*, int*, nuint, nuint, void> _ssyevd;

    // Workspace, sized by a workspace query the first time each n is seen.
    private int _queriedN = -1;
    private float[] _work = [];
    private int[] _intWork = [];

    private SinglePrecisionEigen(IntPtr ssyevd)
    {
        _ssyevd = (delegate* unmanaged[Cdecl]<byte*, byte*, int*, float*, int*, float*, float*, int*, int*, int*, int*, nuint, nuint, void>)ssyevd;
    }

    /// <summary>
    /// ssyevd from the library <paramref name="lapack"/> was loaded from, or false with the reason (a LAPACK
    /// without ssyevd_ still serves the double-precision backend; it only rules out the float32 study).
    /// </summary>
    public static bool TryCreate(NativeLapack lapack, out SinglePrecisionEigen? eigen, out string reason)
    {
        ArgumentNullException.ThrowIfNull(lapack);
        eigen = null;
        if (!NativeLibrary.TryLoad(lapack.LibraryName, out IntPtr handle))
        {
            reason = $"{lapack.LibraryName}: not found";
            return false;
        }
        if (!NativeLibrary.TryGetExport(handle, "ssyevd_", out IntPtr ssyevd))
        {
            reason = $"{lapack.LibraryName}: lacks ssyevd_";
            return false;
        }
        eigen = new SinglePrecisionEigen(ssyevd);
        reason = "";
        return true;
    }

    /// <summary>
    /// Eigenvalues (ascending) of the symmetric n×n matrix <paramref name="a"/> (row-major, lower triangle
    /// read) into <paramref name="eigenvalues"/>, and eigenvector k into column k of <paramref name="a"/>.
    /// </summary>
    public void SymmetricEigen(Span<float> a, int n, Span<float> eigenvalues)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (a.Length < (long)n * n)
        {
            throw new ArgumentException($"matrix span has {a.Length} elements, fewer than n·n = {(long)n * n}");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(eigenvalues.Length, n, nameof(eigenvalues));
        if (n == 0)
        {
            return;
        }
        byte jobz = Vectors;
        byte uplo = Lower;
        int order = n;
        int info;
        if (_queriedN != n)
        {
            float optimalWork;
            int optimalIntWork;
            int query = -1;
            fixed (float* pa = a)
            fixed (float* pw = eigenvalues)
            {
                _ssyevd(&jobz, &uplo, &order, pa, &order, pw, &optimalWork, &query, &optimalIntWork, &query, &info, 1, 1);
            }
            CheckArgumentInfo("ssyevd (workspace query)", info);
            Grow(ref _work, (int)optimalWork);
            Grow(ref _intWork, optimalIntWork);
            _queriedN = n;
        }
        int lwork = _work.Length;
        int liwork = _intWork.Length;
        fixed (float* pa = a)
        fixed (float* pw = eigenvalues)
        fixed (float* pwork = _work)
        fixed (int* piwork = _intWork)
        {
            _ssyevd(&jobz, &uplo, &order, pa, &order, pw, pwork, &lwork, piwork, &liwork, &info, 1, 1);
        }
        CheckArgumentInfo("ssyevd", info);
        if (info > 0)
        {
            throw new InvalidOperationException($"ssyevd: eigen-decomposition did not converge (info = {info}, n = {n}; non-finite matrix entries?)");
        }
        TransposeInPlace(a, n); // Fortran columns (our rows) → our columns
    }

    private static void TransposeInPlace(Span<float> a, int n)
    {
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                (a[i * n + j], a[j * n + i]) = (a[j * n + i], a[i * n + j]);
            }
        }
    }
}
