using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.Cpu.Tests.Extraction;

/// <summary>The <see cref="ILapack"/> the solver tests use, and a wrapper whose Cholesky always fails.</summary>
internal static class TestLapack
{
    private static readonly Func<ILapack> Factory = LapackProvider.CreateFactory(LapackChoice.Auto, out _);

    /// <summary>What production uses: native LAPACK where it loads, else the managed implementation.</summary>
    public static ILapack Create() => Factory();
}

/// <summary>Delegates everything but reports every Cholesky factorisation (dense or band) as failed, to force the eigh fallback.</summary>
internal sealed class FailingCholeskyLapack(ILapack inner) : ILapack
{
    public string Name => $"{inner.Name} (Cholesky always fails)";

    public bool CholeskyFactor(Span<double> a, int n)
    {
        // Leave a as garbage, as a failed dpotrf may: the solver must not reuse it.
        a[..(n * n)].Fill(double.NaN);
        return false;
    }

    public bool BandCholeskyFactor(Span<double> band, int n, int kd)
    {
        band[..(n * (kd + 1))].Fill(double.NaN);
        return false;
    }

    public void CholeskySolve(ReadOnlySpan<double> factor, int n, Span<double> b) => inner.CholeskySolve(factor, n, b);

    public void CholeskyInverse(Span<double> a, int n) => inner.CholeskyInverse(a, n);

    public void SymmetricEigen(Span<double> a, int n, Span<double> eigenvalues) => inner.SymmetricEigen(a, n, eigenvalues);
}
