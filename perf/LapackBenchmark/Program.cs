using System.Diagnostics;
using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Cpu.Tests.LinearAlgebra;

// Patch-sized LAPACK operations, one core: the managed solver (the baseline, measured in the same run)
// against the system LAPACK with its dsyevd and dsyevr eigen drivers; then one patch's signal-decorrelation
// inverse done dense (the baseline) and in band storage.
//
//   dotnet run -c Release --project perf/LapackBenchmark -- [--repeats N]

int repeatsOption = 0;
for (int a = 0; a < args.Length; a++)
{
    switch (args[a])
    {
        case "--repeats": repeatsOption = int.Parse(args[++a]); break;
        default:
            Console.Error.WriteLine($"unknown argument {args[a]}");
            return 2;
    }
}

var implementations = new List<(string Label, ILapack Lapack)> { ("managed", new ManagedLapack()) };
if (NativeLapack.TryCreate(out NativeLapack? native, out string reason) && NativeLapack.TryCreate(out NativeLapack? mrrr, out _))
{
    mrrr!.EigenDriver = SymmetricEigenDriver.RelativelyRobustRepresentations;
    implementations.Add((native!.Name, native));
    implementations.Add(($"{mrrr.Name} [dsyevr]", mrrr));
}
else
{
    Console.WriteLine($"native LAPACK not timed: {reason}");
}

// Dense SPD matrices with condition 1e6: a patch's size (74) and a large one (500).
foreach (int n in new[] { 74, 500 })
{
    (double[] a, _) = TestMatrices.Spd(TestMatrices.Spectrum.Geometric, n, 1e6, seed: 5);
    var work = new double[n * n];
    var lambda = new double[n];
    int repeats = repeatsOption > 0 ? repeatsOption : n <= 100 ? 20 : 3;
    double baselineInverse = 0, baselineEigen = 0;
    foreach (var (label, lapack) in implementations)
    {
        double inverseMs = BestOf(repeats, () =>
        {
            a.CopyTo(work, 0);
            if (!lapack.CholeskyFactor(work, n))
            {
                throw new InvalidOperationException($"{label}: SPD test matrix (n = {n}) not positive definite");
            }
            lapack.CholeskyInverse(work, n);
        });
        double eigenMs = BestOf(repeats, () =>
        {
            a.CopyTo(work, 0);
            lapack.SymmetricEigen(work, n, lambda);
        });
        if (lambda[0] <= 0)
        {
            throw new InvalidOperationException($"{label}: eigenvalues of an SPD matrix came out non-positive");
        }
        if (baselineInverse == 0)
        {
            (baselineInverse, baselineEigen) = (inverseMs, eigenMs);
        }
        Console.WriteLine($"n = {n,3}  potrf+potri {inverseMs,8:F3} ms ({baselineInverse / inverseMs,5:F1}× managed)   syev {eigenMs,8:F3} ms ({baselineEigen / eigenMs,5:F1}× managed)   {label}");
    }
}

// The signal-decorrelation inverse of one patch both ways: dense (potrf + potrs + potri of the whole iCov)
// against band (pbtrf + pbtrs + the 5 kept fibers' blocks of the inverse), on a synthetic 7-fiber × 74-bin
// normal matrix with the real patches' band (kd = 58).
const int Fibers = 7;
const int Bins = 74;
const int Kept = 5;
(double[] icov, int kd) = PatchLikeNormalMatrix.Build(Fibers, Bins, padBins: 6, seed: 3);
int size = Fibers * Bins;
double[] band = PatchLikeNormalMatrix.ToBand(icov, size, kd);
int[] indices = [.. Enumerable.Range(0, Kept * Bins).Select(q => q % Bins * Fibers + 1 + q / Bins)];
var denseWork = new double[size * size];
var bandWork = new double[band.Length];
var blocks = new double[Kept * Bins * Bins];
var rhs = new double[size];
int bandRepeats = repeatsOption > 0 ? repeatsOption : 10;
foreach (var (label, lapack) in implementations)
{
    if (lapack is NativeLapack { EigenDriver: SymmetricEigenDriver.RelativelyRobustRepresentations })
    {
        continue; // same Cholesky routines as the dsyevd instance
    }
    double denseMs = BestOf(bandRepeats, () =>
    {
        icov.CopyTo(denseWork, 0);
        if (!lapack.CholeskyFactor(denseWork, size))
        {
            throw new InvalidOperationException($"{label}: patch-like normal matrix not positive definite");
        }
        rhs.AsSpan().Fill(1);
        lapack.CholeskySolve(denseWork, size, rhs);
        lapack.CholeskyInverse(denseWork, size);
    });
    double bandMs = BestOf(bandRepeats, () =>
    {
        band.CopyTo(bandWork, 0);
        if (!lapack.BandCholeskyFactor(bandWork, size, kd))
        {
            throw new InvalidOperationException($"{label}: patch-like band matrix not positive definite");
        }
        rhs.AsSpan().Fill(1);
        lapack.BandCholeskySolve(bandWork, size, kd, rhs);
        lapack.BandCholeskyInverseBlocks(bandWork, size, kd, indices, Bins, Kept, blocks);
    });
    if (blocks[0] <= 0)
    {
        throw new InvalidOperationException($"{label}: a diagonal entry of the inverse of an SPD matrix came out non-positive");
    }
    Console.WriteLine($"n = {size}, kd = {kd}: dense potrf+potrs+potri {denseMs,7:F3} ms   band pbtrf+pbtrs+{Kept} inverse blocks {bandMs,7:F3} ms ({denseMs / bandMs:F1}× dense)   {label}");
}
return 0;

// Fastest of `repeats` runs after one warm-up [ms].
static double BestOf(int repeats, Action action)
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
