namespace GpuExtract.Core.Simulation;

/// <summary>
/// A reproducible stream of random numbers: xoshiro256** (Blackman &amp; Vigna 2018) seeded through
/// SplitMix64 from (seed, stream). Independent streams (one per CCD row, one per fiber) make the
/// simulated pixels independent of the number of threads, and the generator is defined here, so
/// the same seed gives the same pixels on every platform and .NET version.
/// </summary>
public struct RandomStream
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareGaussian;
    private bool _hasSpareGaussian;

    /// <param name="seed">The user's seed.</param>
    /// <param name="stream">Which independent stream of that seed (e.g. a row or fiber number).</param>
    public RandomStream(long seed, long stream)
    {
        // SplitMix64 over a state that mixes seed and stream, as recommended for seeding xoshiro.
        ulong state = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)stream * 0xD1B54A32D192ED03UL ^ 0x5DEECE66DUL);
        _s0 = SplitMix64(ref state);
        _s1 = SplitMix64(ref state);
        _s2 = SplitMix64(ref state);
        _s3 = SplitMix64(ref state);
        _spareGaussian = 0;
        _hasSpareGaussian = false;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1), 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public double NextDouble(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [<paramref name="min"/>, <paramref name="maxExclusive"/>).</summary>
    public int NextInt(int min, int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxExclusive, min);
        ulong range = (ulong)((long)maxExclusive - min);
        // Lemire's multiply-shift; the bias (< range / 2⁶⁴) is far below anything a simulation can see.
        return (int)(min + (long)Math.BigMul(NextUInt64(), range, out _));
    }

    /// <summary>Standard normal deviate (Marsaglia's polar method; the second value of each pair is kept).</summary>
    public double NextGaussian()
    {
        if (_hasSpareGaussian)
        {
            _hasSpareGaussian = false;
            return _spareGaussian;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);
        double factor = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareGaussian = v * factor;
        _hasSpareGaussian = true;
        return u * factor;
    }

    /// <summary>A Poisson deviate of mean <paramref name="mean"/> (≥ 0), exact for every mean.</summary>
    public double NextPoisson(double mean) => PoissonSampler.Sample(ref this, mean);

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
