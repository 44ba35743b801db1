using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Simulation;

namespace GpuExtract.Core.Tests.Simulation;

public class FrameSimulatorTests
{
    private static readonly Lazy<GaussHermitePsf> Psf = new(() => SyntheticPsf.Default);

    /// <summary>Five fibers inside bundle 0 over 100 Å: fast, fully on the CCD.</summary>
    private static readonly SimulationOptions Small = new()
    {
        FiberMin = 10,
        FiberCount = 5,
        WaveMin = 6500,
        WaveMax = 6600,
        Seed = 3,
        CosmicCount = 20,
        BadColumnCount = 1,
    };

    private static readonly Lazy<SimulatedFrame> SmallFrame = new(() => FrameSimulator.Simulate(Psf.Value, Small, "synthetic"));

    internal static SimulatedFrame Simulate(SimulationOptions options) => FrameSimulator.Simulate(Psf.Value, options, "synthetic");

    [Fact]
    public void Projection_ConservesFlux()
    {
        SimulatedFrame frame = SmallFrame.Value;
        double input = frame.Truth.Photons.Sum();
        double output = frame.Noiseless.Sum();
        // Every spot lies fully on the CCD and sums to 1 up to rounding (~1e-15 per spot).
        double relative = Math.Abs(output - input) / input;
        Assert.True(relative <= 1e-6, $"noiseless image holds {output} e, the spectra {input} e (relative {relative:E2})");
        Assert.True(input > 1e5, $"only {input} e simulated");
    }

    [Fact]
    public void Projection_PutsEachFibersLightOnItsTrace()
    {
        // A single fiber: the light-weighted mean column of each row is the trace x within 0.5 px
        // (the Hermite terms make spots slightly asymmetric).
        SimulatedFrame frame = Simulate(Small with { FiberMin = 12, FiberCount = 1, CosmicCount = 0, BadColumnCount = 0 });
        PixelBox box = frame.Region;
        int checkedRows = 0;
        for (double wavelength = 6510; wavelength <= 6590; wavelength += 10)
        {
            int row = (int)Math.Round(Psf.Value.Y(12, wavelength));
            double sum = 0, moment = 0;
            for (int x = box.XMin; x < box.XMax; x++)
            {
                double value = frame.Noiseless[(row - box.YMin) * box.Width + x - box.XMin];
                sum += value;
                moment += value * x;
            }
            double x0 = Psf.Value.X(12, Psf.Value.Wavelength(12, row));
            Assert.True(Math.Abs(moment / sum - x0) < 0.5, $"row {row}: light centred at x = {moment / sum}, trace at {x0}");
            checkedRows++;
        }
        Assert.Equal(9, checkedRows);
    }

    [Fact]
    public void Simulate_SameSeedGivesIdenticalPixels_OtherSeedDifferent()
    {
        SimulatedFrame a = SmallFrame.Value;
        SimulatedFrame b = Simulate(Small);
        SimulatedFrame c = Simulate(Small with { Seed = 4 });
        Assert.True(a.Image.Image.AsSpan().SequenceEqual(b.Image.Image), "same seed, different IMAGE");
        Assert.True(a.Image.Ivar.AsSpan().SequenceEqual(b.Image.Ivar), "same seed, different IVAR");
        Assert.True(a.Image.Mask.AsSpan().SequenceEqual(b.Image.Mask), "same seed, different MASK");
        int differing = 0;
        for (int i = 0; i < a.Image.Image.Length; i++)
        {
            differing += a.Image.Image[i] != c.Image.Image[i] ? 1 : 0;
        }
        // Read noise makes every simulated pixel differ between seeds (ties have probability ~1e-7).
        Assert.True(differing > 0.99 * a.Region.PixelCount, $"{differing} of {a.Region.PixelCount} pixels differ between seeds 3 and 4");
        Assert.Equal(a.Noiseless, c.Noiseless);
    }

    [Fact]
    public void Simulate_PixelsDoNotDependOnThreadCount()
    {
        // Fibers 20–74 make three bundle chunks, two of them scattered in parallel in the first pass.
        var options = Small with { FiberMin = 20, FiberCount = 55, WaveMin = 6000, WaveMax = 6020, CosmicCount = 10 };
        SimulatedFrame one = Simulate(options with { Threads = 1 });
        SimulatedFrame two = Simulate(options with { Threads = 2 });
        Assert.True(one.Noiseless.AsSpan().SequenceEqual(two.Noiseless), "noiseless image depends on the thread count");
        Assert.True(one.Image.Image.AsSpan().SequenceEqual(two.Image.Image), "IMAGE depends on the thread count");
    }

    [Fact]
    public void Noise_NormalisedResidualsHaveUnitVarianceOverABundle()
    {
        // Bundle 0 over 200 Å: ~1e5 pixels, so the mean of χ² (σ = √2/√n ≈ 0.45 %) is checked to 2 %.
        SimulatedFrame frame = Simulate(new SimulationOptions { FiberMin = 0, FiberCount = 25, WaveMin = 6300, WaveMax = 6500, Seed = 11 });
        PixelBox box = frame.Region;
        double sumChi2 = 0, sumPull = 0;
        long n = 0;
        for (int y = box.YMin; y < box.YMax; y++)
        {
            for (int x = box.XMin; x < box.XMax; x++)
            {
                int p = y * frame.Image.NPixX + x;
                if (frame.Image.Mask[p] != 0)
                {
                    continue;
                }
                double model = frame.Noiseless[(y - box.YMin) * box.Width + x - box.XMin];
                double residual = frame.Image.Image[p] - model;
                sumChi2 += residual * residual * frame.Image.Ivar[p];
                sumPull += residual * Math.Sqrt(frame.Image.Ivar[p]);
                n++;
            }
        }
        double meanChi2 = sumChi2 / n, meanPull = sumPull / n;
        Assert.True(n > 50_000, $"only {n} pixels");
        Assert.True(Math.Abs(meanChi2 - 1) < 0.02, $"mean (image − model)²·ivar = {meanChi2} over {n} pixels");
        Assert.True(Math.Abs(meanPull) < 0.02, $"mean (image − model)·√ivar = {meanPull} over {n} pixels");
    }

    [Fact]
    public void IvarFromImage_FollowsTheDesiPreprocRecipe()
    {
        SimulatedFrame frame = Simulate(Small with { IvarFromImage = true, CosmicCount = 0 });
        Assert.False(frame.Image.Header.GetBool("IVARMODL"));
        PixelBox box = frame.Region;
        int checkedPixels = 0;
        for (int y = box.YMin; y < box.YMax; y++)
        {
            for (int x = box.XMin; x < box.XMax; x++)
            {
                int p = y * frame.Image.NPixX + x;
                if (frame.Image.Mask[p] != 0)
                {
                    continue;
                }
                // IVAR = 1/(RDNOISE² + max(IMAGE, 0)), rounded to float32.
                double expected = 1.0 / (9.0 + Math.Max(frame.Image.Image[p], 0f));
                Assert.True(Math.Abs(frame.Image.Ivar[p] - expected) <= 1e-7 * expected, $"pixel ({x}, {y}): IVAR {frame.Image.Ivar[p]}, expected {expected}");
                checkedPixels++;
            }
        }
        Assert.True(checkedPixels > 10_000, $"only {checkedPixels} pixels checked");
    }

    [Fact]
    public void Defects_AreInMaskWithZeroIvar()
    {
        SimulatedFrame frame = SmallFrame.Value;
        var image = frame.Image;
        PixelBox box = frame.Region;
        int cosmicPixels = 0;
        for (int p = 0; p < image.Mask.Length; p++)
        {
            if ((image.Mask[p] & CcdMaskBits.Cosmic) != 0)
            {
                cosmicPixels++;
                int x = p % image.NPixX, y = p / image.NPixX;
                double model = frame.Noiseless[(y - box.YMin) * box.Width + x - box.XMin];
                // A hit deposits ≥ 300 e; the noise is ≤ 6σ = 6·√(model + 9).
                Assert.True(image.Image[p] > model + 300 - 6 * Math.Sqrt(model + 9), $"cosmic pixel ({x}, {y}) holds {image.Image[p]} e over a model of {model}");
            }
            if (image.Mask[p] != 0)
            {
                Assert.Equal(0f, image.Ivar[p]);
            }
        }
        Assert.Equal(frame.CosmicPixels, cosmicPixels);
        Assert.InRange(cosmicPixels, 20, 80); // 20 hits of 1–4 pixels, a few clipped at the region's edge
        Assert.Equal((long)cosmicPixels, image.Header.GetInt("NCOSPIX"));
        Assert.Equal(20L, image.Header.GetInt("NCOSMIC"));

        int column = Assert.Single(frame.BadColumns);
        Assert.Equal(column, image.Header.GetInt("BADCOL"));
        Assert.InRange(column, box.XMin, box.XMax - 1);
        for (int y = box.YMin; y < box.YMax; y++)
        {
            int p = y * image.NPixX + column;
            Assert.True((image.Mask[p] & CcdMaskBits.Hot) != 0 && image.Ivar[p] == 0, $"bad column pixel ({column}, {y}): mask {image.Mask[p]}, ivar {image.Ivar[p]}");
        }
        // Unmasked pixels of the region all have IVAR > 0 (read noise 3 e).
        for (int y = box.YMin; y < box.YMax; y++)
        {
            for (int x = box.XMin; x < box.XMax; x++)
            {
                int p = y * image.NPixX + x;
                Assert.True(image.Mask[p] != 0 || image.Ivar[p] > 0, $"pixel ({x}, {y}) unmasked with IVAR {image.Ivar[p]}");
            }
        }
    }

    [Fact]
    public void Simulate_LeavesTheCcdOutsideTheRegionEmpty()
    {
        SimulatedFrame frame = SmallFrame.Value;
        var image = frame.Image;
        PixelBox box = frame.Region;
        Assert.Equal((4114, 4128), (image.NPixX, image.NPixY));
        Assert.Equal((long)box.XMin, image.Header.GetInt("SIMXMIN"));
        Assert.Equal((long)box.YMax, image.Header.GetInt("SIMYMAX"));
        for (int y = 0; y < image.NPixY; y++)
        {
            bool rowInside = y >= box.YMin && y < box.YMax;
            for (int x = 0; x < image.NPixX; x++)
            {
                if (rowInside && x >= box.XMin && x < box.XMax)
                {
                    continue;
                }
                int p = y * image.NPixX + x;
                if (image.Image[p] != 0 || image.Ivar[p] != 0 || image.Mask[p] != 0)
                {
                    Assert.Fail($"pixel ({x}, {y}) outside the region {box}: image {image.Image[p]}, ivar {image.Ivar[p]}, mask {image.Mask[p]}");
                }
            }
        }
        // The region is the spots' box plus 8 columns and 16 rows: for 5 fibers ~7.3 px apart, 17-column stamps.
        Assert.InRange(box.Width, 4 * 7 + 17 + 16, 4 * 8 + 17 + 16 + 2);
    }

    [Fact]
    public void Simulate_RejectsRequestsOutsideThePsf()
    {
        Assert.Throws<SimulationInputException>(() => Simulate(Small with { FiberMin = 490, FiberCount = 20 }));
        Assert.Throws<SimulationInputException>(() => Simulate(Small with { WaveMin = 5500 }));
        Assert.Throws<SimulationInputException>(() => Simulate(Small with { WaveMax = 7820 }));
        Assert.Throws<SimulationInputException>(() => Simulate(Small with { ExposureTime = -1 }));
    }
}
