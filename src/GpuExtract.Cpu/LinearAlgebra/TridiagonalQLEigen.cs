using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GpuExtract.Cpu.LinearAlgebra;

/// <summary>
/// Eigenvalues and eigenvectors of a symmetric tridiagonal matrix by the implicit QL algorithm with
/// Wilkinson-type shifts (Bowdler, Martin, Reinsch &amp; Wilkinson 1968, the algorithm of EISPACK tql2).
/// </summary>
/// <remarks>
/// The QL iteration on (d, e) never looks at the eigenvectors, so it runs first and records every
/// plane rotation (about 0.75·n² of them); the rotations are then applied to the eigenvector rows one
/// narrow column strip at a time. A strip (n × 16 doubles, 64 KB at n = 500) stays in L1/L2 through
/// all sweeps, where applying each sweep to whole rows would stream the n × n matrix through memory
/// once per sweep (measured 100 ms → 30 ms at n = 500). Within a sweep the strip row that the next
/// rotation also touches is carried in registers, so each element is loaded and stored once per sweep.
/// Holds growable scratch for the recorded rotations: one instance per worker.
/// </remarks>
internal sealed class TridiagonalQLEigen
{
    /// <summary>QL sweeps allowed per eigenvalue before giving up (typically 1–3 are needed).</summary>
    private const int MaxSweepsPerEigenvalue = 50;

    /// <summary>
    /// Sweeps on one eigenvalue with the purely relative split test before the absolute one
    /// (<see cref="AbsoluteSplitTolerance"/>) is also allowed. Converging eigenvalues need 1–3.
    /// </summary>
    private const int RelativeOnlySweeps = 8;

    /// <summary>2⁻⁵³: an off-diagonal below this fraction of its diagonal neighbours changes nothing in double.</summary>
    private const double UnitRoundoff = 1.1102230246251565e-16;

    /// <summary>
    /// Off-diagonals below this fraction of ‖T‖ are at the rounding level of a sweep through the largest
    /// entries; 8·u is what LAPACK's divide and conquer (dlaed2) deflates at, so accepting them keeps the
    /// eigenvalues as accurate as dsyevd's.
    /// </summary>
    private const double AbsoluteSplitTolerance = 8 * UnitRoundoff;

    /// <summary>Recorded rotations in order of application, interleaved (cos, sin).</summary>
    private double[] _rotations = [];

    /// <summary>Recorded sweeps, interleaved (low, high): rotations i = high−1 down to low.</summary>
    private int[] _sweeps = [];

    /// <summary>
    /// On entry <paramref name="diagonal"/>[0..n) and <paramref name="offDiagonal"/>[0..n−1) hold T
    /// (offDiagonal[i] couples i and i+1) and the rows of the row-major n × n <paramref name="vt"/> hold a
    /// basis U (rows); on exit diagonal holds the eigenvalues (unsorted) and row i of vt is
    /// the eigenvector of diagonal[i] expressed through U (rows ← Zᵀ·rows with T = Z·Λ·Zᵀ).
    /// offDiagonal is destroyed. Throws <see cref="InvalidOperationException"/> when an eigenvalue
    /// does not converge (in practice only for non-finite input).
    /// </summary>
    public void Solve(Span<double> diagonal, Span<double> offDiagonal, int n, Span<double> vt)
    {
        if (n == 0)
        {
            return;
        }
        // The rotation sweeps address vt through unchecked references: check the extent once here.
        ArgumentOutOfRangeException.ThrowIfLessThan(vt.Length, n * n, nameof(vt));
        EnsureCapacity(2 * n, n * n); // typical need: about 1.5 sweeps and 0.75·n rotations per eigenvalue
        OrientBlocksSmallEndFirst(diagonal, offDiagonal, n, vt);
        int sweepCount = Iterate(diagonal, offDiagonal, n);
        int width = Vector<double>.Count;
        int column = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; column <= n - 4 * width; column += 4 * width)
            {
                ApplyToStripOfFourVectors(vt, n, column, sweepCount);
            }
            for (; column <= n - width; column += width)
            {
                ApplyToStripOfOneVector(vt, n, column, sweepCount);
            }
        }
        for (; column < n; column++)
        {
            ApplyToColumn(vt, n, column, sweepCount);
        }
    }

    /// <summary>
    /// Splits T where an off-diagonal is negligible (the relative test of <see cref="Iterate"/>; the
    /// off-diagonal is set to 0) and reverses each unreduced block whose last diagonal entry is smaller in
    /// magnitude than its first, together with the matching rows of <paramref name="vt"/>.
    /// </summary>
    /// <remarks>
    /// QL deflates at the top of a block first, so it should start from the small end: on a block graded
    /// from large to small, the small eigenvalues would otherwise be computed last, after every sweep has
    /// passed through the large entries, and carry errors of u·‖T‖ instead of u·|λ| (LAPACK's dsteqr makes
    /// the same choice between QL and QR per block). Reversing rows i ↔ j of T and of the basis U keeps
    /// the eigenvectors expressed through U correct: with P the reversal, P·T·P = Z'·Λ·Z'ᵀ gives
    /// T = (P·Z')·Λ·(P·Z')ᵀ and (P·Z')ᵀ·U = Z'ᵀ·(P·U).
    /// </remarks>
    private static void OrientBlocksSmallEndFirst(Span<double> diagonal, Span<double> offDiagonal, int n, Span<double> vt)
    {
        int start = 0;
        for (int i = 0; i < n; i++)
        {
            if (i < n - 1)
            {
                double scale = Math.Abs(diagonal[i]) + Math.Abs(diagonal[i + 1]);
                if (!(Math.Abs(offDiagonal[i]) <= Math.Max(double.Epsilon, UnitRoundoff * scale)))
                {
                    continue;
                }
                offDiagonal[i] = 0;
            }
            if (Math.Abs(diagonal[i]) < Math.Abs(diagonal[start]))
            {
                diagonal[start..(i + 1)].Reverse();
                offDiagonal[start..i].Reverse();
                for (int low = start, high = i; low < high; low++, high--)
                {
                    Span<double> lowRow = vt.Slice(low * n, n);
                    Span<double> highRow = vt.Slice(high * n, n);
                    for (int c = 0; c < n; c++)
                    {
                        (lowRow[c], highRow[c]) = (highRow[c], lowRow[c]);
                    }
                }
            }
            start = i + 1;
        }
    }

    /// <summary>
    /// The QL iteration on (d, e) alone, recording its rotations; returns the number of sweeps.
    /// </summary>
    /// <remarks>
    /// Split test. T splits at m when e[m] is negligible next to its two diagonal neighbours
    /// (|e[m]| ≤ u·(|d[m]| + |d[m+1]|)): the relative test keeps small eigenvalues of graded matrices
    /// accurate to their own size where the arithmetic allows. It cannot always be met: when the sweep
    /// between l and m passes through entries much larger than d[l] and d[l+1] (a strongly graded matrix,
    /// e.g. a covariance block with pad bins at 1/minweight² beside bins at 1e-8 of that), each sweep leaves
    /// rounding noise of u·‖T‖ in e[l], far above u·|d[l]|, and the eigenvalue never splits off however
    /// many sweeps run. After <see cref="RelativeOnlySweeps"/> sweeps on one eigenvalue, off-diagonals
    /// below 8·u·‖T‖ also count as negligible (a perturbation of the eigenvalues within 8·u·‖T‖, the
    /// deflation rule of dsyevd's divide and conquer), which is always reached.
    /// </remarks>
    private int Iterate(Span<double> diagonal, Span<double> offDiagonal, int n)
    {
        offDiagonal[n - 1] = 0;
        double norm = 0; // max |d[i]| + |e[i]|: within a factor 2 of ‖T‖₂, which the rotations preserve
        for (int i = 0; i < n; i++)
        {
            norm = Math.Max(norm, Math.Abs(diagonal[i]) + Math.Abs(offDiagonal[i]));
        }
        double absoluteFloor = double.Epsilon + AbsoluteSplitTolerance * norm;
        int sweepCount = 0;
        int rotationCount = 0;
        for (int l = 0; l < n; l++)
        {
            for (int sweep = 0; ; sweep++)
            {
                // The smallest m ≥ l where T splits (see remarks).
                double floor = sweep < RelativeOnlySweeps ? double.Epsilon : absoluteFloor;
                int m = l;
                while (m < n - 1)
                {
                    double scale = Math.Abs(diagonal[m]) + Math.Abs(diagonal[m + 1]);
                    if (Math.Abs(offDiagonal[m]) <= Math.Max(floor, UnitRoundoff * scale))
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
                EnsureCapacity(sweepCount + 1, rotationCount + (m - l));

                // Shift: the eigenvalue of the leading 2 × 2 block closer to d[l].
                double g = (diagonal[l + 1] - diagonal[l]) / (2 * offDiagonal[l]);
                double r = Hypotenuse(g, 1);
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
                    r = Hypotenuse(f, g);
                    offDiagonal[i + 1] = r;
                    if (r == 0)
                    {
                        // Underflow: the rotation is the identity; T has split at i+1, restart the search.
                        diagonal[i + 1] -= p;
                        offDiagonal[m] = 0;
                        underflow = true;
                        break;
                    }
                    double inverse = 1 / r;
                    s = f * inverse;
                    c = g * inverse;
                    g = diagonal[i + 1] - p;
                    r = (diagonal[i] - g) * s + 2 * c * b;
                    p = s * r;
                    diagonal[i + 1] = g + p;
                    g = c * r - b;
                    _rotations[2 * rotationCount] = c;
                    _rotations[2 * rotationCount + 1] = s;
                    rotationCount++;
                }
                int lowest = underflow ? i + 1 : l;
                if (m > lowest)
                {
                    _sweeps[2 * sweepCount] = lowest;
                    _sweeps[2 * sweepCount + 1] = m;
                    sweepCount++;
                }
                if (underflow)
                {
                    continue;
                }
                diagonal[l] -= p;
                offDiagonal[l] = g;
                offDiagonal[m] = 0;
            }
        }
        return sweepCount;
    }

    /// <summary>
    /// Applies every recorded sweep to the strip of 4 vectors starting at <paramref name="column"/>:
    /// rotation i acts on rows (i, i+1): row[i+1] ← s·row[i] + c·row[i+1], row[i] ← c·row[i] − s·row[i+1].
    /// Row i+1 is final after rotation i, so the carried row lives in registers. Four independent
    /// vectors hide the latency of the carried chain.
    /// </summary>
    private void ApplyToStripOfFourVectors(Span<double> vt, int n, int column, int sweepCount)
    {
        ref double rv = ref MemoryMarshal.GetReference(vt);
        ref double rr = ref MemoryMarshal.GetArrayDataReference(_rotations);
        nuint w = (nuint)Vector<double>.Count;
        int next = 0;
        for (int sweep = 0; sweep < sweepCount; sweep++)
        {
            int low = _sweeps[2 * sweep];
            int high = _sweeps[2 * sweep + 1];
            nuint at = (nuint)(high * n + column);
            var carry0 = Vector.LoadUnsafe(ref rv, at);
            var carry1 = Vector.LoadUnsafe(ref rv, at + w);
            var carry2 = Vector.LoadUnsafe(ref rv, at + 2 * w);
            var carry3 = Vector.LoadUnsafe(ref rv, at + 3 * w);
            for (int i = high - 1; i >= low; i--, next += 2)
            {
                var c = new Vector<double>(Unsafe.Add(ref rr, next));
                var s = new Vector<double>(Unsafe.Add(ref rr, next + 1));
                nuint rowNext = at;
                at -= (nuint)n;
                var x0 = Vector.LoadUnsafe(ref rv, at);
                var x1 = Vector.LoadUnsafe(ref rv, at + w);
                var x2 = Vector.LoadUnsafe(ref rv, at + 2 * w);
                var x3 = Vector.LoadUnsafe(ref rv, at + 3 * w);
                (s * x0 + c * carry0).StoreUnsafe(ref rv, rowNext);
                (s * x1 + c * carry1).StoreUnsafe(ref rv, rowNext + w);
                (s * x2 + c * carry2).StoreUnsafe(ref rv, rowNext + 2 * w);
                (s * x3 + c * carry3).StoreUnsafe(ref rv, rowNext + 3 * w);
                carry0 = c * x0 - s * carry0;
                carry1 = c * x1 - s * carry1;
                carry2 = c * x2 - s * carry2;
                carry3 = c * x3 - s * carry3;
            }
            carry0.StoreUnsafe(ref rv, at);
            carry1.StoreUnsafe(ref rv, at + w);
            carry2.StoreUnsafe(ref rv, at + 2 * w);
            carry3.StoreUnsafe(ref rv, at + 3 * w);
        }
    }

    /// <summary><see cref="ApplyToStripOfFourVectors"/> for a strip one vector wide.</summary>
    private void ApplyToStripOfOneVector(Span<double> vt, int n, int column, int sweepCount)
    {
        ref double rv = ref MemoryMarshal.GetReference(vt);
        ref double rr = ref MemoryMarshal.GetArrayDataReference(_rotations);
        int next = 0;
        for (int sweep = 0; sweep < sweepCount; sweep++)
        {
            int low = _sweeps[2 * sweep];
            int high = _sweeps[2 * sweep + 1];
            nuint at = (nuint)(high * n + column);
            var carry = Vector.LoadUnsafe(ref rv, at);
            for (int i = high - 1; i >= low; i--, next += 2)
            {
                var c = new Vector<double>(Unsafe.Add(ref rr, next));
                var s = new Vector<double>(Unsafe.Add(ref rr, next + 1));
                nuint rowNext = at;
                at -= (nuint)n;
                var x = Vector.LoadUnsafe(ref rv, at);
                (s * x + c * carry).StoreUnsafe(ref rv, rowNext);
                carry = c * x - s * carry;
            }
            carry.StoreUnsafe(ref rv, at);
        }
    }

    /// <summary><see cref="ApplyToStripOfFourVectors"/> for a single column.</summary>
    private void ApplyToColumn(Span<double> vt, int n, int column, int sweepCount)
    {
        int next = 0;
        for (int sweep = 0; sweep < sweepCount; sweep++)
        {
            int low = _sweeps[2 * sweep];
            int high = _sweeps[2 * sweep + 1];
            double carry = vt[high * n + column];
            for (int i = high - 1; i >= low; i--, next += 2)
            {
                double c = _rotations[next];
                double s = _rotations[next + 1];
                double x = vt[i * n + column];
                vt[(i + 1) * n + column] = s * x + c * carry;
                carry = c * x - s * carry;
            }
            vt[low * n + column] = carry;
        }
    }

    /// <summary>√(x² + y²) without the cost of a fully scaled hypot; rescales only when x² + y² would overflow or underflow.</summary>
    private static double Hypotenuse(double x, double y)
    {
        double sum = x * x + y * y;
        if (sum > 1e-290 && sum < 1e290)
        {
            return Math.Sqrt(sum);
        }
        return double.Hypot(x, y);
    }

    private void EnsureCapacity(int sweeps, int rotations)
    {
        if (_sweeps.Length < 2 * sweeps)
        {
            Array.Resize(ref _sweeps, Math.Max(2 * sweeps, 2 * _sweeps.Length));
        }
        if (_rotations.Length < 2 * rotations)
        {
            Array.Resize(ref _rotations, Math.Max(2 * rotations, 2 * _rotations.Length));
        }
    }
}
