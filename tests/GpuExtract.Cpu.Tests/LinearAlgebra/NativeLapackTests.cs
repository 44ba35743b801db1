using GpuExtract.Cpu.LinearAlgebra;
using static GpuExtract.Cpu.Tests.LinearAlgebra.TestMatrices;

namespace GpuExtract.Cpu.Tests.LinearAlgebra;

/// <summary>Loading the system LAPACK, and what only <see cref="NativeLapack"/> offers.</summary>
public sealed class NativeLapackTests
{
    [Fact]
    public void TryCreate_WithMissingLibrary_ReturnsFalseAndNamesIt()
    {
        bool loaded = NativeLapack.TryCreate(["libgpuextract-no-such-lapack.so.9"], out NativeLapack? lapack, out string reason);

        Assert.False(loaded);
        Assert.Null(lapack);
        Assert.Contains("libgpuextract-no-such-lapack.so.9", reason);
        Assert.Contains("not found", reason);
        Assert.DoesNotContain('\n', reason);
    }

    [SkippableFact]
    public void TryCreate_WithLibraryLackingLapack_ReturnsFalseAndNamesMissingSymbols()
    {
        // libc is present everywhere .NET runs on Linux and exports no LAPACK.
        Skip.IfNot(OperatingSystem.IsLinux(), "needs libc.so.6");

        bool loaded = NativeLapack.TryCreate(["libc.so.6"], out _, out string reason);

        Assert.False(loaded);
        Assert.Contains("libc.so.6: lacks dpotrf_", reason);
    }

    [SkippableFact]
    public void Name_SaysNativeAndWhichLibrary()
    {
        NativeLapack lapack = LapackImplementations.RequireNative();

        Assert.Contains("native", lapack.Name);
        Assert.Contains(lapack.LibraryName, lapack.Name);
    }

    [SkippableFact]
    public void WorkspaceIsReusedAcrossSizes()
    {
        // Alternating sizes re-query the workspace; results must not depend on the previous size.
        NativeLapack lapack = LapackImplementations.RequireNative();
        var random = new Random(9);
        foreach (int n in new[] { 74, 10, 120, 74 })
        {
            double[] a = WithSpectrum(EvenSpectrum(n, 50), random);
            double[] v = (double[])a.Clone();
            var lambda = new double[n];
            lapack.SymmetricEigen(v, n, lambda);
            double residual = EigenResidual(a, v, lambda, n);
            Assert.True(residual <= 1e-12, $"n = {n}: residual {residual:E3} > 1e-12");
        }
    }

    [SkippableFact]
    public void ConcurrentInstances_GiveTheSameResultsAsOneThread()
    {
        // The CPU backend runs one instance per worker thread against the one shared library; OpenBLAS
        // must then behave as it does single-threaded (no shared workspace clobbered between calls).
        LapackImplementations.RequireNative();
        const int N = 74;
        const int Matrices = 8;
        var inputs = new double[Matrices][];
        var expectedInverse = new double[Matrices][];
        var expectedLambda = new double[Matrices][];
        NativeLapack reference = LapackImplementations.RequireNative();
        for (int m = 0; m < Matrices; m++)
        {
            (inputs[m], _) = Spd(Spectrum.Even, N, 10 + m, seed: m);
            expectedInverse[m] = (double[])inputs[m].Clone();
            Assert.True(reference.CholeskyFactor(expectedInverse[m], N));
            reference.CholeskyInverse(expectedInverse[m], N);
            expectedLambda[m] = new double[N];
            reference.SymmetricEigen((double[])inputs[m].Clone(), N, expectedLambda[m]);
        }
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            NativeLapack lapack = LapackImplementations.RequireNative();
            var work = new double[N * N];
            var lambda = new double[N];
            for (int iteration = 0; iteration < 40; iteration++)
            {
                int m = (worker + iteration) % Matrices;
                inputs[m].CopyTo(work, 0);
                lapack.CholeskyFactor(work, N);
                lapack.CholeskyInverse(work, N);
                // Same library, same code path: agreement to rounding (1e-12 relative) or better.
                double inverseError = MaxAbsDifference(work, expectedInverse[m]) / MaxAbs(expectedInverse[m]);
                inputs[m].CopyTo(work, 0);
                lapack.SymmetricEigen(work, N, lambda);
                double lambdaError = MaxAbsDifference(lambda, expectedLambda[m]) / MaxAbs(expectedLambda[m]);
                if (inverseError > 1e-12 || lambdaError > 1e-12)
                {
                    failures.Enqueue($"worker {worker}, matrix {m}: inverse {inverseError:E3}, eigenvalues {lambdaError:E3}");
                }
            }
        });

        Assert.True(failures.IsEmpty, string.Join("; ", failures));
    }
}
