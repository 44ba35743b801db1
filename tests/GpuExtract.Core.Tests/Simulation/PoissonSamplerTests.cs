using GpuExtract.Core.Simulation;

namespace GpuExtract.Core.Tests.Simulation;

public class PoissonSamplerTests
{
    /// <summary>Means on both sides of the switch from inversion to transformed rejection (10).</summary>
    [Theory]
    [InlineData(0.3)]
    [InlineData(3.0)]
    [InlineData(9.99)]
    [InlineData(10.0)]
    [InlineData(47.5)]
    [InlineData(12345.6)]
    public void Poisson_MeanAndVarianceEqualTheMean(double mean)
    {
        const int n = 200_000;
        var random = new RandomStream(42, (long)(mean * 1000));
        double sum = 0, sumSquares = 0;
        for (int i = 0; i < n; i++)
        {
            double k = random.NextPoisson(mean);
            Assert.True(k >= 0 && k == Math.Floor(k), $"deviate {k} is not a non-negative integer");
            sum += k;
            sumSquares += k * k;
        }
        double sampleMean = sum / n;
        double sampleVariance = sumSquares / n - sampleMean * sampleMean;
        // 5σ bounds: σ(mean) = √(λ/n); σ(variance) ≈ λ·√(2/n) (Gaussian-like; the Poisson excess kurtosis 1/λ adds little).
        double meanTolerance = 5 * Math.Sqrt(mean / n);
        double varianceTolerance = 5 * Math.Sqrt((2 * mean * mean + mean) / n);
        Assert.True(Math.Abs(sampleMean - mean) < meanTolerance, $"mean {sampleMean} vs {mean} (tolerance {meanTolerance})");
        Assert.True(Math.Abs(sampleVariance - mean) < varianceTolerance, $"variance {sampleVariance} vs {mean} (tolerance {varianceTolerance})");
    }

    /// <summary>The frequencies of each k match the exact probability mass e^−λ λ^k/k!, computed here by recurrence.</summary>
    [Theory]
    [InlineData(4.0)]
    [InlineData(15.0)]
    [InlineData(100.0)]
    public void Poisson_FrequenciesMatchTheProbabilityMass(double mean)
    {
        const int n = 400_000;
        var random = new RandomStream(7, (long)mean);
        var counts = new Dictionary<int, int>();
        for (int i = 0; i < n; i++)
        {
            int k = (int)random.NextPoisson(mean);
            counts[k] = counts.GetValueOrDefault(k) + 1;
        }
        // p_k by recurrence in log space from p_0 = e^−λ: independent of the sampler's own ln k!.
        double logP = -mean;
        double chiSquare = 0;
        int cells = 0;
        for (int k = 0; k < 4 * mean + 40; k++)
        {
            if (k > 0)
            {
                logP += Math.Log(mean / k);
            }
            double expected = n * Math.Exp(logP);
            if (expected < 20)
            {
                continue;
            }
            double observed = counts.GetValueOrDefault(k);
            chiSquare += (observed - expected) * (observed - expected) / expected;
            cells++;
        }
        // χ² with `cells` degrees of freedom: mean cells, σ √(2·cells); 5σ above is a failure.
        double limit = cells + 5 * Math.Sqrt(2.0 * cells);
        Assert.True(chiSquare < limit, $"χ² = {chiSquare:0.0} over {cells} cells (limit {limit:0.0}) for mean {mean}");
    }

    [Fact]
    public void Poisson_ZeroMeanGivesZeroAndNegativeMeanThrows()
    {
        var random = new RandomStream(1, 1);
        Assert.Equal(0.0, random.NextPoisson(0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var r = new RandomStream(1, 1);
            r.NextPoisson(-1.0);
        });
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var r = new RandomStream(1, 1);
            r.NextPoisson(double.NaN);
        });
    }

    [Fact]
    public void LogFactorial_MatchesSumOfLogarithms()
    {
        double sum = 0;
        for (int k = 1; k <= 2000; k++)
        {
            sum += Math.Log(k);
            double value = PoissonSampler.LogFactorial(k);
            // The direct sum accumulates ~k·1e-16 relative rounding; Stirling's series is good to 1e-14.
            Assert.True(Math.Abs(value - sum) <= 1e-12 * Math.Max(1, sum), $"ln {k}! = {value}, Σ ln = {sum}");
        }
        Assert.Equal(0.0, PoissonSampler.LogFactorial(0));
    }

    [Fact]
    public void Gaussian_HasUnitVarianceAndZeroMean()
    {
        const int n = 200_000;
        var random = new RandomStream(3, 0);
        double sum = 0, sumSquares = 0;
        for (int i = 0; i < n; i++)
        {
            double g = random.NextGaussian();
            sum += g;
            sumSquares += g * g;
        }
        double mean = sum / n, variance = sumSquares / n - mean * mean;
        Assert.True(Math.Abs(mean) < 5 / Math.Sqrt(n), $"mean {mean}");
        Assert.True(Math.Abs(variance - 1) < 5 * Math.Sqrt(2.0 / n), $"variance {variance}");
    }

    [Fact]
    public void RandomStream_SameSeedAndStreamRepeat_OthersDiffer()
    {
        var a = new RandomStream(5, 17);
        var b = new RandomStream(5, 17);
        var c = new RandomStream(5, 18);
        var d = new RandomStream(6, 17);
        int sameAsC = 0, sameAsD = 0;
        for (int i = 0; i < 1000; i++)
        {
            ulong x = a.NextUInt64();
            Assert.Equal(x, b.NextUInt64());
            sameAsC += x == c.NextUInt64() ? 1 : 0;
            sameAsD += x == d.NextUInt64() ? 1 : 0;
        }
        Assert.True(sameAsC == 0 && sameAsD == 0, $"neighbouring streams coincide {sameAsC} / {sameAsD} times in 1000");
    }
}
