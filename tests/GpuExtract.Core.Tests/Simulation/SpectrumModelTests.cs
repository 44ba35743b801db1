using GpuExtract.Core.Simulation;

namespace GpuExtract.Core.Tests.Simulation;

public class SpectrumModelTests
{
    /// <summary>Simpson's rule on a fine grid: an integration independent of the erf closed form.</summary>
    private static double Simpson(Func<double, double> f, double a, double b, int intervals = 2000)
    {
        double h = (b - a) / intervals;
        double sum = f(a) + f(b);
        for (int i = 1; i < intervals; i++)
        {
            sum += f(a + i * h) * (i % 2 == 1 ? 4 : 2);
        }
        return sum * h / 3;
    }

    [Theory]
    [InlineData(6563.0, 1.2)]   // a resolved galaxy line
    [InlineData(6300.3, 0.07)]  // a sky line much narrower than a 0.8 Å bin
    public void EmissionLine_BinsMatchNumericalIntegrationAndSumToTheFlux(double center, double sigma)
    {
        var grid = new SimulationGrid(6250, 6650, 0.8, 0);
        var bins = new double[grid.Count];
        var line = new EmissionLine(center, sigma, 1000.0);
        line.AddTo(grid.Edges, bins, 2.0);
        Assert.True(Math.Abs(bins.Sum() - 2000.0) < 1e-9, $"Σ bins = {bins.Sum()}, expected 2000");
        Func<double, double> density = l => 2000.0 / (Math.Sqrt(2 * Math.PI) * sigma) * Math.Exp(-0.5 * Math.Pow((l - center) / sigma, 2));
        for (int j = 0; j < grid.Count; j++)
        {
            double expected = Simpson(density, grid.Edges[j], grid.Edges[j + 1]);
            Assert.True(Math.Abs(bins[j] - expected) < 1e-8 * 2000, $"bin {j} ({grid.Wavelengths[j]} Å): {bins[j]} vs Simpson {expected}");
        }
    }

    [Fact]
    public void PowerLaw_IntegralMatchesNumericalIntegration()
    {
        foreach (double index in new[] { -1.0, -0.3, 0.0, 0.5, 2.0 })
        {
            var continuum = new PowerLawContinuum(7.5, 6700, index);
            double expected = Simpson(l => 7.5 * Math.Pow(l / 6700, index), 5740.4, 5741.2);
            double actual = continuum.Integral(5740.4, 5741.2);
            Assert.True(Math.Abs(actual - expected) < 1e-10 * expected, $"index {index}: {actual} vs {expected}");
        }
    }

    [Fact]
    public void Grid_MatchesTheReferenceShapes()
    {
        // ../shared/reference/README.md: 5760–7620 by 0.8 has 2326 bins and TRUTHWAVE 2376 with 25 pad bins;
        // 6200–6400 has 251 and 301.
        var r = new SimulationGrid(5760, 7620, 0.8, 20);
        Assert.Equal((2326, 25, 2376), (r.ExtractionCount, r.PadBins, r.Count));
        Assert.Equal(5740.0, r.Wavelengths[0], 9);
        Assert.Equal(5760.0, r.Wavelengths[25], 9);
        Assert.Equal(7640.0, r.Wavelengths[^1], 9);
        var small = new SimulationGrid(6200, 6400, 0.8, 20);
        Assert.Equal((251, 301), (small.ExtractionCount, small.Count));
    }

    [Fact]
    public void Sky_HasTheReferenceContinuumLevelAndLines()
    {
        var grid = new SimulationGrid(5760, 7620, 0.8, 20);
        SimulatedTruth truth = SpectrumModel.Build(grid, 0, 1, 900);
        double[] flux = truth.FluxDensity();
        double throughput = truth.Targets[0].Throughput;
        // Fiber 0 is a sky fiber. A line-free stretch near 6700 Å: the reference's sky is ~144 e/Å (README §2.2).
        int j = Array.FindIndex(grid.Wavelengths, l => l >= 6700);
        double continuum = flux[j] / throughput;
        Assert.True(continuum is > 100 and < 200, $"sky continuum at 6700 Å = {continuum} e/Å");
        // [O I] 6300 stands far above it.
        int k = Array.FindIndex(grid.Wavelengths, l => Math.Abs(l - 6300.3) <= 0.4);
        Assert.True(flux[k] > 20 * flux[j], $"[O I] 6300 bin {flux[k]} e/Å vs continuum {flux[j]}");
    }

    [Fact]
    public void Spectra_ScaleWithExposureTime()
    {
        var grid = new SimulationGrid(6000, 6100, 0.8, 20);
        SimulatedTruth full = SpectrumModel.Build(grid, 0, 6, 900);
        SimulatedTruth half = SpectrumModel.Build(grid, 0, 6, 450);
        for (int i = 0; i < full.Photons.Length; i++)
        {
            Assert.True(Math.Abs(half.Photons[i] * 2 - full.Photons[i]) <= 1e-12 * full.Photons[i], $"bin {i}: {half.Photons[i]}·2 vs {full.Photons[i]}");
        }
    }

    [Fact]
    public void Targets_FollowTheReferenceAssignmentAndDoNotDependOnTheRange()
    {
        var grid = new SimulationGrid(5760, 7620, 0.8, 20);
        SimulatedTruth all = SpectrumModel.Build(grid, 0, 30, 900);
        SimulatedTruth some = SpectrumModel.Build(grid, 25, 3, 900);
        for (int i = 0; i < 30; i++)
        {
            FiberTarget t = all.Targets[i];
            string expected = (t.Fiber % 3) switch { 0 => "SKY", 1 => "ELG", _ => "BGS" };
            Assert.Equal(expected, t.TruthType);
            Assert.Equal(expected == "SKY" ? "SKY" : "TGT", t.ObjType);
            Assert.InRange(t.Throughput, 0.98, 1.02);
            if (expected == "ELG")
            {
                // The [O II] doublet lands inside the simulated r grid.
                Assert.InRange(3727.4 * (1 + t.Redshift), grid.Wavelengths[0], grid.Wavelengths[^1]);
            }
            if (expected == "BGS")
            {
                Assert.InRange(6562.8 * (1 + t.Redshift), grid.Wavelengths[0], grid.Wavelengths[^1]);
            }
        }
        for (int i = 0; i < 3; i++)
        {
            Assert.True(some.PhotonsOf(i).SequenceEqual(all.PhotonsOf(25 + i)), $"fiber {25 + i} differs between ranges");
        }
    }
}
