using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.Cpu.Extraction;

/// <summary>
/// The resolution matrix of Bolton &amp; Schlegel (2010) from a decorrelating matrix Q = V·diag(d)·Vᵀ given by
/// its eigen-decomposition (m × m, V[i, k] = v[i·m + k]):
/// s = Q·1 (row sums), R = diag(1/s)·Q, ivar = s² (their eq. 13), flux = R·f.
/// Q is never formed: s and Q·f are two matrix-vector products through Vᵀ, and a band entry R[r, c] is one
/// length-m sum; this is the same mathematics as the reference's dense <c>resolution_from_icov</c>.
/// For signal decorrelation Q is one fiber's block C_bb^(−½); for noise decorrelation it is iCov^(½).
/// </summary>
internal static class ResolutionMatrix
{
    /// <summary>
    /// Fills <paramref name="rowSums"/> (s, length m) and <paramref name="convolvedFlux"/> (R·f, length m) from
    /// V, d and the deconvolved flux <paramref name="flux"/> of the same m unknowns. <paramref name="work"/>
    /// has length ≥ 2·m. About 8·m² FLOPs.
    /// </summary>
    public static void Decorrelate(ReadOnlySpan<double> v, ReadOnlySpan<double> d, int m, ReadOnlySpan<double> flux,
        Span<double> rowSums, Span<double> convolvedFlux, Span<double> work)
    {
        Span<double> u = work[..m];
        Span<double> g = work.Slice(m, m);
        // u = diag(d)·Vᵀ·1 and g = diag(d)·Vᵀ·f, then s = V·u and Q·f = V·g.
        u.Clear();
        g.Clear();
        for (int l = 0; l < m; l++)
        {
            ReadOnlySpan<double> row = v.Slice(l * m, m);
            RowOperations.Axpy(1.0, row, u);
            RowOperations.Axpy(flux[l], row, g);
        }
        for (int k = 0; k < m; k++)
        {
            u[k] *= d[k];
            g[k] *= d[k];
        }
        for (int i = 0; i < m; i++)
        {
            ReadOnlySpan<double> row = v.Slice(i * m, m);
            double s = RowOperations.Dot(row, u);
            rowSums[i] = s;
            convolvedFlux[i] = RowOperations.Dot(row, g) / s;
        }
    }

    /// <summary>
    /// Column <paramref name="column"/> of R restricted to rows <c>rowStart … rowStart+band.Length−1</c> into
    /// <paramref name="band"/>: R[r, column] = Q[r, column] / s_r, and 0 for rows outside
    /// [<paramref name="blockStart"/>, <paramref name="blockEnd"/>) (the fiber's block). <paramref name="scaledColumn"/>
    /// (length m) is scratch for d ∘ V[column, :].
    /// </summary>
    public static void BandColumn(ReadOnlySpan<double> v, ReadOnlySpan<double> d, int m, ReadOnlySpan<double> rowSums,
        int column, int rowStart, int blockStart, int blockEnd, Span<double> band, Span<double> scaledColumn)
    {
        ReadOnlySpan<double> columnRow = v.Slice(column * m, m);
        for (int k = 0; k < m; k++)
        {
            scaledColumn[k] = d[k] * columnRow[k];
        }
        for (int b = 0; b < band.Length; b++)
        {
            int r = rowStart + b;
            band[b] = r >= blockStart && r < blockEnd
                ? RowOperations.Dot(v.Slice(r * m, m), scaledColumn) / rowSums[r]
                : 0.0;
        }
    }
}
