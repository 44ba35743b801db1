using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GpuExtract.Core.Psf;

/// <summary>
/// The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt in double precision (.NET has none).
/// </summary>
/// <remarks>
/// Implements W. J. Cody's rational Chebyshev approximations (Math. Comp. 23 (1969) 631–637),
/// the same family the reference code's erf comes from, on the intervals |x| ≤ 0.46875
/// (erf directly), 0.46875 &lt; |x| ≤ 4 and 4 &lt; |x| &lt; 6 (erfc = e^(−x²)·R(x)). e^(−x²) is
/// evaluated as e^(−h²)·e^(−(x−h)(x+h)) with h = x rounded down to 1/16 so that the rounding of
/// x² does not enter the exponent. Checked against 40-digit values: relative error ≤ 1e-15
/// (HermiteIntegralsTests).
/// </remarks>
public static class ErrorFunction
{
    // |x| ≤ 0.46875: erf(x) = x·A(x²)/B(x²).
    private const double A0 = 3.16112374387056560e00;
    private const double A1 = 1.13864154151050156e02;
    private const double A2 = 3.77485237685302021e02;
    private const double A3 = 3.20937758913846947e03;
    private const double A4 = 1.85777706184603153e-1;
    private const double B0 = 2.36012909523441209e01;
    private const double B1 = 2.44024637934444173e02;
    private const double B2 = 1.28261652607737228e03;
    private const double B3 = 2.84423683343917062e03;

    // 0.46875 < |x| ≤ 4: erfc(x) = e^(−x²)·C(x)/D(x).
    private const double C0 = 5.64188496988670089e-1;
    private const double C1 = 8.88314979438837594e00;
    private const double C2 = 6.61191906371416295e01;
    private const double C3 = 2.98635138197400131e02;
    private const double C4 = 8.81952221241769090e02;
    private const double C5 = 1.71204761263407058e03;
    private const double C6 = 2.05107837782607147e03;
    private const double C7 = 1.23033935479799725e03;
    private const double C8 = 2.15311535474403846e-8;
    private const double D0 = 1.57449261107098347e01;
    private const double D1 = 1.17693950891312499e02;
    private const double D2 = 5.37181101862009858e02;
    private const double D3 = 1.62138957456669019e03;
    private const double D4 = 3.29079923573345963e03;
    private const double D5 = 4.36261909014324716e03;
    private const double D6 = 3.43936767414372164e03;
    private const double D7 = 1.23033935480374942e03;

    // |x| > 4: erfc(x) = e^(−x²)/x·(1/√π − P(1/x²)/(x²·Q(1/x²))).
    private const double P0 = 3.05326634961232344e-1;
    private const double P1 = 3.60344899949804439e-1;
    private const double P2 = 1.25781726111229246e-1;
    private const double P3 = 1.60837851487422766e-2;
    private const double P4 = 6.58749161529837803e-4;
    private const double P5 = 1.63153871373020978e-2;
    private const double Q0 = 2.56852019228982242e00;
    private const double Q1 = 1.87295284992346725e00;
    private const double Q2 = 5.27905102951428412e-1;
    private const double Q3 = 6.05183413124413191e-2;
    private const double Q4 = 2.33520497626869185e-3;

    private const double InverseSqrtPi = 5.6418958354775628695e-1;

    /// <summary>erf(x); odd, ±1 beyond |x| = 6 (where 1 − erf &lt; 2e-17).</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }
        double y = Math.Abs(x);
        if (y <= 0.46875)
        {
            double z = y * y;
            double num = ((((A4 * z + A0) * z + A1) * z + A2) * z) + A3;
            double den = ((((z + B0) * z + B1) * z + B2) * z) + B3;
            return x * num / den;
        }
        double result = (0.5 - Erfc(y)) + 0.5;
        return x < 0 ? -result : result;
    }

    /// <summary>erfc(x) = 1 − erf(x), accurate in relative terms for x &gt; 0.46875 (up to underflow).</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }
        double y = Math.Abs(x);
        double r;
        if (y <= 0.46875)
        {
            return 1.0 - Erf(x);
        }
        if (y <= 4.0)
        {
            double num = (((((((C8 * y + C0) * y + C1) * y + C2) * y + C3) * y + C4) * y + C5) * y + C6) * y + C7;
            double den = (((((((y + D0) * y + D1) * y + D2) * y + D3) * y + D4) * y + D5) * y + D6) * y + D7;
            r = ExpMinusSquare(y) * (num / den);
        }
        else if (y < 26.7)
        {
            double z = 1.0 / (y * y);
            double num = (((((P5 * z + P0) * z + P1) * z + P2) * z + P3) * z) + P4;
            double den = (((((z + Q0) * z + Q1) * z + Q2) * z + Q3) * z) + Q4;
            double s = (InverseSqrtPi - z * num / den) / y;
            r = ExpMinusSquare(y) * s;
        }
        else
        {
            r = 0.0;
        }
        return x < 0 ? 2.0 - r : r;
    }

    /// <summary>
    /// erf(z) for four arguments at once, given e^(−z²) computed by the caller (the pixel integrals
    /// need that Gaussian anyway, and one vector exponential replaces the two scalar ones of
    /// <see cref="Erfc"/>). All three rational pieces are evaluated and selected per lane. e^(−z²)
    /// from a rounded z² has a relative error ≤ z²·ε, which only scales erfc (≤ 0.5 where it is
    /// used), so erf stays within a few 1e-16 (HermiteIntegralsTests checks it against <see cref="Erf"/>).
    /// </summary>
    internal static Vector256<double> Erf(Vector256<double> z, Vector256<double> expMinusZ2)
    {
        Vector256<double> one = Vector256<double>.One;
        Vector256<double> half = Vector256.Create(0.5);
        Vector256<double> y = Vector256.Abs(z);

        // |z| ≤ 0.46875: z·A(z²)/B(z²).
        Vector256<double> s = z * z;
        Vector256<double> num = Fma(Fma(Fma(Fma(Vector256.Create(A4), s, Vector256.Create(A0)), s, Vector256.Create(A1)), s, Vector256.Create(A2)), s, Vector256.Create(A3));
        Vector256<double> den = Fma(Fma(Fma(s + Vector256.Create(B0), s, Vector256.Create(B1)), s, Vector256.Create(B2)), s, Vector256.Create(B3));
        Vector256<double> small = z * num / den;

        // 0.46875 < |z| ≤ 4: erfc = e^(−z²)·C(|z|)/D(|z|).
        Vector256<double> numM = Fma(Vector256.Create(C8), y, Vector256.Create(C0));
        numM = Fma(numM, y, Vector256.Create(C1));
        numM = Fma(numM, y, Vector256.Create(C2));
        numM = Fma(numM, y, Vector256.Create(C3));
        numM = Fma(numM, y, Vector256.Create(C4));
        numM = Fma(numM, y, Vector256.Create(C5));
        numM = Fma(numM, y, Vector256.Create(C6));
        numM = Fma(numM, y, Vector256.Create(C7));
        Vector256<double> denM = y + Vector256.Create(D0);
        denM = Fma(denM, y, Vector256.Create(D1));
        denM = Fma(denM, y, Vector256.Create(D2));
        denM = Fma(denM, y, Vector256.Create(D3));
        denM = Fma(denM, y, Vector256.Create(D4));
        denM = Fma(denM, y, Vector256.Create(D5));
        denM = Fma(denM, y, Vector256.Create(D6));
        denM = Fma(denM, y, Vector256.Create(D7));
        Vector256<double> mid = expMinusZ2 * (numM / denM);

        // |z| > 4: erfc = e^(−z²)/|z|·(1/√π − P(w)/(z²·Q(w))), w = 1/z² (e^(−z²) underflows to 0 far out).
        Vector256<double> w = one / (y * y);
        Vector256<double> numL = Fma(Fma(Fma(Fma(Fma(Vector256.Create(P5), w, Vector256.Create(P0)), w, Vector256.Create(P1)), w, Vector256.Create(P2)), w, Vector256.Create(P3)), w, Vector256.Create(P4));
        Vector256<double> denL = Fma(Fma(Fma(Fma(w + Vector256.Create(Q0), w, Vector256.Create(Q1)), w, Vector256.Create(Q2)), w, Vector256.Create(Q3)), w, Vector256.Create(Q4));
        Vector256<double> large = expMinusZ2 * ((Vector256.Create(InverseSqrtPi) - w * numL / denL) / y);

        Vector256<double> erfc = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(y, Vector256.Create(4.0)), mid, large);
        Vector256<double> big = (half - erfc) + half;
        big = Vector256.ConditionalSelect(Vector256.LessThan(z, Vector256<double>.Zero), -big, big);
        return Vector256.ConditionalSelect(Vector256.LessThanOrEqual(y, Vector256.Create(0.46875)), small, big);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Fma(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Vector256.MultiplyAddEstimate(a, b, c);

    /// <summary>e^(−y²) for y ≥ 0 without the rounding error of y² in the exponent.</summary>
    private static double ExpMinusSquare(double y)
    {
        double h = Math.Truncate(y * 16.0) / 16.0;
        double rest = (y - h) * (y + h);
        return Math.Exp(-h * h) * Math.Exp(-rest);
    }
}
