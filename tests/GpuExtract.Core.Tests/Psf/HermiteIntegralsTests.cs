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

    [Fact]
    public void Evaluate_DegreeZeroAgreesWithScalarErfDifferences()
    {
        // The integrals use a vectorised erf sharing the Gaussian's exponential; the public scalar
        // erf is checked against 40-digit values (ErrorFunctionTests). Pixel values ≤ 1, so 4e-16
        // absolute is a couple of ulp of the erf values being differenced.
        var random = new Random(7);
        var result = new double[23];
        double worst = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            double center = random.NextDouble() * 4000;
            double sigma = 0.3 + 3 * random.NextDouble();
            int first = (int)center - 11;
            HermiteIntegrals.Evaluate(first, result.Length, center, sigma, 0, result);
            for (int k = 0; k < result.Length; k++)
            {
                double lower = ((first + k) - center - 0.5) / sigma, upper = ((first + k) - center - 0.5 + 1.0) / sigma;
                double expected = 0.5 * (ErrorFunction.Erf(upper / Math.Sqrt(2)) - ErrorFunction.Erf(lower / Math.Sqrt(2)));
                worst = Math.Max(worst, Math.Abs(result[k] - expected));
            }
        }
        Assert.True(worst <= 4e-16, $"max |P_0 − ½Δerf| = {worst:E2}");
    }
}
