namespace GpuExtract.Core.Simulation;

/// <summary>
/// Poisson deviates for any mean: inversion by sequential search below <see cref="RejectionThreshold"/>
/// (exact, a handful of uniforms), and Hörmann's transformed rejection with squeeze (PTRS; W. Hörmann,
/// "The transformed rejection method for generating Poisson random variables", Insurance: Mathematics
/// and Economics 12 (1993) 39–45) above it, which is exact too and costs about 1.1 uniform pairs per
/// deviate whatever the mean. A Gaussian approximation would be wrong in the tails that the noise
/// tests look at, and the multiplication method needs O(mean) uniforms.
/// </summary>
public static class PoissonSampler
{
    /// <summary>Means at or above this use PTRS (the paper's range of validity is mean ≥ 10).</summary>
    public const double RejectionThreshold = 10.0;

    /// <summary>A Poisson deviate of mean <paramref name="mean"/>, as a double holding an integer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">the mean is negative or not finite.</exception>
    public static double Sample(ref RandomStream random, double mean)
    {
        if (!(mean >= 0) || !double.IsFinite(mean))
        {
            throw new ArgumentOutOfRangeException(nameof(mean), mean, "a Poisson mean must be finite and ≥ 0");
        }
        if (mean == 0)
        {
            return 0;
        }
        return mean < RejectionThreshold ? SampleByInversion(ref random, mean) : SampleByTransformedRejection(ref random, mean);
    }

    /// <summary>Smallest k with P(X ≤ k) ≥ u, accumulating the probabilities p_k = p_{k−1}·mean/k.</summary>
    private static double SampleByInversion(ref RandomStream random, double mean)
    {
        double u = random.NextDouble();
        double p = Math.Exp(-mean);
        double cumulative = p;
        int k = 0;
        // For mean < 10 the tail beyond k = 100 is below 1e-60; the bound only stops rounding from looping.
        while (u > cumulative && k < 100)
        {
            k++;
            p *= mean / k;
            cumulative += p;
        }
        return k;
    }

    private static double SampleByTransformedRejection(ref RandomStream random, double mean)
    {
        double sqrtMean = Math.Sqrt(mean);
        double logMean = Math.Log(mean);
        double b = 0.931 + 2.53 * sqrtMean;
        double a = -0.059 + 0.02483 * b;
        double inverseAlpha = 1.1239 + 1.1328 / (b - 3.4);
        double acceptRegion = 0.9277 - 3.6224 / (b - 2);
        while (true)
        {
            double u = random.NextDouble() - 0.5;
            double v = random.NextDouble();
            double us = 0.5 - Math.Abs(u);
            double k = Math.Floor((2 * a / us + b) * u + mean + 0.43);
            if (us >= 0.07 && v <= acceptRegion)
            {
                return k; // the squeeze: inside the region where the hat equals the density
            }
            if (k < 0 || (us < 0.013 && v > us))
            {
                continue;
            }
            if (Math.Log(v * inverseAlpha / (a / (us * us) + b)) <= -mean + k * logMean - LogFactorial(k))
            {
                return k;
            }
        }
    }

    /// <summary>ln(k!) for integer k ≥ 0: a table below 16, Stirling's series (error &lt; 1e-14) above.</summary>
    public static double LogFactorial(double k)
    {
        if (k < SmallLogFactorials.Length)
        {
            return SmallLogFactorials[(int)k];
        }
        double n = k + 1;
        double inverse = 1 / n;
        double inverse2 = inverse * inverse;
        // ln Γ(n) = (n − ½) ln n − n + ½ ln 2π + 1/(12n) − 1/(360n³) + 1/(1260n⁵) − 1/(1680n⁷)
        return (n - 0.5) * Math.Log(n) - n + HalfLogTwoPi
            + inverse * (1.0 / 12 - inverse2 * (1.0 / 360 - inverse2 * (1.0 / 1260 - inverse2 / 1680)));
    }

    private const double HalfLogTwoPi = 0.91893853320467274178;

    private static readonly double[] SmallLogFactorials = BuildSmallLogFactorials(16);

    private static double[] BuildSmallLogFactorials(int count)
    {
        var table = new double[count];
        double factorial = 1;
        for (int k = 1; k < count; k++)
        {
            factorial *= k;
            table[k] = Math.Log(factorial);
        }
        return table;
    }
}
