namespace GpuExtract.Cuda.Pipeline;

/// <summary>
/// The frame reach D of the band solver: how many grid steps apart two spots can be and still share a pixel, when
/// their fibers can be fitted in one patch. In a patch of NF fibers whose unknowns are numbered wavelength-major,
/// pos(fiber i, wavelength k) = k·NF + i, two unknowns whose stamps overlap are then at most (D+1)·NF − 1 positions
/// apart: that is the band half-width the device allocates for every patch of the frame. The device kernel that
/// computes D mirrors <see cref="Compute"/> and is tested against it.
/// </summary>
public static class SpotReach
{
    /// <summary>
    /// D = the largest |g1 − g2| over pairs of non-empty spots (fiber f1, grid g1), (f2, grid g2) with
    /// |f1 − f2| &lt; <paramref name="fiberSpan"/> whose rectangles [xmin, xmin+cols) × [ymin, ymin+rows) intersect
    /// (positive area; the rectangles are the spots' own, as <see cref="Core.Psf.SpotTable"/> gives them — clipped to
    /// the CCD, not to any patch's box, which only shrinks them). A spot is empty when rows or cols is 0; empty
    /// spots take part in nothing. D is 0 when no two distinct grid indices overlap (or no spot is non-empty).
    /// </summary>
    /// <param name="xmin">First CCD column of each spot; spot index = fiber·gridCount + g (fibers relative to the frame's first).</param>
    /// <param name="ymin">First CCD row of each spot, same indexing.</param>
    /// <param name="rows">Rows of each spot (0: empty).</param>
    /// <param name="cols">Columns of each spot (0: empty).</param>
    /// <param name="fiberCount">Fibers of the frame.</param>
    /// <param name="gridCount">Grid wavelengths of the frame.</param>
    /// <param name="fiberSpan">F, the largest fiber count of any patch: only fibers closer than F can share a patch.</param>
    /// <returns>
    /// D, or null when some fiber's non-empty spots are not in non-decreasing ymin order of g (then the search below
    /// is not valid and the device solves the frame with the dense solver).
    /// </returns>
    /// <remarks>
    /// The search, which the device kernel follows step for step: first, for every fiber, check that the ymin of its
    /// non-empty spots never decreases with g (else return null). Then for every non-empty spot (f1, g1) and every fiber
    /// f2 with |f1 − f2| &lt; F (f2 = f1 included), scan g2 = g1, g1+1, … , gridCount−1: skip empty spots; stop at the
    /// first non-empty spot with ymin(f2, g2) ≥ ymin(f1, g1) + rows(f1, g1) (it and, by the ordering, every later spot
    /// of f2 lie wholly below in row order); otherwise, if the two rectangles intersect in x and in y, D = max(D, g2 − g1).
    /// Every pair is thereby seen from its spot of lower grid index (pairs at equal g from both sides), so the largest
    /// |g1 − g2| over all pairs is found. Cost: fibers × grid × (2F − 1) × (the stamp height in grid steps).
    /// </remarks>
    public static int? Compute(ReadOnlySpan<int> xmin, ReadOnlySpan<int> ymin, ReadOnlySpan<int> rows, ReadOnlySpan<int> cols,
        int fiberCount, int gridCount, int fiberSpan)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fiberCount);
        ArgumentOutOfRangeException.ThrowIfNegative(gridCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fiberSpan);
        long count = (long)fiberCount * gridCount;
        if (xmin.Length < count || ymin.Length < count || rows.Length < count || cols.Length < count)
        {
            throw new ArgumentException($"the spot geometry needs {fiberCount} × {gridCount} = {count} values per array");
        }
        if (!YOrdered(ymin, rows, cols, fiberCount, gridCount))
        {
            return null;
        }
        int reach = 0;
        for (int f1 = 0; f1 < fiberCount; f1++)
        {
            int fLo = Math.Max(0, f1 - fiberSpan + 1);
            int fHi = Math.Min(fiberCount - 1, f1 + fiberSpan - 1);
            for (int g1 = 0; g1 < gridCount; g1++)
            {
                int s1 = f1 * gridCount + g1;
                if (rows[s1] == 0 || cols[s1] == 0)
                {
                    continue;
                }
                int x0 = xmin[s1], x1 = x0 + cols[s1];
                int y0 = ymin[s1], y1 = y0 + rows[s1];
                for (int f2 = fLo; f2 <= fHi; f2++)
                {
                    int first = f2 * gridCount;
                    for (int g2 = g1; g2 < gridCount; g2++)
                    {
                        int s2 = first + g2;
                        if (rows[s2] == 0 || cols[s2] == 0)
                        {
                            continue;
                        }
                        if (ymin[s2] >= y1)
                        {
                            break;
                        }
                        bool intersect = ymin[s2] + rows[s2] > y0 && xmin[s2] < x1 && xmin[s2] + cols[s2] > x0;
                        if (intersect && g2 - g1 > reach)
                        {
                            reach = g2 - g1;
                        }
                    }
                }
            }
        }
        return reach;
    }

    /// <summary>Whether every fiber's non-empty spots have non-decreasing ymin in g.</summary>
    private static bool YOrdered(ReadOnlySpan<int> ymin, ReadOnlySpan<int> rows, ReadOnlySpan<int> cols, int fiberCount, int gridCount)
    {
        for (int f = 0; f < fiberCount; f++)
        {
            int previous = int.MinValue;
            for (int g = 0; g < gridCount; g++)
            {
                int s = f * gridCount + g;
                if (rows[s] == 0 || cols[s] == 0)
                {
                    continue;
                }
                if (ymin[s] < previous)
                {
                    return false;
                }
                previous = ymin[s];
            }
        }
        return true;
    }
}
