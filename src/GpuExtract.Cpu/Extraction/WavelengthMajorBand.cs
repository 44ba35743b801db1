namespace GpuExtract.Cpu.Extraction;

/// <summary>
/// iCov of a patch reordered wavelength-major, where it is a band matrix (DESIGN §1.5). The solver numbers
/// unknowns fiber-major, j = f·nw + w; a spot overlaps only spots of nearby wavelengths of the same and the
/// neighbouring fibers, so at the wavelength-major positions pos(f, w) = w·nf + f every nonzero of iCov lies
/// within a half-bandwidth kd of a few times nf of the diagonal (58 for the 7 fibers of a bundle-0 patch).
/// Band Cholesky, solve and the fibers' diagonal blocks of C = iCov⁻¹ then cost O(n·kd²) instead of O(n³).
/// </summary>
internal static class WavelengthMajorBand
{
    /// <summary>
    /// Fills the row-major n × (kd+1) <paramref name="band"/> (the storage of
    /// <see cref="LinearAlgebra.ILapack.BandCholeskyFactor"/>) with the lower band of the permuted iCov:
    /// band[i·(kd+1) + kd − (i − k)] = iCov[j(i), j(k)] for max(0, i − kd) ≤ k ≤ i, where j(w·nf + f) = f·nw + w.
    /// The unreferenced head of the first kd rows is set to 0. <paramref name="icov"/> is n × n row-major,
    /// n = nf·nw, and must be 0 outside the band.
    /// </summary>
    public static void Fill(ReadOnlySpan<double> icov, int nf, int nw, int kd, Span<double> band)
    {
        int n = nf * nw;
        int width = kd + 1;
        for (int i = 0; i < n; i++)
        {
            int wi = i / nf;
            int fi = i - wi * nf;
            ReadOnlySpan<double> icovRow = icov.Slice((fi * nw + wi) * n, n);
            int lo = Math.Max(0, i - kd);
            Span<double> row = band.Slice(i * width, width);
            int head = kd - (i - lo);
            row[..head].Clear();
            // Walk k = lo..i as (wk, fk) without a division per element.
            int wk = lo / nf;
            int fk = lo - wk * nf;
            for (int t = head; t < width; t++)
            {
                row[t] = icovRow[fk * nw + wk];
                if (++fk == nf)
                {
                    fk = 0;
                    wk++;
                }
            }
        }
    }

    /// <summary>b[w·nf + f] = x[f·nw + w] (fiber-major vector of length nf·nw to wavelength-major).</summary>
    public static void ToWavelengthMajor(ReadOnlySpan<double> x, int nf, int nw, Span<double> b)
    {
        for (int f = 0; f < nf; f++)
        {
            ReadOnlySpan<double> fiber = x.Slice(f * nw, nw);
            for (int w = 0; w < nw; w++)
            {
                b[w * nf + f] = fiber[w];
            }
        }
    }

    /// <summary>x[f·nw + w] = b[w·nf + f] (wavelength-major vector of length nf·nw back to fiber-major).</summary>
    public static void ToFiberMajor(ReadOnlySpan<double> b, int nf, int nw, Span<double> x)
    {
        for (int f = 0; f < nf; f++)
        {
            Span<double> fiber = x.Slice(f * nw, nw);
            for (int w = 0; w < nw; w++)
            {
                fiber[w] = b[w * nf + f];
            }
        }
    }

    /// <summary>
    /// The wavelength-major index sets of fibers <paramref name="firstFiber"/> … +<paramref name="count"/>−1,
    /// one after the other: indices[a·nw + w] = w·nf + firstFiber + a (length count·nw).
    /// </summary>
    public static void FiberIndices(int nf, int nw, int firstFiber, int count, Span<int> indices)
    {
        for (int a = 0; a < count; a++)
        {
            for (int w = 0; w < nw; w++)
            {
                indices[a * nw + w] = w * nf + firstFiber + a;
            }
        }
    }

    /// <summary>
    /// FLOPs of the selected inversion of the diagonal blocks of fibers firstFiber … +count−1 (m = nw):
    /// the multiply–adds on the nonzeros of X = L⁻¹·E_S and of the lower triangle of Xᵀ·X, as
    /// <see cref="LinearAlgebra.BandCholeskyFactorization.InverseBlock"/> performs them (its zero padding of
    /// rows to whole vector strips is not counted). Row i of X has p_i = ⌊(i − f)/nf⌋ + 1 nonzeros for i ≥ f;
    /// its forward substitution costs 2·Σ p_k over the (up to kd) rows k ≥ f before it plus p_i for the pivot,
    /// and its share of Xᵀ·X p_i·(p_i + 1).
    /// </summary>
    public static double InverseBlockFlops(int nf, int nw, int kd, int firstFiber, int count)
    {
        int n = nf * nw;
        double flops = 0;
        for (int f = firstFiber; f < firstFiber + count; f++)
        {
            long window = 0; // Σ p_k over k in [max(f, i − kd), i)
            for (int i = f; i < n; i++)
            {
                int drop = i - kd - 1;
                if (drop >= f)
                {
                    window -= NonzerosOfRow(drop, f, nf);
                }
                long p = NonzerosOfRow(i, f, nf);
                flops += 2.0 * window + p + (double)p * (p + 1);
                window += p;
            }
        }
        return flops;
    }

    private static long NonzerosOfRow(int i, int f, int nf) => (i - f) / nf + 1;
}
