using GpuExtract.Core.Psf;

namespace GpuExtract.Core.Tests.Psf;

public class LegendreTests
{
    /// <summary>P_0 … P_5 written out.</summary>
    private static double Explicit(int k, double u) => k switch
    {
        0 => 1,
        1 => u,
        2 => (3 * u * u - 1) / 2,
        3 => (5 * u * u * u - 3 * u) / 2,
        4 => (35 * Math.Pow(u, 4) - 30 * u * u + 3) / 8,
        5 => (63 * Math.Pow(u, 5) - 70 * Math.Pow(u, 3) + 15 * u) / 8,
        _ => throw new ArgumentOutOfRangeException(nameof(k)),
    };

    [Fact]
    public void Evaluate_MatchesExplicitPolynomials()
    {
        double[] c = [0.3, -1.2, 2.5, 0.7, -0.4, 0.05];
        for (double u = -1; u <= 1.0001; u += 0.125)
        {
            double expected = 0;
            for (int k = 0; k < c.Length; k++)
            {
                expected += c[k] * Explicit(k, u);
            }
            double actual = Legendre.Evaluate(c, u);
            Assert.True(Math.Abs(actual - expected) <= 1e-14, $"series at u = {u}: {actual:R} vs explicit {expected:R}");
        }
    }

    [Fact]
    public void EvaluateMany_AgreesWithScalarEvaluationForManySeries()
    {
        var random = new Random(5);
        const int nseries = 7, ncoef = 5, n = 33;
        double[] x = Enumerable.Range(0, n).Select(i => 5500 + 70.3 * i).ToArray();
        double[] coefficients = Enumerable.Range(0, nseries * ncoef).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var basis = new double[ncoef * n];
        Legendre.Basis(x, 5543, 7827, ncoef, basis);
        var values = new double[nseries * n];
        Legendre.EvaluateMany(coefficients, ncoef, basis, n, values);
        for (int s = 0; s < nseries; s++)
        {
            for (int i = 0; i < n; i++)
            {
                double scalar = Legendre.Evaluate(coefficients.AsSpan(s * ncoef, ncoef), Legendre.Argument(x[i], 5543, 7827));
                Assert.True(Math.Abs(values[s * n + i] - scalar) <= 1e-15 * (1 + Math.Abs(scalar)),
                    $"series {s} at x = {x[i]}: basis product {values[s * n + i]:R} vs scalar {scalar:R}");
            }
        }
    }

    [Fact]
    public void Argument_MapsDomainEndsToMinusOneAndOne()
    {
        Assert.Equal(-1.0, Legendre.Argument(5543, 5543, 7827));
        Assert.Equal(1.0, Legendre.Argument(7827, 5543, 7827));
        Assert.Equal(0.0, Legendre.Argument(6685, 5543, 7827));
    }

    [Fact]
    public void Fit_RecoversAnExactPolynomial()
    {
        double[] truth = [6000, 900, -12, 3.5, 0.2, -0.01, 0, 0, 0, 0];
        double[] u = Enumerable.Range(0, 1000).Select(i => -0.97 + 1.9 * i / 999.0).ToArray();
        double[] y = u.Select(v => Legendre.Evaluate(truth.AsSpan(0, 6), v)).ToArray();
        double[] c = Legendre.Fit(u, y, 9);
        Assert.Equal(10, c.Length);
        for (int k = 0; k < c.Length; k++)
        {
            Assert.True(Math.Abs(c[k] - truth[k]) <= 1e-10, $"c[{k}] = {c[k]:R}, expected {truth[k]}");
        }
    }

    [Fact]
    public void Fit_ResidualIsOrthogonalToEveryBasisPolynomial()
    {
        // The least-squares optimality condition Vᵀ(V·c − y) = 0, checked with explicit polynomials.
        var random = new Random(11);
        double[] u = Enumerable.Range(0, 200).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] y = u.Select(v => Math.Sin(3 * v) + 0.1 * random.NextDouble()).ToArray();
        double[] c = Legendre.Fit(u, y, 5);
        for (int k = 0; k <= 5; k++)
        {
            double dot = 0;
            for (int i = 0; i < u.Length; i++)
            {
                double model = 0;
                for (int j = 0; j <= 5; j++)
                {
                    model += c[j] * Explicit(j, u[i]);
                }
                dot += Explicit(k, u[i]) * (model - y[i]);
            }
            Assert.True(Math.Abs(dot) <= 1e-12, $"P_{k} · residual = {dot:E2}");
        }
    }
}
