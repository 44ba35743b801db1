using GpuExtract.Core.Extraction;
using GpuExtract.Cpu.Extraction;
using Xunit.Abstractions;

namespace GpuExtract.Cpu.Tests.Extraction;

/// <summary>
/// The signal-decorrelation solve works on iCov as a band in wavelength-major order. Agreement with the dense
/// reference is checked in <see cref="PatchSolverTests"/>; here, that the band really is narrow and that the
/// Cholesky stage's FLOP count is that of the band kernels, derived independently from the reference's dense iCov.
/// </summary>
public sealed class PatchSolverBandTests(ITestOutputHelper output)
{
    [Fact]
    public void Solve_SignalDecorrelation_CountsBandCholeskyAndSelectedInverseFlops()
    {
        var (synthetic, frame, batch) = PatchSolverTests.ReferenceCase("plain");
        var solver = new PatchSolver(TestLapack.Create());
        solver.Solve(frame, synthetic.Spots, batch, 0, SyntheticFrame.ResultsFor(batch, frame));
        var reference = DenseReferencePatch.Solve(frame, synthetic.Spots, batch, 0, TestLapack.Create());

        int n = reference.N;
        int nw = reference.WaveCount;
        int nf = n / nw;
        // Half-bandwidth of the reference iCov at wavelength-major positions w·nf + f (no mask in this case, so
        // every pair of overlapping stamps has a nonzero entry).
        int kd = 0;
        for (int j = 0; j < n; j++)
        {
            for (int k = 0; k < n; k++)
            {
                if (reference.ICov[(long)j * n + k] != 0)
                {
                    kd = Math.Max(kd, Math.Abs(Position(j, nf, nw) - Position(k, nf, nw)));
                }
            }
        }
        Assert.True(kd > 0 && kd < n / 4, $"wavelength-major half-bandwidth {kd} of n = {n}, nf = {nf} is not narrow");

        // pbtrf n·kd², pbtrs 4·n·kd, and per kept fiber f (S = {w·nf + f}, X = L⁻¹·E_S with row i nonzero in
        // its first p_i = #{s ∈ S : s ≤ i} entries): row k of X feeds the kd rows after it (2·p_k each), each
        // row is scaled by its pivot (p_i), and entry (r, s ≤ r) of Xᵀ·X sums the n − S[r] rows from S[r] on.
        double expected = (double)n * kd * kd + 4.0 * n * kd;
        for (int a = 0; a < batch.KeepFiberCount[0]; a++)
        {
            int f = batch.KeepFiberOffset[0] + a;
            for (int k = f; k < n; k++)
            {
                int p = (k - f) / nf + 1;
                int successors = Math.Min(n - 1, k + kd) - k;
                expected += 2.0 * p * successors + p;
            }
            for (int r = 0; r < nw; r++)
            {
                expected += 2.0 * (r + 1) * (n - (r * nf + f));
            }
        }
        double counted = solver.Statistics.Flops(PatchStage.Cholesky);
        output.WriteLine($"n = {n}, nf = {nf}, kd = {kd}: Cholesky stage {counted:E4} FLOP, expected {expected:E4}, dense potrf alone {n * (double)n * n / 3:E2}");
        Assert.Equal(0, solver.Statistics.CholeskyFailures);
        Assert.True(Math.Abs(counted - expected) <= 1e-12 * expected, $"Cholesky stage counted {counted} FLOP, expected {expected}");
    }

    private static int Position(int j, int nf, int nw) => (j % nw) * nf + j / nw;
}
