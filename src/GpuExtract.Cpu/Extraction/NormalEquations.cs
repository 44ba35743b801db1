using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.Cpu.Extraction;

/// <summary>
/// The weighted least-squares system of one patch (DESIGN §1.4), formed directly from overlapping spots
/// (DESIGN §1.5 point 1): iCov = Aᵀ W A + diag(r²), y = Aᵀ W p, fluxweight = Aᵀ W 1.
/// iCov[j, k] is Σ over the pixels where the clipped stamps of j and k overlap of w·s_j·s_k; pairs whose
/// stamps do not overlap contribute exactly 0, so no dense pixels × unknowns product is ever formed.
/// </summary>
internal static class NormalEquations
{
    /// <summary>Share of the largest fluxweight below which a bin is pinned towards 0 (reference rule).</summary>
    public const double MinWeightFraction = 1e-4;

    /// <summary>
    /// Fills <paramref name="icov"/> (n × n row-major, both triangles, n = stamps.UnknownCount) with Aᵀ W A,
    /// and <paramref name="y"/> = Aᵀ W p and <paramref name="fluxWeight"/> = Aᵀ W 1 (length n).
    /// Returns the number of overlapping stamp pixel pairs summed (2 FLOPs each), for FLOP counts.
    /// </summary>
    public static long Accumulate(PatchStamps stamps, Span<double> icov, Span<double> y, Span<double> fluxWeight) =>
        Accumulate(stamps, icov, y, fluxWeight, out _);

    /// <summary>
    /// <see cref="Accumulate(PatchStamps, Span{double}, Span{double}, Span{double})"/>, also giving the
    /// half-bandwidth of iCov in wavelength-major order (<see cref="WavelengthMajorBand"/>):
    /// <paramref name="bandwidth"/> = max |pos(j) − pos(k)| over the pairs j, k whose clipped stamps overlap,
    /// pos(f, w) = w·nf + f. Every other off-diagonal entry of iCov is exactly 0.
    /// </summary>
    public static long Accumulate(PatchStamps stamps, Span<double> icov, Span<double> y, Span<double> fluxWeight, out int bandwidth)
    {
        int n = stamps.UnknownCount;
        icov[..(n * n)].Clear();
        AccumulateRightHandSide(stamps, y, fluxWeight);
        return AccumulateOverlaps(stamps, icov, out bandwidth);
    }

    /// <summary>
    /// Adds the reference's regularisation to the diagonal: r_j = minweight − fluxweight_j where
    /// fluxweight_j &lt; minweight (= 1e-4 · max fluxweight), else <paramref name="regularize"/>; iCov_jj += r_j².
    /// The reference appends rows r_j·e_jᵀ with weight 1 and pixel value 0 to A, which is exactly this.
    /// </summary>
    public static void Regularize(Span<double> icov, ReadOnlySpan<double> fluxWeight, double regularize, int n)
    {
        double minWeight = MinWeightFraction * MaxFluxWeight(fluxWeight[..n]);
        for (int j = 0; j < n; j++)
        {
            double r = fluxWeight[j] < minWeight ? minWeight - fluxWeight[j] : regularize;
            icov[j * n + j] += r * r;
        }
    }

    /// <summary>max_j fluxweight_j (0 for none).</summary>
    public static double MaxFluxWeight(ReadOnlySpan<double> fluxWeight)
    {
        double max = 0;
        foreach (double value in fluxWeight)
        {
            max = Math.Max(max, value);
        }
        return max;
    }

    private static void AccumulateRightHandSide(PatchStamps stamps, Span<double> y, Span<double> fluxWeight)
    {
        int boxWidth = stamps.Box.Width;
        ReadOnlySpan<double> pixels = stamps.Pixels;
        ReadOnlySpan<double> weighted = stamps.WeightedValues;
        for (int j = 0; j < stamps.UnknownCount; j++)
        {
            double sumWeighted = 0;
            double sumPixels = 0;
            int width = stamps.Width[j];
            for (int r = 0; r < stamps.Height[j]; r++)
            {
                ReadOnlySpan<double> ws = weighted.Slice(j * stamps.SlotSize + r * stamps.SlotStride, width);
                sumWeighted += RowOperations.Sum(ws);
                sumPixels += RowOperations.Dot(ws, pixels.Slice((stamps.Y[j] + r) * boxWidth + stamps.X[j], width));
            }
            fluxWeight[j] = sumWeighted;
            y[j] = sumPixels;
        }
    }

    private static long AccumulateOverlaps(PatchStamps stamps, Span<double> icov, out int bandwidth)
    {
        int n = stamps.UnknownCount;
        int nw = stamps.WaveCount;
        int nf = stamps.FiberCount;
        int stride = stamps.SlotStride;
        int slot = stamps.SlotSize;
        int maxHeight = slot / stride;
        ReadOnlySpan<int> xs = stamps.X;
        ReadOnlySpan<int> ys = stamps.Y;
        ReadOnlySpan<int> widths = stamps.Width;
        ReadOnlySpan<int> heights = stamps.Height;
        ReadOnlySpan<double> weighted = stamps.WeightedValues;
        ReadOnlySpan<double> values = stamps.Values;
        Span<int> fiberXMin = stackalloc int[nf];
        Span<int> fiberXMax = stackalloc int[nf];
        FiberColumnRanges(stamps, fiberXMin, fiberXMax);
        Span<int> rowKey = n <= 4096 ? stackalloc int[n] : new int[n];
        Span<bool> ordered = stackalloc bool[nf];
        RowKeys(stamps, rowKey, ordered);
        long overlapPixels = 0;
        int maxDistance = 0;
        for (int fiber = 0; fiber < nf; fiber++)
        {
            for (int other = fiber; other < nf; other++)
            {
                // Fibers whose stamps share no column cannot overlap anywhere: skip the whole block.
                if (fiberXMax[fiber] <= fiberXMin[other] || fiberXMax[other] <= fiberXMin[fiber])
                {
                    continue;
                }
                ReadOnlySpan<int> otherKeys = rowKey.Slice(other * nw, nw);
                for (int a = 0; a < nw; a++)
                {
                    int j = fiber * nw + a;
                    if (widths[j] == 0)
                    {
                        continue;
                    }
                    int xj0 = xs[j];
                    int xj1 = xj0 + widths[j];
                    int yj0 = ys[j];
                    int yj1 = yj0 + heights[j];
                    // Candidates k: where the other fiber's stamps start in increasing rows, only those starting
                    // within (yj0 − maxHeight, yj1) can share a row with j; otherwise all of them.
                    int bStart = fiber == other ? a : 0;
                    int bEnd = nw;
                    if (ordered[other])
                    {
                        bStart = Math.Max(bStart, LowerBound(otherKeys, yj0 - maxHeight + 1));
                        bEnd = LowerBound(otherKeys, yj1);
                    }
                    for (int b = bStart; b < bEnd; b++)
                    {
                        // Overlap rectangle of the two clipped stamps, from their actual extents.
                        int k = other * nw + b;
                        int x0 = Math.Max(xj0, xs[k]);
                        int x1 = Math.Min(xj1, xs[k] + widths[k]);
                        int y0 = Math.Max(yj0, ys[k]);
                        int y1 = Math.Min(yj1, ys[k] + heights[k]);
                        if (x1 <= x0 || y1 <= y0)
                        {
                            continue;
                        }
                        int width = x1 - x0;
                        int offsetJ = j * slot + (y0 - yj0) * stride + (x0 - xj0);
                        int offsetK = k * slot + (y0 - ys[k]) * stride + (x0 - xs[k]);
                        double sum;
                        if (width == stride)
                        {
                            // Both stamps span whole slot rows here: the rows are contiguous, one long dot.
                            int length = (y1 - y0) * stride;
                            sum = RowOperations.Dot(weighted.Slice(offsetJ, length), values.Slice(offsetK, length));
                        }
                        else
                        {
                            sum = 0;
                            for (int row = y0; row < y1; row++)
                            {
                                sum += RowOperations.Dot(weighted.Slice(offsetJ, width), values.Slice(offsetK, width));
                                offsetJ += stride;
                                offsetK += stride;
                            }
                        }
                        overlapPixels += (long)width * (y1 - y0);
                        icov[j * n + k] = sum;
                        icov[k * n + j] = sum;
                        maxDistance = Math.Max(maxDistance, Math.Abs((b - a) * nf + other - fiber));
                    }
                }
            }
        }
        bandwidth = maxDistance;
        return overlapPixels;
    }

    /// <summary>
    /// Per unknown, the first box row of its stamp, with empty stamps given the previous stamp's row so that a
    /// fiber whose stamps advance in y has a non-decreasing key; <paramref name="ordered"/> says which fibers do.
    /// </summary>
    private static void RowKeys(PatchStamps stamps, Span<int> key, Span<bool> ordered)
    {
        int nw = stamps.WaveCount;
        for (int fiber = 0; fiber < stamps.FiberCount; fiber++)
        {
            int previous = int.MinValue;
            bool monotone = true;
            for (int a = 0; a < nw; a++)
            {
                int j = fiber * nw + a;
                if (stamps.Width[j] > 0)
                {
                    monotone &= stamps.Y[j] >= previous;
                    previous = stamps.Y[j];
                }
                key[j] = previous;
            }
            ordered[fiber] = monotone;
        }
    }

    /// <summary>First index whose key is ≥ <paramref name="value"/> in a non-decreasing span (its length if none).</summary>
    private static int LowerBound(ReadOnlySpan<int> keys, int value)
    {
        int lo = 0, hi = keys.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (keys[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>Box columns [min, max) covered by any clipped stamp of each fiber (empty: max ≤ min).</summary>
    private static void FiberColumnRanges(PatchStamps stamps, Span<int> xMin, Span<int> xMax)
    {
        int nw = stamps.WaveCount;
        for (int fiber = 0; fiber < stamps.FiberCount; fiber++)
        {
            int lo = int.MaxValue;
            int hi = int.MinValue;
            for (int a = 0; a < nw; a++)
            {
                int j = fiber * nw + a;
                if (stamps.Width[j] > 0)
                {
                    lo = Math.Min(lo, stamps.X[j]);
                    hi = Math.Max(hi, stamps.X[j] + stamps.Width[j]);
                }
            }
            xMin[fiber] = lo;
            xMax[fiber] = hi;
        }
    }
}
