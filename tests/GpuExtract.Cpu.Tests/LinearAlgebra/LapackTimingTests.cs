using System.Diagnostics;
using System.Reflection;
using GpuExtract.Cpu.LinearAlgebra;
using Xunit.Abstractions;

namespace GpuExtract.Cpu.Tests.LinearAlgebra;

/// <summary>Informational timings of the patch-sized operations (printed, not asserted beyond sanity).</summary>
public sealed class LapackTimingTests(ITestOutputHelper output)
{
    [Fact]
    public void Timings_OfPatchSizedMatrices_ArePrinted()
    {
        // A Debug build of GpuExtract.Cpu runs the managed kernels unoptimised (about 15× slower):
        // say so, and time less.
        bool optimised = typeof(ManagedLapack).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled != true;
        if (!optimised)
        {
            output.WriteLine("GpuExtract.Cpu is an unoptimised (Debug) build: managed timings are not representative; use -c Release");
        }
        var implementations = new List<ILapack> { new ManagedLapack() };
        if (NativeLapack.TryCreate(out NativeLapack? native, out string reason))
        {
            implementations.Add(native!);
            Assert.True(NativeLapack.TryCreate(out NativeLapack? mrrr, out _));
            mrrr!.EigenDriver = SymmetricEigenDriver.RelativelyRobustRepresentations;
            implementations.Add(mrrr);
        }
        else
        {
            output.WriteLine($"native LAPACK not timed: {reason}");
        }
        foreach (int n in new[] { 74, 500 })
        {
            (double[] a, _) = TestMatrices.Spd(TestMatrices.Spectrum.Geometric, n, 1e6, seed: 5);
            var work = new double[n * n];
            var lambda = new double[n];
            int repeats = !optimised ? 1 : n <= 100 ? 20 : 3;
            foreach (ILapack lapack in implementations)
            {
                string label = lapack is NativeLapack { EigenDriver: SymmetricEigenDriver.RelativelyRobustRepresentations } ? $"{lapack.Name} [dsyevr]" : lapack.Name;
                double inverseMs = BestOf(repeats, () =>
                {
                    a.CopyTo(work, 0);
                    Assert.True(lapack.CholeskyFactor(work, n));
                    lapack.CholeskyInverse(work, n);
                });
                double eigenMs = BestOf(repeats, () =>
                {
                    a.CopyTo(work, 0);
                    lapack.SymmetricEigen(work, n, lambda);
                });
                output.WriteLine($"n = {n,3}  potrf+potri {inverseMs,8:F3} ms   syev {eigenMs,8:F3} ms   {label}");
                Assert.True(lambda[0] > 0, "eigenvalues of an SPD matrix came out non-positive");
            }
        }
    }

    [Fact]
    public void BandTimings_OfPatchSizedNormalMatrix_ArePrinted()
    {
        // The signal-decorrelation inverse of one patch both ways: dense (potrf + potrs + potri of the whole
        // iCov) against band (pbtrf + pbtrs + the 5 kept fibers' blocks of the inverse), on a synthetic
        // 7-fiber × 74-bin normal matrix with the real patches' band (kd = 58).
        bool optimised = typeof(ManagedLapack).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled != true;
        var implementations = new List<ILapack> { new ManagedLapack() };
        if (NativeLapack.TryCreate(out NativeLapack? native, out string reason))
        {
            implementations.Add(native!);
        }
        else
        {
            output.WriteLine($"native LAPACK not timed: {reason}");
        }
        const int Fibers = 7;
        const int Bins = 74;
        const int Kept = 5;
        (double[] icov, int kd) = PatchLikeNormalMatrix.Build(Fibers, Bins, padBins: 6, seed: 3);
        int n = Fibers * Bins;
        double[] band = PatchLikeNormalMatrix.ToBand(icov, n, kd);
        int[] indices = [.. Enumerable.Range(0, Kept * Bins).Select(q => q % Bins * Fibers + 1 + q / Bins)];
        var work = new double[n * n];
        var bandWork = new double[band.Length];
        var blocks = new double[Kept * Bins * Bins];
        var rhs = new double[n];
        int repeats = optimised ? 10 : 2;
        foreach (ILapack lapack in implementations)
        {
            double denseMs = BestOf(repeats, () =>
            {
                icov.CopyTo(work, 0);
                Assert.True(lapack.CholeskyFactor(work, n));
                rhs.AsSpan().Fill(1);
                lapack.CholeskySolve(work, n, rhs);
                lapack.CholeskyInverse(work, n);
            });
            double bandMs = BestOf(repeats, () =>
            {
                band.CopyTo(bandWork, 0);
                Assert.True(lapack.BandCholeskyFactor(bandWork, n, kd));
                rhs.AsSpan().Fill(1);
                lapack.BandCholeskySolve(bandWork, n, kd, rhs);
                lapack.BandCholeskyInverseBlocks(bandWork, n, kd, indices, Bins, Kept, blocks);
            });
            output.WriteLine($"n = {n}, kd = {kd}: dense potrf+potrs+potri {denseMs,7:F3} ms   band pbtrf+pbtrs+{Kept} inverse blocks {bandMs,7:F3} ms   {lapack.Name}");
            Assert.True(blocks[0] > 0, "a diagonal entry of the inverse of an SPD matrix came out non-positive");
        }
    }

    /// <summary>Fastest of <paramref name="repeats"/> runs after one warm-up [ms].</summary>
    private static double BestOf(int repeats, Action action)
    {
        action();
        double best = double.MaxValue;
        for (int r = 0; r < repeats; r++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return best;
    }
}
