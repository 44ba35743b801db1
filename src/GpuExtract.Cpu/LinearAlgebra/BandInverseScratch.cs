namespace GpuExtract.Cpu.LinearAlgebra;

/// <summary>
/// Scratch of <see cref="BandCholeskyFactorization.InverseBlock"/>, grown to the largest problem seen and
/// reused: X = L⁻¹·E_S (n rows of <see cref="PaddedWidth"/>(m)), the row prefixes, the gathered factor
/// coefficients of four rows, and Xᵀ·X before it is copied out. Not thread-safe: one per worker.
/// </summary>
internal sealed class BandInverseScratch
{
    /// <summary>Columns handled per register strip: 2 vectors of 512 bits (4 of 256 bits).</summary>
    public const int StripWidth = 16;

    public double[] Solution { get; private set; } = [];

    public int[] Prefix { get; private set; } = [];

    public double[] Coefficients { get; private set; } = [];

    public double[] Gram { get; private set; } = [];

    /// <summary>Row length of X and Xᵀ·X: m rounded up to a whole number of strips.</summary>
    public static int PaddedWidth(int m) => (m + StripWidth - 1) / StripWidth * StripWidth;

    /// <summary>Grows the arrays for an n × n band factor with half-bandwidth kd and index sets of length m.</summary>
    public void Ensure(int n, int m, int kd)
    {
        int mp = PaddedWidth(m);
        if (Solution.Length < (long)n * mp)
        {
            Solution = new double[n * mp];
        }
        if (Prefix.Length < n)
        {
            Prefix = new int[n];
        }
        if (Coefficients.Length < 4 * kd)
        {
            Coefficients = new double[4 * kd];
        }
        if (Gram.Length < mp * mp)
        {
            Gram = new double[mp * mp];
        }
    }
}
