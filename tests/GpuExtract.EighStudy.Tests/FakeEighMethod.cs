using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.EighStudy.Tests;

/// <summary>
/// A scripted <see cref="IEighMethod"/> for benchmark tests: decomposes correctly with the managed solver, or
/// returns a wrong eigenvector set, or throws; reports a fixed time per matrix when asked (to drive the budget
/// projection); and records the chunk sizes it was called with.
/// </summary>
internal sealed class FakeEighMethod(string name) : IEighMethod
{
    private readonly ManagedLapack _lapack = new();

    public enum Behaviour
    {
        Correct,
        IdentityVectors,
        Throws,
    }

    public Behaviour Mode { get; init; } = Behaviour.Correct;

    /// <summary>Seconds reported per matrix instead of the measured time (NaN: measured).</summary>
    public double ReportedSecondsPerMatrix { get; init; } = double.NaN;

    public List<int> CallCounts { get; } = [];

    public string Name { get; } = name;

    public string Backend => "cpu";

    public string Description => $"fake ({Mode})";

    public long MemoryAvailable { get; init; } = long.MaxValue;

    public string? Unsupported(EighPrecision precision) => precision == EighPrecision.Single ? "fake has no float32" : null;

    public long MemoryBytes(int n, int count, EighPrecision precision) => EighBatch.Bytes(n, count, precision);

    public double Decompose(EighBatch batch)
    {
        CallCounts.Add(batch.Count);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int n = batch.N;
        for (int b = 0; b < batch.Count; b++)
        {
            switch (Mode)
            {
                case Behaviour.Correct:
                    _lapack.SymmetricEigen(batch.Matrix64(b), n, batch.Values64(b));
                    break;
                case Behaviour.IdentityVectors:
                    // Orthonormal, with the diagonal as "eigenvalues": wrong for any non-diagonal matrix.
                    Span<double> m = batch.Matrix64(b);
                    for (int i = 0; i < n; i++)
                    {
                        batch.Values64(b)[i] = m[i * n + i];
                    }
                    m.Clear();
                    for (int i = 0; i < n; i++)
                    {
                        m[i * n + i] = 1;
                    }
                    break;
                case Behaviour.Throws:
                    throw new InvalidOperationException("symmetric eigen-decomposition: eigenvalue 3 of 8 did not converge (scripted)");
            }
        }
        return double.IsNaN(ReportedSecondsPerMatrix) ? clock.Elapsed.TotalSeconds : ReportedSecondsPerMatrix * batch.Count;
    }

    public void Dispose()
    {
    }
}
