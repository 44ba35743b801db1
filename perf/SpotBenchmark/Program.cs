using System.Diagnostics;
using GpuExtract.Core.Psf;
using GpuExtract.Perf.SpotBenchmark;

// Spot-evaluation throughput: every spot of a 500-fiber frame on the r-camera grid
// (5760 … 7620 Å in 0.8 Å steps = 2326 wavelengths), batched and parallel, against a naive
// per-spot single-threaded evaluation of the same spots.
//
//   dotnet run -c Release --project perf/SpotBenchmark -- [--psf PATH] [--runs N] [--threads N] [--fibers N] [--naive-fibers N]

string? psfPath = null;
int runs = 3, threads = 0, naiveFibers = 25, fiberLimit = 500;
for (int a = 0; a < args.Length; a++)
{
    switch (args[a])
    {
        case "--psf": psfPath = args[++a]; break;
        case "--runs": runs = int.Parse(args[++a]); break;
        case "--threads": threads = int.Parse(args[++a]); break;
        case "--naive-fibers": naiveFibers = int.Parse(args[++a]); break;
        case "--fibers": fiberLimit = int.Parse(args[++a]); break;
        default:
            Console.Error.WriteLine($"unknown argument {args[a]}");
            return 2;
    }
}
runs = Math.Max(1, runs);
psfPath ??= FindSharedPsf();
if (psfPath is null)
{
    Console.Error.WriteLine("no PSF: pass --psf PATH (../shared/data/psf-r0-00051060.fits is used when present)");
    return 2;
}

var load = Stopwatch.StartNew();
GaussHermitePsf psf = GaussHermitePsf.Load(psfPath);
Console.WriteLine($"PSF {psfPath}: {psf.FiberCount} fibers, stamps {psf.StampRows}×{psf.StampCols}, GH degree {psf.GhDegX}×{psf.GhDegY}; loaded in {load.Elapsed.TotalSeconds:F2} s");

double[] waves = new double[2326];
for (int k = 0; k < waves.Length; k++)
{
    waves[k] = 5760.0 + 0.8 * k;
}
int fibers = Math.Min(fiberLimit, psf.FiberCount);
long spots = (long)fibers * waves.Length;
Console.WriteLine($"grid: {fibers} fibers × {waves.Length} wavelengths = {spots:N0} spots; {Environment.ProcessorCount} cores, threads {(threads == 0 ? "all" : threads.ToString())}");

var times = new List<double>();
var cpuTimes = new List<double>();
SpotTable? table = null;
for (int run = 0; run <= runs; run++)
{
    table = null;
    GC.Collect();
    GC.WaitForPendingFinalizers();
    TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    table = psf.EvaluateSpots(psf.FiberMin, fibers, waves, threads);
    double s = sw.Elapsed.TotalSeconds;
    double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
    cpuTimes.Add(cpu);
    Console.WriteLine($"  {(run == 0 ? "warm-up" : $"run {run}")}: {s:F3} s wall, {cpu:F3} s CPU ({spots / s / 1e6:F2} M spots/s; {cpu / spots * 1e6:F2} µs CPU per spot)");
    if (run > 0)
    {
        times.Add(s);
    }
}
times.Sort();
double best = times[0], median = times[times.Count / 2];
cpuTimes.RemoveAt(0);
cpuTimes.Sort();
Console.WriteLine($"batched: CPU time per frame (least of runs) {cpuTimes[0]:F3} s = {cpuTimes[0] / spots * 1e6:F2} µs per spot; on an idle machine with {Environment.ProcessorCount} cores ≈ {cpuTimes[0] / Environment.ProcessorCount:F2} s wall");
Console.WriteLine($"batched: best {best:F3} s, median {median:F3} s for {spots:N0} spots = {spots / best / 1e6:F2} M spots/s (stamps {table!.Values.LongLength * 8 / 1e9:F2} GB)");

// Naive path on the first fibers only (it is slow); per-spot time extrapolated to the frame.
int nf = Math.Min(naiveFibers, fibers);
if (nf <= 0)
{
    return 0;
}
var naive = new NaiveSpot(psf);
var naiveWatch = Stopwatch.StartNew();
double worst = 0;
for (int f = 0; f < nf; f++)
{
    for (int k = 0; k < waves.Length; k++)
    {
        var result = naive.Evaluate(psf.FiberMin + f, waves[k]);
        int i = f * waves.Length + k;
        if (result is { } r && table.Rows[i] == r.Stamp.GetLength(0) && table.Cols[i] == r.Stamp.GetLength(1))
        {
            Span<double> stamp = table.Stamp(i);
            for (int row = 0; row < table.Rows[i]; row++)
            {
                for (int c = 0; c < table.Cols[i]; c++)
                {
                    worst = Math.Max(worst, Math.Abs(stamp[row * table.StampCols + c] - r.Stamp[row, c]));
                }
            }
        }
    }
}
double naiveSeconds = naiveWatch.Elapsed.TotalSeconds;
long naiveSpots = (long)nf * waves.Length;
double perSpotNaive = naiveSeconds / naiveSpots;
double perSpotBatched = best / spots;
Console.WriteLine($"naive (1 thread): {naiveSeconds:F2} s for {naiveSpots:N0} spots ({nf} fibers) = {naiveSpots / naiveSeconds / 1e6:F3} M spots/s; whole frame ≈ {perSpotNaive * spots:F1} s");
Console.WriteLine($"speed-up batched/naive: {perSpotNaive / perSpotBatched:F1}×  (max |Δstamp| naive vs batched on unclipped spots: {worst:E2})");
return 0;

static string? FindSharedPsf()
{
    // The repository root is recorded in every assembly at build time (Directory.Build.props).
    foreach (var attribute in typeof(NaiveSpot).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false))
    {
        if (attribute is System.Reflection.AssemblyMetadataAttribute { Key: "GpuExtract.RepositoryRoot", Value: { Length: > 0 } root })
        {
            string candidate = Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "psf-r0-00051060.fits"));
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
    }
    return null;
}
