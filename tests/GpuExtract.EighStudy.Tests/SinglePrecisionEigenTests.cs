using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Cpu.Tests.LinearAlgebra;
using static GpuExtract.Cpu.Tests.LinearAlgebra.TestMatrices;

namespace GpuExtract.EighStudy.Tests;

/// <summary>ssyevd bound from the system LAPACK, checked against the backend's float64 dsyevd.</summary>
public sealed class SinglePrecisionEigenTests
{
    [SkippableFact]
    public void SymmetricEigen_AgreesWithDoubleToSinglePrecision()
    {
        NativeLapack lapack = LapackImplementations.RequireNative();
        Assert.True(SinglePrecisionEigen.TryCreate(lapack, out SinglePrecisionEigen? ssyevd, out string reason), reason);
        int n = 74;
        var random = new Random(74);
        double[] a = WithSpectrum(EvenSpectrum(n, 100), random);
        double[] v = (double[])a.Clone();
        var lambda = new double[n];
        lapack.SymmetricEigen(v, n, lambda);
        var af = new float[n * n];
        for (int i = 0; i < af.Length; i++)
        {
            af[i] = (float)a[i];
        }
        var lambdaF = new float[n];

        ssyevd!.SymmetricEigen(af, n, lambdaF);

        // float32: backward error ≈ n·ε_f·‖A‖ = 74·6e-8·100 ≈ 4e-4 worst case; eigenvectors with gap
        // ≥ 99/73 ≈ 1.36: error ≲ n·ε_f·‖A‖/gap ≈ 3e-4. Tolerances 1e-3 (an error in layout gives O(1)).
        double valueError = 0;
        for (int k = 0; k < n; k++)
        {
            valueError = Math.Max(valueError, Math.Abs(lambdaF[k] - lambda[k]));
        }
        Assert.True(valueError <= 1e-3, $"max |λ_float − λ_double| = {valueError:E3} > 1e-3");
        var vf = new double[n * n];
        for (int i = 0; i < vf.Length; i++)
        {
            vf[i] = af[i];
        }
        double vectorError = MaxEigenvectorDifference(vf, v, n);
        Assert.True(vectorError <= 1e-3, $"max eigenvector difference float vs double = {vectorError:E3} > 1e-3");
    }
}
