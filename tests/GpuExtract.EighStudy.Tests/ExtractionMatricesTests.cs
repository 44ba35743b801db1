using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Testing;
using Xunit.Abstractions;

namespace GpuExtract.EighStudy.Tests;

/// <summary>The committed extraction fixture: what it holds, that it is what the engine produces, and its file format.</summary>
public sealed class ExtractionMatricesTests(ITestOutputHelper output)
{
    private static readonly Lazy<IReadOnlyList<ExtractionMatrix>> Committed = new(() =>
        ExtractionMatrices.Read(Path.Combine(TestEnvironment.RepositoryRoot, ExtractionMatrices.FixturePath)));

    [Fact]
    public void Fixture_HoldsTwoPatchesOfSevenFibers_AndTheirKeptBlocks()
    {
        IReadOnlyList<ExtractionMatrix> matrices = Committed.Value;
        var patches = matrices.Where(m => m.Kind == ExtractionMatrices.PatchKind).ToList();
        var blocks = matrices.Where(m => m.Kind == ExtractionMatrices.BlockKind).ToList();
        Assert.Equal(2, patches.Count);
        Assert.Equal(10, blocks.Count);
        int nw = blocks[0].N;
        Assert.InRange(nw, 60, 90); // 50 core bins + pads (DESIGN §1.3: ≈ 74)
        Assert.All(blocks, b => Assert.Equal(nw, b.N));
        Assert.All(patches, p => Assert.Equal(7 * nw, p.N));
        long bytes = new FileInfo(Path.Combine(TestEnvironment.RepositoryRoot, ExtractionMatrices.FixturePath)).Length;
        Assert.True(bytes < 2_000_000, $"fixture is {bytes} bytes; keep it under 2 MB");
    }

    [Fact]
    public void Fixture_BlocksAreTheDiagonalBlocksOfTheInverseOfTheirPatch()
    {
        // Independent of how the blocks were formed: invert each iCov here with the managed Cholesky and compare.
        IReadOnlyList<ExtractionMatrix> matrices = Committed.Value;
        var lapack = new ManagedLapack();
        int blockIndex = 0;
        foreach (ExtractionMatrix patch in matrices.Where(m => m.Kind == ExtractionMatrices.PatchKind))
        {
            int n = patch.N;
            double[] c = (double[])patch.Matrix.Clone();
            Assert.True(lapack.CholeskyFactor(c, n), $"{patch.Label}: iCov is not positive definite");
            lapack.CholeskyInverse(c, n);
            var patchBlocks = matrices.Where(m => m.Kind == ExtractionMatrices.BlockKind && m.Label.StartsWith(patch.Label.Split(" fibers")[0] + " ", StringComparison.Ordinal)).ToList();
            Assert.Equal(5, patchBlocks.Count);
            int nw = patchBlocks[0].N;
            for (int a = 0; a < 5; a++)
            {
                // Kept fibers are the 2nd to 6th of the 7 fitted ones.
                int offset = (a + 1) * nw;
                double worst = 0, scale = 0;
                for (int i = 0; i < nw; i++)
                {
                    for (int j = 0; j < nw; j++)
                    {
                        double expected = c[(offset + i) * n + offset + j];
                        worst = Math.Max(worst, Math.Abs(patchBlocks[a].Matrix[i * nw + j] - expected));
                        scale = Math.Max(scale, Math.Abs(expected));
                    }
                }
                // Two Cholesky inversions of a matrix with condition ~1e8 agree to ~κ·ε relative to the largest entry.
                output.WriteLine($"{patchBlocks[a].Label}: max |ΔC| / max |C| = {worst / scale:E2}");
                Assert.True(worst <= 1e-6 * scale, $"{patchBlocks[a].Label}: max |ΔC| = {worst:E3}, max |C| = {scale:E3}");
                blockIndex++;
            }
        }
        Assert.Equal(10, blockIndex);
    }

    [Fact]
    public void Fixture_IsReproducedByAFreshSimulation()
    {
        // The fixture is the exporter's output for seed 1: a fresh run gives the same matrices (up to rounding that
        // may differ between SIMD widths).
        IReadOnlyList<ExtractionMatrix> fresh = ExtractionMatrices.Simulate(seed: 1);
        IReadOnlyList<ExtractionMatrix> committed = Committed.Value;
        Assert.Equal(committed.Count, fresh.Count);
        for (int m = 0; m < committed.Count; m++)
        {
            Assert.Equal((committed[m].Kind, committed[m].N, committed[m].Label), (fresh[m].Kind, fresh[m].N, fresh[m].Label));
            double worst = 0, scale = 0;
            for (int i = 0; i < committed[m].Matrix.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(committed[m].Matrix[i] - fresh[m].Matrix[i]));
                scale = Math.Max(scale, Math.Abs(committed[m].Matrix[i]));
            }
            Assert.True(worst <= 1e-9 * scale, $"{committed[m].Label}: fresh simulation differs by {worst:E3} (max |entry| {scale:E3})");
        }
    }

    [Fact]
    public void WriteRead_RoundTripsExactly()
    {
        var matrices = new List<ExtractionMatrix>
        {
            new(ExtractionMatrices.PatchKind, 5, RandomSpdMatrix.Create(5, 1e8, 1), "patch 1 fibers 0-6 waves 0-4"),
            new(ExtractionMatrices.BlockKind, 3, RandomSpdMatrix.Create(3, 10, 2), "patch 1 fiber 1"),
        };
        string path = Path.Combine(Path.GetTempPath(), $"eigh-{Guid.NewGuid():N}.fits.gz");
        try
        {
            ExtractionMatrices.Write(path, matrices, seed: 1);
            IReadOnlyList<ExtractionMatrix> read = ExtractionMatrices.Read(path);
            Assert.Equal(2, read.Count);
            for (int m = 0; m < 2; m++)
            {
                Assert.Equal((matrices[m].Kind, matrices[m].N, matrices[m].Label), (read[m].Kind, read[m].N, read[m].Label));
                Assert.Equal(matrices[m].Matrix, read[m].Matrix);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SkippableFact]
    public void Fixture_ReadsWithAstropy()
    {
        string path = Path.Combine(TestEnvironment.RepositoryRoot, ExtractionMatrices.FixturePath);
        string stdout = TestEnvironment.RunPython(
            "import sys, numpy as np\n" +
            "from astropy.io import fits\n" +
            "with fits.open(sys.argv[1]) as h:\n" +
            "    m = [x for x in h[1:]]\n" +
            "    print(sum(x.name == 'ICOV' for x in m), sum(x.name == 'CBLOCK' for x in m), m[0].data.shape[0], m[1].data.shape[0],\n" +
            "          all(np.array_equal(x.data, x.data.T) for x in m), all(np.linalg.eigvalsh(x.data)[0] > 0 for x in m))\n", path);
        Assert.Equal("2 10 518 74 True True", stdout.Trim());
    }
}
