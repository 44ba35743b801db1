using GpuExtract.Core.Psf;

namespace GpuExtract.Cuda.Pipeline;

/// <summary>
/// A PSF's Legendre coefficients for a range of fibers, flattened as the evaluate_spots kernel reads them: the
/// x and y traces [fiber, coefficient], every model parameter [fiber, coefficient, parameter] in the order of
/// GaussHermitePsf's SpotParameter layout (GHSIGX, GHSIGY, TAILAMP, TAILCORE, TAILXSCA, TAILYSCA, TAILINDE,
/// then GH-i-j at 7 + j·(GHDEGX+1) + i; absent tails are 0), and each fiber's CCD coverage [λ in, λ out].
/// </summary>
internal sealed class SpotTables
{
    /// <summary>Threads per spot block (GX_SPOT_BLOCK in kernels/common.cuh).</summary>
    public const int BlockSize = 64;

    private const int GhFirst = 7;

    public required double[] XCoefficients { get; init; }
    public required int XCoefficientCount { get; init; }
    public required (double Min, double Max) XDomain { get; init; }
    public required double[] YCoefficients { get; init; }
    public required int YCoefficientCount { get; init; }
    public required (double Min, double Max) YDomain { get; init; }
    public required double[] ParameterCoefficients { get; init; }
    public required int ParameterCoefficientCount { get; init; }
    public required int ParameterCount { get; init; }
    public required double[] Coverage { get; init; }

    /// <summary>Tables of fibers fiberStart … fiberStart+fiberCount−1 (absolute numbers) of <paramref name="psf"/>.</summary>
    public static SpotTables For(GaussHermitePsf psf, int fiberStart, int fiberCount)
    {
        GaussHermitePsfCoefficients c = psf.Coefficients;
        int first = fiberStart - psf.FiberMin;
        if (first < 0 || first + fiberCount > psf.FiberCount)
        {
            throw new ArgumentOutOfRangeException(nameof(fiberStart), $"fibers {fiberStart}+{fiberCount} are not all in the PSF ({psf.FiberMin}+{psf.FiberCount})");
        }
        int ncp = c.Parameters["GHSIGX"].GetLength(1);
        int nparam = GhFirst + (c.GhDegX + 1) * (c.GhDegY + 1);
        var parameters = new double[fiberCount * ncp * nparam];
        void Copy(double[,] values, int row)
        {
            int n = Math.Min(ncp, values.GetLength(1));
            for (int f = 0; f < fiberCount; f++)
            {
                for (int k = 0; k < n; k++)
                {
                    parameters[(f * ncp + k) * nparam + row] = values[first + f, k];
                }
            }
        }
        Copy(c.Parameters["GHSIGX"], 0);
        Copy(c.Parameters["GHSIGY"], 1);
        for (int t = 0; t < GaussHermitePsfCoefficients.TailParameters.Length; t++)
        {
            if (c.Parameters.TryGetValue(GaussHermitePsfCoefficients.TailParameters[t], out double[,]? tail))
            {
                Copy(tail, 2 + t);
            }
        }
        for (int j = 0; j <= c.GhDegY; j++)
        {
            for (int i = 0; i <= c.GhDegX; i++)
            {
                Copy(c.Parameters[GaussHermitePsfCoefficients.GhName(i, j)], GhFirst + j * (c.GhDegX + 1) + i);
            }
        }
        var coverage = new double[2 * fiberCount];
        for (int f = 0; f < fiberCount; f++)
        {
            (coverage[2 * f], coverage[2 * f + 1]) = psf.WavelengthCoverage(fiberStart + f);
        }
        return new SpotTables
        {
            XCoefficients = Rows(c.XTrace, first, fiberCount),
            XCoefficientCount = c.XTrace.GetLength(1),
            XDomain = (c.XTraceWaveMin, c.XTraceWaveMax),
            YCoefficients = Rows(c.YTrace, first, fiberCount),
            YCoefficientCount = c.YTrace.GetLength(1),
            YDomain = (c.YTraceWaveMin, c.YTraceWaveMax),
            ParameterCoefficients = parameters,
            ParameterCoefficientCount = ncp,
            ParameterCount = nparam,
            Coverage = coverage,
        };
    }

    /// <summary>Dynamic shared memory of evaluate_spots [bytes] (the kernel's layout comment).</summary>
    public int SharedBytes(GaussHermitePsf psf)
    {
        int rows = psf.StampRows, cols = psf.StampCols;
        int doubles = ParameterCoefficientCount + ParameterCount + (psf.GhDegX + 1) * (cols + 1) + (psf.GhDegY + 1) * (rows + 1)
            + (psf.GhDegY + 1) * cols + rows * cols + BlockSize;
        return doubles * sizeof(double);
    }

    private static double[] Rows(double[,] values, int first, int count)
    {
        int ncoef = values.GetLength(1);
        var result = new double[count * ncoef];
        for (int f = 0; f < count; f++)
        {
            for (int k = 0; k < ncoef; k++)
            {
                result[f * ncoef + k] = values[first + f, k];
            }
        }
        return result;
    }
}
