using GpuExtract.Core.Psf;

namespace GpuExtract.Core.Tests.Psf;

public class HermiteIntegralsTests
{
    [Theory]
    [InlineData(100.3, 0.8)]
    [InlineData(7.0, 1.1)]
    [InlineData(0.49, 2.5)]
    [InlineData(-3.7, 0.45)]
    public void Evaluate_MatchesQuadratureOfHermiteTimesGaussian(double center, double sigma)
    {
        const int degree = 6;
        int first = (int)Math.Floor(center) - 8;
        const int count = 17;
        var result = new double[(degree + 1) * count];
        HermiteIntegrals.Evaluate(first, count, center, sigma, degree, result);
        double worst = 0;
        for (int m = 0; m <= degree; m++)
        {
            for (int k = 0; k < count; k++)
            {
                double expected = Quadrature.PixelHermite(m, first + k, center, sigma);
                worst = Math.Max(worst, Math.Abs(result[m * count + k] - expected));
            }
        }
        // Both sides are accurate to a few 1e-16 times the largest He_m·φ on the pixel (~10 for m = 6).
        Assert.True(worst <= 2e-14, $"max |P_m − quadrature| = {worst:E2}");
    }

    [Fact]
    public void Evaluate_OverWholeAxisIntegratesToOneForM0AndZeroOtherwise()
    {
        const int degree = 6;
        const int count = 41;
        var result = new double[(degree + 1) * count];
        HermiteIntegrals.Evaluate(80, count, 100.37, 1.2, degree, result);
        for (int m = 0; m <= degree; m++)
        {
            double sum = 0;
            for (int k = 0; k < count; k++)
            {
                sum += result[m * count + k];
            }
            double expected = m == 0 ? 1.0 : 0.0;
            Assert.True(Math.Abs(sum - expected) <= 1e-14, $"Σ P_{m} over ±17σ = {sum:R}, expected {expected}");
        }
    }

    [Fact]
    public void Evaluate_WithStrideClearsThePadding()
    {
        var result = new double[3 * 8];
        Array.Fill(result, double.NaN);
        HermiteIntegrals.Evaluate(10, 5, 12.2, 1.0, 2, result, stride: 8);
        for (int m = 0; m < 3; m++)
        {
            for (int k = 5; k < 8; k++)
            {
                Assert.True(result[m * 8 + k] == 0, $"padding [{m}, {k}] = {result[m * 8 + k]}");
            }
            Assert.True(double.IsFinite(result[m * 8]), $"value [{m}, 0] = {result[m * 8]}");
        }
    }
}
