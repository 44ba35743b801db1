using System.Diagnostics;
using System.Globalization;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Simulation;

// Times a full-frame simulation with the built-in synthetic PSF, stage by stage, and the writing.
// Usage: dotnet run -c Release --project perf/SimulateBenchmark [-- FIBERS OUTPUT [REPEATS]]
//   FIBERS  count from fiber 0 (default 500); OUTPUT a .fits or .fits.gz path (default: a temp .fits).
int fibers = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
string output = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "simulate-benchmark.fits");
int repeats = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
var options = new SimulationOptions { FiberMin = 0, FiberCount = fibers, Seed = 1 };
Console.WriteLine($"{Environment.ProcessorCount} cores; {fibers} fibers, {options.WaveMin}-{options.WaveMax} A by {options.WaveStep}; output {output}");

for (int run = 0; run < repeats; run++)
{
    var total = Stopwatch.StartNew();
    var clock = Stopwatch.StartNew();
    GaussHermitePsf psf = SyntheticPsf.Create();
    double psfSeconds = clock.Elapsed.TotalSeconds;

    clock.Restart();
    var grid = new SimulationGrid(options.WaveMin, options.WaveMax, options.WaveStep, options.SimulationPad);
    SimulatedTruth truth = SpectrumModel.Build(grid, options.FiberMin, options.FiberCount, options.ExposureTime);
    double spectraSeconds = clock.Elapsed.TotalSeconds;

    clock.Restart();
    var image = new double[psf.NPixX * psf.NPixY];
    PhotonProjection.Project(psf, truth, image);
    double projectionSeconds = clock.Elapsed.TotalSeconds;

    clock.Restart();
    SimulatedFrame frame = FrameSimulator.Simulate(psf, options, "synthetic");
    double simulateSeconds = clock.Elapsed.TotalSeconds;

    clock.Restart();
    frame.Write(output);
    double writeSeconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"run {run}: PSF {psfSeconds:0.00} s; stages alone: spectra {spectraSeconds:0.00} s, projection {projectionSeconds:0.00} s; " +
        $"FrameSimulator.Simulate {simulateSeconds:0.00} s + Write {writeSeconds:0.00} s = {simulateSeconds + writeSeconds:0.00} s " +
        $"({frame.Region.Height} x {frame.Region.Width} px, {new FileInfo(output).Length / 1e6:0.0} MB); wall incl. stages {total.Elapsed.TotalSeconds:0.00} s"));
}
