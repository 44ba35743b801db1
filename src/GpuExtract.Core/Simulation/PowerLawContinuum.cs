namespace GpuExtract.Core.Simulation;

/// <summary>
/// A continuum f(λ) = Amplitude·(λ/Pivot)^Index [photon/Å], integrated over bins exactly:
/// ∫ₐᵇ f dλ = Amplitude·Pivot/(Index+1)·[(b/Pivot)^(Index+1) − (a/Pivot)^(Index+1)] (ln(b/a) form for Index = −1).
/// </summary>
public readonly record struct PowerLawContinuum(double Amplitude, double Pivot, double Index)
{
    /// <summary>Photons between <paramref name="a"/> and <paramref name="b"/> [Å].</summary>
    public double Integral(double a, double b)
    {
        double power = Index + 1;
        if (Math.Abs(power) < 1e-12)
        {
            return Amplitude * Pivot * Math.Log(b / a);
        }
        return Amplitude * Pivot / power * (Math.Pow(b / Pivot, power) - Math.Pow(a / Pivot, power));
    }

    /// <summary>Adds <paramref name="scale"/> × the photons of each bin to <paramref name="binPhotons"/> (shapes as <see cref="EmissionLine.AddTo"/>).</summary>
    public void AddTo(ReadOnlySpan<double> edges, Span<double> binPhotons, double scale)
    {
        if (Amplitude == 0)
        {
            return;
        }
        for (int bin = 0; bin < binPhotons.Length; bin++)
        {
            binPhotons[bin] += scale * Integral(edges[bin], edges[bin + 1]);
        }
    }
}
