namespace GpuExtract.Core.Psf;

/// <summary>
/// One Legendre series per trace (fiber) over a common domain [DomainMin, DomainMax], as the
/// reference's TraceSet: used for the trace centres x(λ), y(λ), for every PSF parameter, and for
/// the inverse λ(y).
/// </summary>
public sealed class TraceSet
{
    private readonly double[] _coefficients;

    /// <param name="coefficients">Coefficients, shape [traceCount, coefficientCount] (copied).</param>
    /// <param name="domainMin">Domain start (maps to u = −1).</param>
    /// <param name="domainMax">Domain end (maps to u = +1).</param>
    public TraceSet(double[,] coefficients, double domainMin, double domainMax)
        : this(Flatten(coefficients), coefficients.GetLength(0), coefficients.GetLength(1), domainMin, domainMax)
    {
    }

    /// <param name="coefficients">Coefficients, shape [traceCount, coefficientCount], row-major (copied).</param>
    /// <param name="traceCount">Number of traces.</param>
    /// <param name="coefficientCount">Coefficients per trace.</param>
    /// <param name="domainMin">Domain start (maps to u = −1).</param>
    /// <param name="domainMax">Domain end (maps to u = +1).</param>
    public TraceSet(ReadOnlySpan<double> coefficients, int traceCount, int coefficientCount, double domainMin, double domainMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(traceCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(coefficientCount);
        if (coefficients.Length != traceCount * coefficientCount)
        {
            throw new ArgumentException($"{coefficients.Length} coefficients for {traceCount} × {coefficientCount}", nameof(coefficients));
        }
        if (!(domainMax != domainMin) || !double.IsFinite(domainMin) || !double.IsFinite(domainMax))
        {
            throw new ArgumentException($"invalid domain [{domainMin}, {domainMax}]");
        }
        _coefficients = coefficients.ToArray();
        TraceCount = traceCount;
        CoefficientCount = coefficientCount;
        DomainMin = domainMin;
        DomainMax = domainMax;
    }

    /// <summary>Number of traces (fibers).</summary>
    public int TraceCount { get; }

    /// <summary>Legendre coefficients per trace.</summary>
    public int CoefficientCount { get; }

    /// <summary>Domain start (u = −1).</summary>
    public double DomainMin { get; }

    /// <summary>Domain end (u = +1).</summary>
    public double DomainMax { get; }

    /// <summary>Coefficients of trace <paramref name="trace"/> (0-based index).</summary>
    public ReadOnlySpan<double> Coefficients(int trace) => _coefficients.AsSpan(trace * CoefficientCount, CoefficientCount);

    /// <summary>All coefficients, shape [TraceCount, CoefficientCount].</summary>
    public ReadOnlySpan<double> AllCoefficients => _coefficients;

    /// <summary>The series of trace <paramref name="trace"/> at <paramref name="x"/>.</summary>
    public double Evaluate(int trace, double x) => Legendre.Evaluate(Coefficients(trace), Legendre.Argument(x, DomainMin, DomainMax));

    /// <summary>The basis of this set's domain at <paramref name="x"/>: shape [CoefficientCount, x.Length].</summary>
    public double[] Basis(ReadOnlySpan<double> x)
    {
        var basis = new double[CoefficientCount * x.Length];
        Legendre.Basis(x, DomainMin, DomainMax, CoefficientCount, basis);
        return basis;
    }

    /// <summary>
    /// Traces traceStart … traceStart+traceCount−1 at every x of a basis from <see cref="Basis"/>
    /// (n = its row length): <paramref name="values"/> shape [traceCount, n].
    /// </summary>
    public void EvaluateMany(int traceStart, int traceCount, ReadOnlySpan<double> basis, int n, Span<double> values)
    {
        Legendre.EvaluateMany(_coefficients.AsSpan(traceStart * CoefficientCount, traceCount * CoefficientCount), CoefficientCount, basis, n, values);
    }

    /// <summary>
    /// The reference's inverse (specter TraceSet.invert): per trace a least-squares Legendre fit of
    /// degree CoefficientCount+2 of x against y at 1000 points evenly spaced over the domain, with y
    /// normalised over [y_lo, y_hi] = the smallest and largest value of any trace at the two domain
    /// ends. It is a fit, not the exact root (reference README §7); the patch layout depends on it.
    /// </summary>
    public TraceSet Invert()
    {
        const int samples = 1000;
        int degree = CoefficientCount + 2;

        double yLo = double.PositiveInfinity;
        double yHi = double.NegativeInfinity;
        for (int t = 0; t < TraceCount; t++)
        {
            foreach (double end in (ReadOnlySpan<double>)[DomainMin, DomainMax])
            {
                double y = Evaluate(t, end);
                yLo = Math.Min(yLo, y);
                yHi = Math.Max(yHi, y);
            }
        }

        // numpy.linspace: start + i·step, with the last point set to stop exactly.
        var x = new double[samples];
        double step = (DomainMax - DomainMin) / (samples - 1);
        for (int i = 0; i < samples; i++)
        {
            x[i] = i * step + DomainMin;
        }
        x[^1] = DomainMax;
        double[] basis = Basis(x);

        var inverse = new double[TraceCount * (degree + 1)];
        Parallel.For(0, TraceCount, t =>
        {
            var y = new double[samples];
            EvaluateMany(t, 1, basis, samples, y);
            for (int i = 0; i < samples; i++)
            {
                y[i] = Legendre.Argument(y[i], yLo, yHi);
            }
            double[] c = Legendre.Fit(y, x, degree);
            c.CopyTo(inverse, t * (degree + 1));
        });
        return new TraceSet(inverse, TraceCount, degree + 1, yLo, yHi);
    }

    private static double[] Flatten(double[,] a)
    {
        var flat = new double[a.Length];
        int cols = a.GetLength(1);
        for (int i = 0; i < a.GetLength(0); i++)
        {
            for (int j = 0; j < cols; j++)
            {
                flat[i * cols + j] = a[i, j];
            }
        }
        return flat;
    }
}
