namespace GpuExtract.EighStudy;

/// <summary>
/// The matrices of one input family at one order n: a pool of distinct symmetric matrices (float64, row-major)
/// that a batch cycles through (matrix b of a batch is <c>Pool[b mod Pool.Count]</c>), so that a batch of 4096
/// needs neither 4096 generated matrices nor their memory twice.
/// </summary>
/// <param name="Name">"random", "cblock" or "icov".</param>
/// <param name="N">Order of every matrix in the pool.</param>
/// <param name="Pool">The distinct matrices, n·n elements each.</param>
public sealed record EighInput(string Name, int N, IReadOnlyList<double[]> Pool)
{
    /// <summary>Name of the random SPD family.</summary>
    public const string RandomName = "random";

    /// <summary>Bytes of random matrices kept per size: fewer distinct matrices for large n (at least one, at most 8).</summary>
    public const long RandomPoolBytes = 64L << 20;

    /// <summary>
    /// Random SPD matrices of order <paramref name="n"/> with condition <see cref="RandomSpdMatrix.DefaultCondition"/>
    /// (<see cref="RandomSpdMatrix"/>), seeds derived from <paramref name="seed"/>, n and the pool index (reproducible across runs).
    /// </summary>
    public static EighInput Random(int n, int seed)
    {
        long bytes = (long)n * n * sizeof(double);
        int count = (int)Math.Clamp(RandomPoolBytes / bytes, 1, 8);
        var pool = new double[count][];
        for (int i = 0; i < count; i++)
        {
            pool[i] = RandomSpdMatrix.Create(n, RandomSpdMatrix.DefaultCondition, (int)(((long)seed * 1_000_003 + (long)n * 8191 + i) & int.MaxValue));
        }
        return new EighInput(RandomName, n, pool);
    }

    /// <summary>The extraction matrices grouped by kind and order ("cblock" n ≈ 74, "icov" n ≈ 520), smallest n first.</summary>
    public static List<EighInput> FromExtraction(IReadOnlyList<ExtractionMatrix> matrices)
    {
        var groups = new List<EighInput>();
        foreach (ExtractionMatrix m in matrices)
        {
            int index = groups.FindIndex(g => g.Name == m.Kind && g.N == m.N);
            if (index < 0)
            {
                groups.Add(new EighInput(m.Kind, m.N, new List<double[]>()));
                index = groups.Count - 1;
            }
            ((List<double[]>)groups[index].Pool).Add(m.Matrix);
        }
        groups.Sort((a, b) => a.N.CompareTo(b.N));
        return groups;
    }
}
