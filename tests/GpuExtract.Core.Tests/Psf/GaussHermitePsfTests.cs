using GpuExtract.Core.Psf;

namespace GpuExtract.Core.Tests.Psf;

/// <summary>The spot model against closed forms on synthetic PSFs (see <see cref="SyntheticPsf"/>).</summary>
public class GaussHermitePsfTests
{
    // Closed forms come from independent quadrature, accurate to ~1e-16; the stamps to a few ulp.
    private const double ClosedFormTolerance = 1e-14;

    private static GaussHermitePsf Synthetic(params (string Name, double Value)[] values) =>
        new(SyntheticPsf.Build(values.ToDictionary(v => v.Name, v => v.Value)));

    /// <summary>Σ_ij GH[i, j]·Px_i(c)·Py_j(r) by quadrature over the pixels xlo…, ylo….</summary>
    private static double[,] CoreByQuadrature(double x, double y, double sx, double sy, int xlo, int ylo, int rows, int cols,
        params (int I, int J, double Value)[] gh)
    {
        var core = new double[rows, cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                foreach (var (i, j, v) in gh)
                {
                    core[r, c] += v * Quadrature.PixelHermite(i, xlo + c, x, sx) * Quadrature.PixelHermite(j, ylo + r, y, sy);
                }
            }
        }
        return core;
    }

    private static double Sum(double[,] a)
    {
        double s = 0;
        foreach (double v in a)
        {
            s += v;
        }
        return s;
    }

    private static double MaxDifference(ReadOnlySpan<double> stamp, int stampCols, double[,] expected, int rowOffset = 0, double scale = 1)
    {
        double worst = 0;
        for (int r = 0; r + rowOffset < expected.GetLength(0) && r * stampCols < stamp.Length; r++)
        {
            for (int c = 0; c < expected.GetLength(1); c++)
            {
                worst = Math.Max(worst, Math.Abs(stamp[r * stampCols + c] - expected[r + rowOffset, c] / scale));
            }
        }
        return worst;
    }

    [Fact]
    public void Spot_WithOnlyGH00_IsTheNormalisedProductOfPixelIntegratedGaussians()
    {
        GaussHermitePsf psf = Synthetic(("GH-0-0", 1.0), ("GHSIGX", 0.9), ("GHSIGY", 1.2));
        double wave = SyntheticPsf.WavelengthAtY(1234.56);
        var stamp = new double[psf.StampRows * psf.StampCols];
        psf.Spot(1, wave, stamp, out int xmin, out int ymin, out int rows, out int cols);
        double x = psf.X(1, wave), y = psf.Y(1, wave);
        Assert.Equal(110.0, x);
        Assert.True(Math.Abs(y - 1234.56) < 1e-9, $"y = {y}");
        Assert.Equal((102, 1230, 11, 17), (xmin, ymin, rows, cols)); // trunc(110 − 8 + 0.5), trunc(1234.56 − 5 + 0.5)
        double[,] core = CoreByQuadrature(x, y, 0.9, 1.2, xmin, ymin, rows, cols, (0, 0, 1.0));
        double worst = MaxDifference(stamp, psf.StampCols, core, scale: Sum(core));
        Assert.True(worst <= ClosedFormTolerance, $"max |stamp − normalised erf product| = {worst:E2}");
    }

    [Fact]
    public void Spot_CentredOnAPixelWithEvenHermiteTermsIsSymmetric()
    {
        GaussHermitePsf psf = Synthetic(("GH-0-0", 1.0), ("GH-2-0", 0.1), ("GH-0-2", -0.05), ("GH-2-2", 0.02), ("GH-4-0", 0.01));
        var stamp = new double[psf.StampRows * psf.StampCols];
        psf.Spot(0, 5500.0, stamp, out int xmin, out int ymin, out int rows, out int cols);
        Assert.Equal((100.0, 2000.0), (psf.X(0, 5500), psf.Y(0, 5500)));
        Assert.Equal((92, 1995, 11, 17), (xmin, ymin, rows, cols));
        double worst = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                double v = stamp[r * cols + c];
                worst = Math.Max(worst, Math.Abs(v - stamp[(rows - 1 - r) * cols + c]));
                worst = Math.Max(worst, Math.Abs(v - stamp[r * cols + (cols - 1 - c)]));
            }
        }
        Assert.True(worst <= 1e-16, $"max asymmetry = {worst:E2}");
        Assert.True(stamp[5 * cols + 8] > stamp[5 * cols + 7], "the central pixel should be the brightest");
    }

    [Fact]
    public void Spot_StampsSumToOneWhenNotClipped()
    {
        var psf = new GaussHermitePsf(SyntheticPsf.Random(seed: 1));
        var stamp = new double[psf.StampRows * psf.StampCols];
        int checkedSpots = 0;
        double worst = 0;
        for (int fiber = psf.FiberMin; fiber < psf.FiberMin + psf.FiberCount; fiber++)
        {
            for (double wave = 5003; wave < 6000; wave += 41.3)
            {
                psf.Spot(fiber, wave, stamp, out int xmin, out _, out int rows, out int cols);
                if (rows != psf.StampRows || cols != psf.StampCols || xmin == 0)
                {
                    continue;
                }
                worst = Math.Max(worst, Math.Abs(stamp.Sum() - 1));
                checkedSpots++;
            }
        }
        Assert.True(checkedSpots > 50, $"only {checkedSpots} unclipped spots");
        Assert.True(worst <= 1e-14, $"max |Σ stamp − 1| = {worst:E2}");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.0)]
    public void Spot_TailIsAddedAtPixelCentresBeforeNormalisation(double gh00)
    {
        const double amp = 0.05, core = 1.5, xsca = 0.7, ysca = 1.3, inde = 2.5;
        GaussHermitePsf psf = Synthetic(("GH-0-0", gh00), ("TAILAMP", amp), ("TAILCORE", core), ("TAILXSCA", xsca), ("TAILYSCA", ysca), ("TAILINDE", inde));
        double wave = SyntheticPsf.WavelengthAtY(1234.56);
        var stamp = new double[psf.StampRows * psf.StampCols];
        psf.Spot(2, wave, stamp, out int xmin, out int ymin, out int rows, out int cols);
        double x = psf.X(2, wave), y = psf.Y(2, wave);
        double[,] expected = CoreByQuadrature(x, y, 1.0, 1.0, xmin, ymin, rows, cols, (0, 0, gh00));
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                double dx = (xmin + c - x) * xsca, dy = (ymin + r - y) * ysca;
                double r2 = dx * dx + dy * dy;
                expected[r, c] += amp * r2 / Math.Pow(core * core + r2, 1 + inde / 2);
            }
        }
        double worst = MaxDifference(stamp, cols, expected, scale: Sum(expected));
        Assert.True(worst <= ClosedFormTolerance, $"max |stamp − (core + tail)/Σ| = {worst:E2}");
    }

    [Fact]
    public void Spot_NegativeCoreValuesAreClippedToZeroBeforeNormalisation()
    {
        GaussHermitePsf psf = Synthetic(("GH-0-0", 1.0), ("GH-0-2", -0.6));
        double wave = SyntheticPsf.WavelengthAtY(1500.3);
        var stamp = new double[psf.StampRows * psf.StampCols];
        psf.Spot(0, wave, stamp, out int xmin, out int ymin, out int rows, out int cols);
        double[,] expected = CoreByQuadrature(psf.X(0, wave), psf.Y(0, wave), 1, 1, xmin, ymin, rows, cols, (0, 0, 1.0), (0, 2, -0.6));
        int negatives = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                if (expected[r, c] < 0)
                {
                    expected[r, c] = 0;
                    negatives++;
                }
            }
        }
        Assert.True(negatives > 0, "the test PSF should have negative core pixels");
        Assert.True(stamp.Min() == 0, $"min stamp value {stamp.Min()}");
        double worst = MaxDifference(stamp, cols, expected, scale: Sum(expected));
        Assert.True(worst <= ClosedFormTolerance, $"max |stamp − clip(core)/Σ| = {worst:E2}");
    }

    [Fact]
    public void Spot_NearTheLowEdgeTruncatesTowardZeroAndIsNormalisedOverTenRows()
    {
        // y − HSIZEY + 0.5 = −0.3: int() gives row 0 (floor would give −1), so the stamp has rows
        // 0…9 only, normalised over those 10 rows, and nothing is clipped (README §7).
        GaussHermitePsf psf = Synthetic(("GH-0-0", 1.0));
        double wave = SyntheticPsf.WavelengthAtY(4.2);
        double y = psf.Y(0, wave);
        Assert.True(Math.Abs(y - 4.2) < 1e-9, $"y = {y}");
        var stamp = new double[psf.StampRows * psf.StampCols];
        psf.Spot(0, wave, stamp, out int xmin, out int ymin, out int rows, out int cols);
        Assert.Equal((92, 0, 10, 17), (xmin, ymin, rows, cols));
        Assert.True(Math.Abs(stamp.Sum() - 1) <= 1e-14, $"Σ stamp = {stamp.Sum():R}");
        double[,] expected = CoreByQuadrature(100, y, 1, 1, xmin, 0, 10, cols, (0, 0, 1.0));
        double worst = MaxDifference(stamp, cols, expected, scale: Sum(expected));
        Assert.True(worst <= ClosedFormTolerance, $"max |stamp − closed form over rows 0…9| = {worst:E2}");
        Assert.All(stamp[(10 * cols)..], v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void Spot_CrossingTheLowEdgeIsCutToTheCcdAfterNormalisation()
    {
        // y = 2: rows int(−2.5) = −2 … int(8.5) − 1 = 7, normalised over those 10 rows, rows 0…7 kept.
        GaussHermitePsf psf = Synthetic(("GH-0-0", 1.0));
        double wave = SyntheticPsf.WavelengthAtY(2.0);
        double y = psf.Y(0, wave);
        var stamp = new double[psf.StampRows * psf.StampCols];
        psf.Spot(0, wave, stamp, out int xmin, out int ymin, out int rows, out int cols);
        Assert.Equal((92, 0, 8, 17), (xmin, ymin, rows, cols));
        double[,] full = CoreByQuadrature(100, y, 1, 1, xmin, -2, 10, cols, (0, 0, 1.0));
        double worst = MaxDifference(stamp, cols, full, rowOffset: 2, scale: Sum(full));
        Assert.True(worst <= ClosedFormTolerance, $"max |stamp − closed form rows 0…7 of −2…7| = {worst:E2}");
        double keptShare = 0;
        for (int r = 2; r < 10; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                keptShare += full[r, c] / Sum(full);
            }
        }
        Assert.True(Math.Abs(stamp.Sum() - keptShare) <= 1e-14 && keptShare < 0.999, $"Σ stamp = {stamp.Sum():R}, expected {keptShare:R}");
    }

    [Fact]
    public void Spot_OutsideTheFibersCoverageIsEmpty()
    {
        GaussHermitePsf psf = Synthetic(("GH-0-0", 1.0));
        var (min, max) = psf.WavelengthCoverage(0);
        // y = −0.5 and 3999.5 on the linear synthetic trace (the inverse fit is exact to rounding here).
        Assert.True(Math.Abs(min - 4999.875) < 1e-9 && Math.Abs(max - 5999.875) < 1e-9, $"coverage {min:R} … {max:R}");
        var stamp = new double[psf.StampRows * psf.StampCols];
        Array.Fill(stamp, 7.0);
        psf.Spot(0, 4999.8, stamp, out int xmin, out int ymin, out int rows, out int cols);
        Assert.Equal((0, 0, 0, 0), (xmin, ymin, rows, cols));
        Assert.All(stamp, v => Assert.Equal(0.0, v));
        psf.Spot(0, 5999.9, stamp, out xmin, out ymin, out rows, out cols);
        Assert.Equal((0, 4000, 0, 0), (xmin, ymin, rows, cols));
        psf.Spot(0, 4999.9, stamp, out _, out _, out rows, out _);
        Assert.True(rows > 0, "a wavelength just inside the coverage has a stamp");
    }

    [Fact]
    public void EvaluateSpots_AgreesWithSingleSpotsIncludingEdgesAndGaps()
    {
        var psf = new GaussHermitePsf(SyntheticPsf.Random(seed: 2));
        double[] waves = Enumerable.Range(0, 300).Select(k => 4990 + 3.41 * k).ToArray();
        SpotTable table = psf.EvaluateSpots(psf.FiberMin, psf.FiberCount, waves, threads: 2);
        Assert.Equal(psf.FiberCount * waves.Length, table.Count);
        var stamp = new double[psf.StampRows * psf.StampCols];
        int empty = 0, clipped = 0;
        double worst = 0;
        for (int f = 0; f < psf.FiberCount; f++)
        {
            for (int k = 0; k < waves.Length; k++)
            {
                int i = f * waves.Length + k;
                psf.Spot(psf.FiberMin + f, waves[k], stamp, out int xmin, out int ymin, out int rows, out int cols);
                Assert.True((xmin, ymin, rows, cols) == (table.XMin[i], table.YMin[i], table.Rows[i], table.Cols[i]),
                    $"fiber {psf.FiberMin + f} at {waves[k]}: single {(xmin, ymin, rows, cols)} vs table {(table.XMin[i], table.YMin[i], table.Rows[i], table.Cols[i])}");
                Assert.Equal(psf.X(psf.FiberMin + f, waves[k]), table.CenterX[i], 12);
                Assert.Equal(psf.Y(psf.FiberMin + f, waves[k]), table.CenterY[i], 12);
                ReadOnlySpan<double> t = table.Stamp(i);
                for (int p = 0; p < stamp.Length; p++)
                {
                    worst = Math.Max(worst, Math.Abs(t[p] - stamp[p]));
                }
                empty += rows == 0 ? 1 : 0;
                clipped += rows > 0 && (rows < psf.StampRows || cols < psf.StampCols) ? 1 : 0;
            }
        }
        Assert.True(empty > 0 && clipped > 0, $"the grid should include empty ({empty}) and clipped ({clipped}) spots");
        Assert.True(worst <= 1e-15, $"max |table − single spot| = {worst:E2}");
    }

    [Fact]
    public void EvaluateSpots_IsIndependentOfThreadCount()
    {
        var psf = new GaussHermitePsf(SyntheticPsf.Random(seed: 3));
        double[] waves = Enumerable.Range(0, 700).Select(k => 5000 + 1.4 * k).ToArray();
        SpotTable one = psf.EvaluateSpots(psf.FiberMin + 1, 4, waves, threads: 1);
        SpotTable two = psf.EvaluateSpots(psf.FiberMin + 1, 4, waves, threads: 2);
        Assert.True(one.Values.AsSpan().SequenceEqual(two.Values), "stamps differ between 1 and 2 threads");
        Assert.True(one.YMin.AsSpan().SequenceEqual(two.YMin) && one.Rows.AsSpan().SequenceEqual(two.Rows), "origins differ");
    }

    [Fact]
    public void FiberNumbers_AreAbsoluteFromFiberMin()
    {
        var psf = new GaussHermitePsf(SyntheticPsf.Random(seed: 4));
        Assert.Equal(20, psf.FiberMin);
        double u = Legendre.Argument(5500, 4990, 6010);
        Assert.Equal(30 + 3.1 * u - 1.4 * (3 * u * u - 1) / 2, psf.X(20, 5500), 9); // fiber 20 = trace row 0
        Assert.Throws<ArgumentOutOfRangeException>(() => psf.X(19, 5500));
        Assert.Throws<ArgumentOutOfRangeException>(() => psf.EvaluateSpots(22, 5, [5500.0]));
        var stamp = new double[psf.StampRows * psf.StampCols];
        Assert.Throws<ArgumentOutOfRangeException>(() => psf.Spot(26, 5500, stamp, out _, out _, out _, out _));
    }

    [Fact]
    public void WDisp_IsSigmaYTimesAngstromsPerPixel()
    {
        // y = 2000 + 2000u over 1000 Å: 4 pixels per Å everywhere, so wdisp = GHSIGY/4.
        GaussHermitePsf psf = Synthetic(("GH-0-0", 1.0), ("GHSIGY", 1.2));
        foreach (double wave in (double[])[5000.5, 5500, 5987.3])
        {
            Assert.True(Math.Abs(psf.WDisp(1, wave) - 0.3) <= 1e-9, $"wdisp({wave}) = {psf.WDisp(1, wave):R}, expected 0.3");
        }
    }

    [Fact]
    public void Constructor_RejectsAMissingHermiteCoefficient()
    {
        GaussHermitePsfCoefficients c = SyntheticPsf.Random(seed: 5);
        var parameters = new Dictionary<string, double[,]>(c.Parameters);
        parameters.Remove("GH-3-4");
        var e = Assert.Throws<PsfFormatException>(() => new GaussHermitePsf(c with { Parameters = parameters }));
        Assert.Contains("GH-3-4", e.Message);
    }

    [Fact]
    public void EvaluateTracesAndParameter_AgreeWithScalarEvaluation()
    {
        var psf = new GaussHermitePsf(SyntheticPsf.Random(seed: 6));
        double[] waves = [4990, 5123.4, 5500, 5999.9];
        var x = new double[3 * waves.Length];
        var y = new double[3 * waves.Length];
        psf.EvaluateTraces(21, 3, waves, x, y);
        double[] sigma = psf.EvaluateParameter("GHSIGY", 21, 3, waves);
        for (int f = 0; f < 3; f++)
        {
            for (int k = 0; k < waves.Length; k++)
            {
                int i = f * waves.Length + k;
                Assert.Equal(psf.X(21 + f, waves[k]), x[i], 12);
                Assert.Equal(psf.Y(21 + f, waves[k]), y[i], 12);
                Assert.Equal(psf.Parameter("GHSIGY", 21 + f, waves[k]), sigma[i], 14);
            }
        }
    }
}
