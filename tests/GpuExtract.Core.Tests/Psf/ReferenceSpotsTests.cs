using System.Text.Json;
using GpuExtract.Core.Psf;
using GpuExtract.Testing;
using Xunit.Abstractions;

namespace GpuExtract.Core.Tests.Psf;

/// <summary>
/// The real DESI r0 PSF against specter's own spots and trace inversion
/// (reference/spots-psf-r0-00051060.json, reference README §3.3).
/// </summary>
public class ReferenceSpotsTests(ITestOutputHelper output)
{
    // Tolerances of the brief. The stamps agree to ~1e-15 in practice: both sides evaluate the same
    // closed forms in double precision, differing only in summation order and the erf implementation.
    private const double StampTolerance = 1e-10;
    private const double CenterTolerance = 1e-9;
    private const double WavelengthTolerance = 1e-6;

    private sealed record ReferenceSpot(int Fiber, double Wavelength, double X, double Y, int XMin, int YMin, double[,] Stamp);

    private static (GaussHermitePsf Psf, JsonDocument Json) LoadReference()
    {
        string? psfPath = TestEnvironment.SharedFile("data/psf-r0-00051060.fits", out string why);
        Skip.If(psfPath is null, why);
        string? jsonPath = TestEnvironment.SharedFile("reference/spots-psf-r0-00051060.json", out why);
        Skip.If(jsonPath is null, why);
        return (ReferencePsf.Load(psfPath!), JsonDocument.Parse(File.ReadAllText(jsonPath!)));
    }

    private static List<ReferenceSpot> Spots(JsonDocument json)
    {
        var spots = new List<ReferenceSpot>();
        foreach (JsonElement s in json.RootElement.GetProperty("spots").EnumerateArray())
        {
            spots.Add(new ReferenceSpot(s.GetProperty("fiber").GetInt32(), s.GetProperty("wavelength").GetDouble(),
                s.GetProperty("x").GetDouble(), s.GetProperty("y").GetDouble(),
                s.GetProperty("xmin").GetInt32(), s.GetProperty("ymin").GetInt32(), AstropyPsf.Matrix(s.GetProperty("stamp"))));
        }
        return spots;
    }

    [SkippableFact]
    public void Spot_MatchesReferenceStamps()
    {
        var (psf, json) = LoadReference();
        List<ReferenceSpot> spots = Spots(json);
        Assert.Equal(66, spots.Count);
        var stamp = new double[psf.StampRows * psf.StampCols];
        double worstStamp = 0, worstCenter = 0;
        foreach (ReferenceSpot r in spots)
        {
            psf.Spot(r.Fiber, r.Wavelength, stamp, out int xmin, out int ymin, out int rows, out int cols);
            string which = $"fiber {r.Fiber} at {r.Wavelength} Å";
            Assert.True((xmin, ymin, rows, cols) == (r.XMin, r.YMin, r.Stamp.GetLength(0), r.Stamp.GetLength(1)),
                $"{which}: origin/shape {(xmin, ymin, rows, cols)} vs reference {(r.XMin, r.YMin, r.Stamp.GetLength(0), r.Stamp.GetLength(1))}");
            worstStamp = Math.Max(worstStamp, MaxDifference(stamp, psf.StampCols, r.Stamp));
            worstCenter = Math.Max(worstCenter, Math.Max(Math.Abs(psf.X(r.Fiber, r.Wavelength) - r.X), Math.Abs(psf.Y(r.Fiber, r.Wavelength) - r.Y)));
        }
        output.WriteLine($"66 spots: max |Δstamp| = {worstStamp:E3}, max |Δx|,|Δy| = {worstCenter:E3} px");
        Assert.True(worstStamp <= StampTolerance, $"max |Δstamp| = {worstStamp:E3} > {StampTolerance:E0}");
        Assert.True(worstCenter <= CenterTolerance, $"max |Δx|,|Δy| = {worstCenter:E3} px > {CenterTolerance:E0}");
    }

    [SkippableFact]
    public void EvaluateSpots_MatchesReferenceStampsAndSkipsUncoveredPairs()
    {
        var (psf, json) = LoadReference();
        List<ReferenceSpot> spots = Spots(json);
        int[] fibers = [0, 1, 12, 24, 25, 137, 250, 251, 374, 499];
        double[] waves = [5560.0, 5760.0, 6000.3, 6562.8, 7000.45, 7620.0, 7735.0];
        double worst = 0;
        int found = 0;
        foreach (int fiber in fibers)
        {
            // One fiber per call: the reference fibers are not contiguous.
            SpotTable table = psf.EvaluateSpots(fiber, 1, waves, threads: 2);
            for (int k = 0; k < waves.Length; k++)
            {
                ReferenceSpot? r = spots.Find(s => s.Fiber == fiber && s.Wavelength == waves[k]);
                if (r is null)
                {
                    // The reference left out pairs whose xypix was empty (outside the fiber's coverage).
                    Assert.True(table.Rows[k] == 0 && table.Cols[k] == 0, $"fiber {fiber} at {waves[k]} Å should be empty, has {table.Rows[k]}×{table.Cols[k]}");
                    continue;
                }
                found++;
                Assert.True((table.XMin[k], table.YMin[k], table.Rows[k], table.Cols[k]) == (r.XMin, r.YMin, r.Stamp.GetLength(0), r.Stamp.GetLength(1)),
                    $"fiber {fiber} at {waves[k]} Å: origin/shape {(table.XMin[k], table.YMin[k], table.Rows[k], table.Cols[k])}");
                Assert.True(Math.Abs(table.CenterX[k] - r.X) <= CenterTolerance && Math.Abs(table.CenterY[k] - r.Y) <= CenterTolerance,
                    $"fiber {fiber} at {waves[k]} Å: centre ({table.CenterX[k]}, {table.CenterY[k]}) vs ({r.X}, {r.Y})");
                worst = Math.Max(worst, MaxDifference(table.Stamp(k).ToArray(), table.StampCols, r.Stamp));
            }
        }
        Assert.Equal(66, found);
        output.WriteLine($"EvaluateSpots: max |Δstamp| = {worst:E3}");
        Assert.True(worst <= StampTolerance, $"max |Δstamp| = {worst:E3} > {StampTolerance:E0}");
    }

    [SkippableFact]
    public void Wavelength_MatchesReferenceInverseFit()
    {
        var (psf, json) = LoadReference();
        double worst = 0;
        int n = 0;
        foreach (JsonElement e in json.RootElement.GetProperty("wavelength_of_y").EnumerateArray())
        {
            double w = psf.Wavelength(e.GetProperty("fiber").GetInt32(), e.GetProperty("y").GetDouble());
            worst = Math.Max(worst, Math.Abs(w - e.GetProperty("wavelength").GetDouble()));
            n++;
        }
        Assert.Equal(40, n);
        output.WriteLine($"40 points: max |Δλ| = {worst:E3} Å");
        Assert.True(worst <= WavelengthTolerance, $"max |Δλ| = {worst:E3} Å > {WavelengthTolerance:E0}");
    }

    [SkippableFact]
    public void WDisp_IsSigmaYOverTheTraceSlope()
    {
        // The reference takes Å/pixel as numpy.gradient of its λ(y) fit at whole rows, interpolated.
        // Inside the CCD that matches the exact slope 1/(dy/dλ) to the gradient's O(h²) error
        // (≲ 1e-5 here); at the CCD ends (psf.wmin/wmax lie half a row outside) numpy.interp holds the
        // one-sided end difference, off by O(h) ≲ 1e-2. Both far below what matters for
        // ndiag = round(9·wdisp/dλ).
        var (psf, _) = LoadReference();
        double worstInside = 0, worstEnds = 0;
        int ndiag = 0;
        foreach (int fiber in (int[])[0, 250, 499])
        {
            foreach (double w in (double[])[psf.CcdWaveMin, 6000, 0.5 * (psf.CcdWaveMin + psf.CcdWaveMax), 7500, psf.CcdWaveMax])
            {
                double slope = (psf.Y(fiber, w + 0.01) - psf.Y(fiber, w - 0.01)) / 0.02;
                double expected = psf.Parameter("GHSIGY", fiber, w) / slope;
                double relative = Math.Abs(psf.WDisp(fiber, w) / expected - 1);
                bool end = w == psf.CcdWaveMin || w == psf.CcdWaveMax;
                (worstInside, worstEnds) = end ? (worstInside, Math.Max(worstEnds, relative)) : (Math.Max(worstInside, relative), worstEnds);
                if (w == psf.CcdWaveMin || w == psf.CcdWaveMax || w == 0.5 * (psf.CcdWaveMin + psf.CcdWaveMax))
                {
                    ndiag = Math.Max(ndiag, (int)Math.Round(9 * psf.WDisp(fiber, w) / 0.8));
                }
            }
        }
        output.WriteLine($"wdisp vs σ_y/(dy/dλ): max relative difference {worstInside:E2} inside, {worstEnds:E2} at the CCD ends; 9·wdisp/dλ rounds up to {ndiag}");
        Assert.True(worstInside <= 1e-5, $"max relative difference inside the CCD {worstInside:E2}");
        Assert.True(worstEnds <= 1e-2, $"max relative difference at the CCD ends {worstEnds:E2}");
        // The reference frames keep 11 diagonals: ndiag = min(this, 11 // 2, 17 // 2) = 5 needs ≥ 5.
        Assert.True(ndiag >= 5, $"ndiag from wdisp = {ndiag}");
    }

    /// <summary>Max |a − b| over the reference stamp's shape, plus any nonzero padding of a (must be 0).</summary>
    private static double MaxDifference(double[] stamp, int stampCols, double[,] reference)
    {
        double worst = 0;
        int rows = reference.GetLength(0), cols = reference.GetLength(1);
        for (int i = 0; i < stamp.Length; i++)
        {
            int r = i / stampCols, c = i % stampCols;
            double expected = r < rows && c < cols ? reference[r, c] : 0.0;
            worst = Math.Max(worst, Math.Abs(stamp[i] - expected));
        }
        return worst;
    }
}
