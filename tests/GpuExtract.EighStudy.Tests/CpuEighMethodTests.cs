using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Cpu.Tests.LinearAlgebra;

namespace GpuExtract.EighStudy.Tests;

/// <summary>The CPU methods: one matrix per thread gives exactly the single-call results; precision support.</summary>
public sealed class CpuEighMethodTests
{
    [Theory]
    [InlineData("managed", 1)]
    [InlineData("managed", 2)]
    [InlineData("native", 1)]
    [InlineData("native", 3)]
    public void Decompose_EqualsOneCallPerMatrix_AndLeavesUnusedSlotsAlone(string implementation, int threads)
    {
        const int N = 20, Capacity = 7, Count = 5;
        var method = new CpuEighMethod("test", threads, () => LapackImplementations.Create(implementation), long.MaxValue);
        var batch = new EighBatch(N, Capacity, EighPrecision.Double);
        var inputs = new double[Capacity][];
        for (int b = 0; b < Capacity; b++)
        {
            inputs[b] = RandomSpdMatrix.Create(N, 1e4, seed: 100 + b);
            batch.Load(b, inputs[b]);
        }
        batch.Count = Count;

        double seconds = method.Decompose(batch);

        Assert.True(seconds > 0 && seconds < 60, $"implausible time {seconds} s");
        ILapack reference = LapackImplementations.Create(implementation);
        for (int b = 0; b < Count; b++)
        {
            // Same routine, same input, one thread each: the results are bit-identical whatever thread took the matrix.
            double[] v = (double[])inputs[b].Clone();
            var lambda = new double[N];
            reference.SymmetricEigen(v, N, lambda);
            Assert.True(v.AsSpan().SequenceEqual(batch.Matrix64(b)), $"matrix {b}: eigenvectors differ from a single call");
            Assert.True(lambda.AsSpan().SequenceEqual(batch.Values64(b)), $"matrix {b}: eigenvalues differ from a single call");
        }
        for (int b = Count; b < Capacity; b++)
        {
            Assert.True(inputs[b].AsSpan().SequenceEqual(batch.Matrix64(b)), $"slot {b} beyond Count was modified");
        }
    }

    [SkippableFact]
    public void Decompose_Float32_UsesSsyevd_AndPassesFloatValidation()
    {
        const int N = 40;
        LapackImplementations.RequireNative();
        var method = new CpuEighMethod("lapack", 2, () => LapackImplementations.Create("native"), long.MaxValue);
        Assert.Null(method.Unsupported(EighPrecision.Single));
        var batch = new EighBatch(N, 3, EighPrecision.Single);
        double[] a = RandomSpdMatrix.Create(N, 1e8, seed: 9);
        for (int b = 0; b < 3; b++)
        {
            batch.Load(b, a);
        }
        method.Decompose(batch);
        float[] a32 = Array.ConvertAll(a, x => (float)x);
        for (int b = 0; b < 3; b++)
        {
            EighCheck check = EighValidation.Check(a32, batch.Matrix32(b).ToArray(), batch.Values32(b).ToArray(), N);
            Assert.True(check.Passes(1e-4), $"matrix {b}: residual {check.Residual:E3}, orthogonality {check.Orthogonality:E3}");
        }
    }

    [Fact]
    public void Managed_RefusesFloat32_WithAReason()
    {
        var method = new CpuEighMethod("managed", 1, static () => new ManagedLapack(), long.MaxValue);
        Assert.Contains("float32", method.Unsupported(EighPrecision.Single));
        var error = Assert.Throws<NotSupportedException>(() => method.Decompose(new EighBatch(4, 1, EighPrecision.Single)));
        Assert.Contains("managed", error.Message);
    }

    [Fact]
    public void MemoryBytes_IsBatchPlusWorkspaceOfBusyWorkers()
    {
        var managed = new CpuEighMethod("managed", 2, static () => new ManagedLapack(), long.MaxValue);
        // n = 10, 3 matrices: (100 + 10)·3·8 bytes of batch, 2 workers × ((100 + 50)·8 + 10·4) scratch.
        Assert.Equal(110 * 3 * 8 + 2 * (150 * 8 + 40), managed.MemoryBytes(10, 3, EighPrecision.Double));
        // One matrix keeps one worker busy.
        Assert.Equal(110 * 8 + (150 * 8 + 40), managed.MemoryBytes(10, 1, EighPrecision.Double));
    }
}
