using GpuExtract.Core.Extraction;
using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Tests.Psf;

namespace GpuExtract.Core.Tests.Planning;

public class PatchPlannerTests
{
    private static readonly GaussHermitePsf Psf = new(SyntheticPsf.Build(new Dictionary<string, double>(), fibers: 30));

    private static ExtractionOptions Options(int specMin = 0, int nspec = 30, int nsub = 5, int step = 50, double wmin = 5300, double wmax = 5500, double dw = 0.8) => new()
    {
        Wavelengths = ExtractionOptions.LinearGrid(wmin, wmax, dw),
        SpecMin = specMin,
        NSpec = nspec,
        NSubBundles = nsub,
        NWaveStep = step,
    };

    [Theory]
    [InlineData(5, 50)]
    [InlineData(6, 50)]
    [InlineData(1, 30)]
    [InlineData(25, 80)]
    public void Plan_KeepsEveryOutputBinExactlyOnce(int nsub, int step)
    {
        var options = Options(nsub: nsub, step: step);
        PatchPlan plan = PatchPlanner.Plan(Psf, options);
        var kept = new int[options.NSpec * options.Wavelengths.Length];
        PatchBatch b = plan.Patches;
        for (int p = 0; p < b.Count; p++)
        {
            for (int a = 0; a < b.KeepFiberCount[p]; a++)
            {
                for (int c = 0; c < b.CoreCount[p]; c++)
                {
                    int fiber = b.FiberStart[p] + b.KeepFiberOffset[p] + a - options.SpecMin;
                    int bin = b.WaveStart[p] + b.CoreOffset[p] + c - plan.GridOffset;
                    kept[fiber * options.Wavelengths.Length + bin]++;
                }
            }
        }
        Assert.All(kept, count => Assert.Equal(1, count));
        Assert.Equal(kept.Length, b.OutputCount);
    }

    [Fact]
    public void Plan_PadsEachPatchByAtLeastNdiagAndStaysOnTheGrid()
    {
        var options = Options();
        PatchPlan plan = PatchPlanner.Plan(Psf, options);
        PatchBatch b = plan.Patches;
        Assert.True(plan.HalfDiagonals >= 1);
        for (int p = 0; p < b.Count; p++)
        {
            Assert.True(b.CoreOffset[p] >= plan.HalfDiagonals, $"patch {p}: {b.CoreOffset[p]} bins below the core");
            Assert.True(b.WaveCount[p] - b.CoreOffset[p] - b.CoreCount[p] >= plan.HalfDiagonals, $"patch {p}: too few bins above the core");
            Assert.True(b.WaveStart[p] >= 0 && b.WaveStart[p] + b.WaveCount[p] <= plan.GridWavelengths.Length);
            Assert.InRange(b.XMin[p], 0, Psf.NPixX);
            Assert.InRange(b.XMax[p], b.XMin[p] + 1, Psf.NPixX);
            Assert.InRange(b.YMin[p], 0, Psf.NPixY);
            Assert.InRange(b.YMax[p], b.YMin[p] + 1, Psf.NPixY);
        }
        // The grid is the output grid, extended with the same step.
        for (int k = 0; k < options.Wavelengths.Length; k++)
        {
            Assert.Equal(options.Wavelengths[k], plan.GridWavelengths[k + plan.GridOffset]);
        }
        Assert.Equal(options.WavelengthStep, plan.GridWavelengths[1] - plan.GridWavelengths[0], 9);
    }

    [Fact]
    public void Plan_BoxCoversThePatchSpotsWithPixPadding()
    {
        // Synthetic traces have y = 2000 + 4·(λ − 5500) px: the box's rows must reach round(0.8·11) = 9 rows
        // beyond the spots of the core wavelengths (the reference's pixpad rule), and its columns span the fibers.
        var options = Options(nsub: 1, nspec: 25);
        PatchPlan plan = PatchPlanner.Plan(Psf, options);
        PatchBatch b = plan.Patches;
        int p = 1;
        double wlo = plan.GridWavelengths[b.WaveStart[p] + b.CoreOffset[p]];
        double yCentre = Psf.Y(0, wlo);
        int spotTop = (int)(yCentre - Psf.HalfSizeY + 0.5);
        Assert.Equal(spotTop - 9, b.YMin[p]);
        Assert.True(b.XMin[p] <= (int)(Psf.X(0, wlo) - Psf.HalfSizeX + 0.5));
        Assert.True(b.XMax[p] >= (int)(Psf.X(24, wlo) + Psf.HalfSizeX + 1.5));
    }

    [Fact]
    public void Plan_SubbundlesFitOneNeighbourEachSide()
    {
        PatchPlan plan = PatchPlanner.Plan(Psf, Options(nspec: 25, nsub: 5));
        PatchBatch b = plan.Patches;
        var fitted = Enumerable.Range(0, b.Count).Select(p => (b.FiberStart[p], b.FiberCount[p], b.KeepFiberOffset[p], b.KeepFiberCount[p])).Distinct().ToArray();
        Assert.Equal([(0, 6, 0, 5), (4, 7, 1, 5), (9, 7, 1, 5), (14, 7, 1, 5), (19, 6, 1, 5)], fitted);
    }

    [Fact]
    public void Plan_FibersOutsideThePsf_AreAnInputError()
    {
        var error = Assert.Throws<ExtractionInputException>(() => PatchPlanner.Plan(Psf, Options(specMin: 20, nspec: 20)));
        Assert.Contains("fibers 20-39", error.Message);
    }

    [Fact]
    public void Plan_WavelengthsOutsideThePsf_AreAnInputError()
    {
        var error = Assert.Throws<ExtractionInputException>(() => PatchPlanner.Plan(Psf, Options(wmin: 4900, wmax: 5100)));
        Assert.Contains("not covered by the PSF", error.Message);
    }

    [Fact]
    public void Plan_NonLinearGrid_IsAnInputError()
    {
        double[] grid = ExtractionOptions.LinearGrid(5300, 5400, 1);
        grid[10] += 0.3;
        var options = Options() with { Wavelengths = grid };
        Assert.Throws<ExtractionInputException>(() => PatchPlanner.Plan(Psf, options));
    }
}
