namespace GpuExtract.Cpu.Tests.LinearAlgebra;

/// <summary>
/// Eigenvalues of a symmetric positive definite matrix by the cyclic two-sided Jacobi method, the
/// independent reference for graded matrices. Jacobi with the stopping rule
/// |a_pq| ≤ u·√(a_pp·a_qq) computes every eigenvalue of A = D·H·D (D diagonal, H well conditioned) to
/// about κ(H)·n·u of its own size, however small it is next to ‖A‖ (Demmel &amp; Veselić 1992), where
/// Householder-based solvers are only accurate to u·‖A‖. O(n³) per sweep: for n ≲ 200 in tests.
/// </summary>
internal static class JacobiEigenvalues
{
    private const int MaxSweeps = 60;

    /// <summary>The eigenvalues of the row-major n × n SPD <paramref name="matrix"/> (not modified), ascending.</summary>
    public static double[] Compute(ReadOnlySpan<double> matrix, int n)
    {
        double[] a = matrix[..(n * n)].ToArray();
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            bool rotated = false;
            for (int p = 0; p < n - 1; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p * n + q];
                    double app = a[p * n + p];
                    double aqq = a[q * n + q];
                    if (Math.Abs(apq) <= TestMatrices.UnitRoundoff * Math.Sqrt(Math.Abs(app * aqq)))
                    {
                        continue;
                    }
                    rotated = true;
                    // Rotation zeroing a_pq: t = tan θ, the smaller root of t² + 2·ζ·t − 1 = 0, ζ = (a_qq − a_pp)/(2·a_pq).
                    double zeta = (aqq - app) / (2 * apq);
                    double t = Math.CopySign(1, zeta) / (Math.Abs(zeta) + Math.Sqrt(zeta * zeta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k * n + p];
                        double akq = a[k * n + q];
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p * n + k];
                        double aqk = a[q * n + k];
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                    // The updated diagonal in its accurate form, and the exact zero.
                    a[p * n + p] = app - t * apq;
                    a[q * n + q] = aqq + t * apq;
                    a[p * n + q] = 0;
                    a[q * n + p] = 0;
                }
            }
            if (!rotated)
            {
                var lambda = new double[n];
                for (int i = 0; i < n; i++)
                {
                    lambda[i] = a[i * n + i];
                }
                Array.Sort(lambda);
                return lambda;
            }
        }
        throw new InvalidOperationException($"reference Jacobi did not converge in {MaxSweeps} sweeps (n = {n})");
    }
}
