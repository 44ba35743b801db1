using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GpuExtract.Cpu.LinearAlgebra;

/// <summary>
/// Eigenvalues and eigenvectors of a symmetric tridiagonal matrix by the implicit QL algorithm with
/// Wilkinson-type shifts (Bowdler, Martin, Reinsch &amp; Wilkinson 1968, the algorithm of EISPACK tql2).
/// The plane rotations of each QL sweep are recorded and then applied to the eigenvector rows in
/// column strips, carrying one row of the strip in registers from rotation to rotation: each element
/// is loaded and stored once per sweep instead of once per rotation.
/// </summary>
internal static class TridiagonalQLEigen
{
    /// <summary>QL sweeps allowed per eigenvalue before giving up (typically 1–3 are needed).</summary>
    private const int MaxSweepsPerEigenvalue = 50;

    /// <summary>2⁻⁵³: an off-diagonal below this fraction of its diagonal neighbours changes nothing in double.</summary>
    private const double UnitRoundoff = 1.1102230246251565e-16;

    /// <summary>
    /// On entry <paramref name="diagonal"/>[0..n) and <paramref name="offDiagonal"/>[0..n−1) hold T
    /// (offDiagonal[i] couples i and i+1) and the rows of the row-major n × n <paramref name="vt"/> hold a
    /// basis U (rows); on exit diagonal holds the eigenvalues (unsorted) and row i of vt is
    /// the eigenvector of diagonal[i] expressed through U (rows ← Zᵀ·rows with T = Z·Λ·Zᵀ).
    /// offDiagonal is destroyed. <paramref name="cosines"/> and <paramref name="sines"/> need length ≥ n.
    /// Throws <see cref="InvalidOperationException"/> when an eigenvalue does not converge
    /// (in practice only for non-finite input).
    /// </summary>
    public static void Solve(Span<double> diagonal, Span<double> offDiagonal, int n, Span<double> vt, Span<double> cosines, Span<double> sines)
    {
        if (n == 0)
        {
            return;
        }
        // The rotation sweeps address vt through unchecked references: check the extents once here.
        ArgumentOutOfRangeException.ThrowIfLessThan(vt.Length, n * n, nameof(vt));
        ArgumentOutOfRangeException.ThrowIfLessThan(Math.Min(cosines.Length, sines.Length), n, nameof(cosines));
        offDiagonal[n - 1] = 0;
        for (int l = 0; l < n; l++)
        {
            for (int sweep = 0; ; sweep++)
            {
                // The smallest m ≥ l where T splits: e[m] negligible next to its two diagonal neighbours.
                int m = l;
                while (m < n - 1)
                {
                    double scale = Math.Abs(diagonal[m]) + Math.Abs(diagonal[m + 1]);
                    if (Math.Abs(offDiagonal[m]) <= double.Epsilon + UnitRoundoff * scale)
                    {
                        break;
                    }
                    m++;
                }
                if (m == l)
                {
                    break;
                }
                if (sweep == MaxSweepsPerEigenvalue)
                {
                    throw new InvalidOperationException($"symmetric eigen-decomposition: eigenvalue {l} of {n} did not converge after {sweep} QL sweeps (non-finite matrix entries?)");
                }

                // Shift: the eigenvalue of the leading 2 × 2 block closer to d[l].
                double g = (diagonal[l + 1] - diagonal[l]) / (2 * offDiagonal[l]);
                double r = double.Hypot(g, 1);
                g = diagonal[m] - diagonal[l] + offDiagonal[l] / (g + Math.CopySign(r, g));
                double s = 1;
                double c = 1;
                double p = 0;
                int i = m - 1;
                bool underflow = false;
                for (; i >= l; i--)
                {
                    double f = s * offDiagonal[i];
                    double b = c * offDiagonal[i];
                    r = double.Hypot(f, g);
                    offDiagonal[i + 1] = r;
                    if (r == 0)
                    {
                        // Underflow: the rotation is the identity; T has split at i+1, restart the search.
                        diagonal[i + 1] -= p;
                        offDiagonal[m] = 0;
                        underflow = true;
                        break;
                    }
                    s = f / r;
                    c = g / r;
                    g = diagonal[i + 1] - p;
                    r = (diagonal[i] - g) * s + 2 * c * b;
                    p = s * r;
                    diagonal[i + 1] = g + p;
                    g = c * r - b;
                    cosines[i] = c;
                    sines[i] = s;
                }
                int lowest = underflow ? i + 1 : l;
                ApplyRotationSweep(vt, n, lowest, m, cosines, sines);
                if (underflow)
                {
                    continue;
                }
                diagonal[l] -= p;
                offDiagonal[l] = g;
                offDiagonal[m] = 0;
            }
        }
    }

    /// <summary>
    /// Applies rotations i = high−1 down to low to rows (i, i+1) of the row-major n-column
    /// <paramref name="vt"/>: row[i+1] ← s·row[i] + c·row[i+1], row[i] ← c·row[i] − s·row[i+1].
    /// Row i+1 is final after rotation i, so a strip of columns streams down the rows with the
    /// current row in registers.
    /// </summary>
    private static void ApplyRotationSweep(Span<double> vt, int n, int low, int high, ReadOnlySpan<double> cosines, ReadOnlySpan<double> sines)
    {
        if (high <= low)
        {
            return;
        }
        ref double rv = ref MemoryMarshal.GetReference(vt);
        ref double rc = ref MemoryMarshal.GetReference(cosines);
        ref double rs = ref MemoryMarshal.GetReference(sines);
        int width = Vector<double>.Count;
        int column = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // Four independent vectors per strip hide the latency of the carried chain.
            for (; column <= n - 4 * width; column += 4 * width)
            {
                nuint baseHigh = (nuint)(high * n + column);
                var carry0 = Vector.LoadUnsafe(ref rv, baseHigh);
                var carry1 = Vector.LoadUnsafe(ref rv, baseHigh + (nuint)width);
                var carry2 = Vector.LoadUnsafe(ref rv, baseHigh + (nuint)(2 * width));
                var carry3 = Vector.LoadUnsafe(ref rv, baseHigh + (nuint)(3 * width));
                for (int i = high - 1; i >= low; i--)
                {
                    var c = new Vector<double>(Unsafe.Add(ref rc, i));
                    var s = new Vector<double>(Unsafe.Add(ref rs, i));
                    nuint rowI = (nuint)(i * n + column);
                    nuint rowNext = rowI + (nuint)n;
                    var x0 = Vector.LoadUnsafe(ref rv, rowI);
                    var x1 = Vector.LoadUnsafe(ref rv, rowI + (nuint)width);
                    var x2 = Vector.LoadUnsafe(ref rv, rowI + (nuint)(2 * width));
                    var x3 = Vector.LoadUnsafe(ref rv, rowI + (nuint)(3 * width));
                    (s * x0 + c * carry0).StoreUnsafe(ref rv, rowNext);
                    (s * x1 + c * carry1).StoreUnsafe(ref rv, rowNext + (nuint)width);
                    (s * x2 + c * carry2).StoreUnsafe(ref rv, rowNext + (nuint)(2 * width));
                    (s * x3 + c * carry3).StoreUnsafe(ref rv, rowNext + (nuint)(3 * width));
                    carry0 = c * x0 - s * carry0;
                    carry1 = c * x1 - s * carry1;
                    carry2 = c * x2 - s * carry2;
                    carry3 = c * x3 - s * carry3;
                }
                nuint baseLow = (nuint)(low * n + column);
                carry0.StoreUnsafe(ref rv, baseLow);
                carry1.StoreUnsafe(ref rv, baseLow + (nuint)width);
                carry2.StoreUnsafe(ref rv, baseLow + (nuint)(2 * width));
                carry3.StoreUnsafe(ref rv, baseLow + (nuint)(3 * width));
            }
            for (; column <= n - width; column += width)
            {
                var carry = Vector.LoadUnsafe(ref rv, (nuint)(high * n + column));
                for (int i = high - 1; i >= low; i--)
                {
                    var c = new Vector<double>(Unsafe.Add(ref rc, i));
                    var s = new Vector<double>(Unsafe.Add(ref rs, i));
                    nuint rowI = (nuint)(i * n + column);
                    var x = Vector.LoadUnsafe(ref rv, rowI);
                    (s * x + c * carry).StoreUnsafe(ref rv, rowI + (nuint)n);
                    carry = c * x - s * carry;
                }
                carry.StoreUnsafe(ref rv, (nuint)(low * n + column));
            }
        }
        for (; column < n; column++)
        {
            double carry = Unsafe.Add(ref rv, high * n + column);
            for (int i = high - 1; i >= low; i--)
            {
                double c = Unsafe.Add(ref rc, i);
                double s = Unsafe.Add(ref rs, i);
                ref double x = ref Unsafe.Add(ref rv, i * n + column);
                Unsafe.Add(ref rv, (i + 1) * n + column) = s * x + c * carry;
                carry = c * x - s * carry;
            }
            Unsafe.Add(ref rv, low * n + column) = carry;
        }
    }
}
