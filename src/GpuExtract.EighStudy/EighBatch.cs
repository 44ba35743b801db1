namespace GpuExtract.EighStudy;

/// <summary>
/// A batch of equal-size symmetric matrices for one <see cref="IEighMethod.Decompose"/> call, back to back in
/// row-major order: matrix b occupies [b·n·n, (b+1)·n·n) of <see cref="Matrices64"/> (float64) or
/// <see cref="Matrices32"/> (float32), the other array being empty. After the call matrix b holds its
/// eigenvectors (eigenvector k in column k, the <see cref="LinearAlgebra.ILapack.SymmetricEigen"/> layout) and
/// its ascending eigenvalues are at [b·n, (b+1)·n) of <see cref="Eigenvalues64"/> or <see cref="Eigenvalues32"/>.
/// Allocated once for the largest chunk of a point; <see cref="Count"/> says how many matrices are in use.
/// </summary>
public sealed class EighBatch
{
    /// <summary>Room for <paramref name="capacity"/> matrices of order <paramref name="n"/> in <paramref name="precision"/>.</summary>
    public EighBatch(int n, int capacity, EighPrecision precision)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        long elements = (long)n * n * capacity;
        if (elements > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), $"{capacity} matrices of n = {n} exceed one array ({elements} elements); split the batch");
        }
        N = n;
        Capacity = capacity;
        Count = capacity;
        Precision = precision;
        if (precision == EighPrecision.Double)
        {
            Matrices64 = new double[elements];
            Eigenvalues64 = new double[(long)n * capacity];
        }
        else
        {
            Matrices32 = new float[elements];
            Eigenvalues32 = new float[(long)n * capacity];
        }
    }

    /// <summary>Matrix order n.</summary>
    public int N { get; }

    /// <summary>Matrices the arrays hold room for.</summary>
    public int Capacity { get; }

    /// <summary>Matrices in use (≤ <see cref="Capacity"/>), the first Count of the arrays.</summary>
    public int Count
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 0);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Capacity);
            field = value;
        }
    }

    public EighPrecision Precision { get; }

    /// <summary>float64 matrices, [Capacity, n, n] row-major; empty for float32.</summary>
    public double[] Matrices64 { get; } = [];

    /// <summary>float64 eigenvalues, [Capacity, n]; empty for float32.</summary>
    public double[] Eigenvalues64 { get; } = [];

    /// <summary>float32 matrices, [Capacity, n, n] row-major; empty for float64.</summary>
    public float[] Matrices32 { get; } = [];

    /// <summary>float32 eigenvalues, [Capacity, n]; empty for float64.</summary>
    public float[] Eigenvalues32 { get; } = [];

    /// <summary>Bytes of the matrices and eigenvalues of <paramref name="count"/> matrices of order <paramref name="n"/>.</summary>
    public static long Bytes(int n, long count, EighPrecision precision) => ((long)n * n + n) * count * precision.ElementBytes();

    /// <summary>Matrix <paramref name="b"/> (float64).</summary>
    public Span<double> Matrix64(int b) => Matrices64.AsSpan(b * N * N, N * N);

    /// <summary>Eigenvalues of matrix <paramref name="b"/> (float64).</summary>
    public Span<double> Values64(int b) => Eigenvalues64.AsSpan(b * N, N);

    /// <summary>Matrix <paramref name="b"/> (float32).</summary>
    public Span<float> Matrix32(int b) => Matrices32.AsSpan(b * N * N, N * N);

    /// <summary>Eigenvalues of matrix <paramref name="b"/> (float32).</summary>
    public Span<float> Values32(int b) => Eigenvalues32.AsSpan(b * N, N);

    /// <summary>
    /// Fills matrix <paramref name="b"/> with <paramref name="source"/> (n × n float64), rounded to float32 for a
    /// float32 batch, and clears its eigenvalues.
    /// </summary>
    public void Load(int b, ReadOnlySpan<double> source)
    {
        if (source.Length != N * N)
        {
            throw new ArgumentException($"matrix has {source.Length} elements, expected n·n = {N * N}", nameof(source));
        }
        if (Precision == EighPrecision.Double)
        {
            source.CopyTo(Matrix64(b));
            Values64(b).Clear();
            return;
        }
        Span<float> target = Matrix32(b);
        for (int i = 0; i < source.Length; i++)
        {
            target[i] = (float)source[i];
        }
        Values32(b).Clear();
    }
}
