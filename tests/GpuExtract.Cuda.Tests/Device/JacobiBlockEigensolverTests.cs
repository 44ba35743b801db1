namespace GpuExtract.Cuda.Tests.Device;

/// <summary>
/// The batched Jacobi kernel (kernels/jacobi_eigen.cu) on the emulated device, checked against matrices built
/// from a prescribed spectrum (A = Q·diag(λ)·Qᵀ with Q a product of random Householder reflections, so the
/// eigenvalues are known in closed form) and against LAPACK's dsyevd on the same matrices.
/// </summary>
[Collection("emulated device")]
public sealed class JacobiBlockEigensolverTests(ITestOutputHelper output)
{
    /// <summary>The eigh study's acceptance: ‖Av − λv‖/‖A‖_F and |VᵀV − I| per entry.</summary>
    private const double Tolerance = 1e-10;

    [SkippableFact]
    public void Kernel_MatchesPrescribedSpectrumAndLapack_AtTheBlockSize()
    {
        KernelEmulator.SkipIfUnavailable();
        const int n = 74, count = 2;
        var random = new Random(74);
        var matrices = new List<double[]>();
        var spectra = new List<double[]>();
        for (int b = 0; b < count; b++)
        {
            // SPD with condition ≈ 1e8, as the covariance blocks C_bb of a patch are (graded eigenvalues).
            double[] lambda = new double[n];
            for (int i = 0; i < n; i++)
            {
                lambda[i] = Math.Pow(10, -8.0 * random.NextDouble());
            }
            spectra.Add(lambda);
            matrices.Add(FromSpectrum(lambda, random));
        }
        var (vectors, values, info) = Run(n, matrices);
        ILapack lapack = LapackProvider.CreateFactory(LapackChoice.Auto, out _)();
        for (int b = 0; b < count; b++)
        {
            Assert.Equal(0, info[b]);
            var (residual, orthogonality) = Check(matrices[b], vectors[b], values[b], n);
            double[] expected = spectra[b].Order().ToArray();
            double[] fromLapack = Lapack(lapack, matrices[b], n);
            double maxAbs = expected.Max(Math.Abs);
            double toSpectrum = 0, toLapack = 0;
            for (int k = 0; k < n; k++)
            {
                toSpectrum = Math.Max(toSpectrum, Math.Abs(values[b][k] - expected[k]) / maxAbs);
                toLapack = Math.Max(toLapack, Math.Abs(values[b][k] - fromLapack[k]) / maxAbs);
            }
            output.WriteLine($"n = {n}: residual {residual:e2}, orthogonality {orthogonality:e2}, eigenvalues vs prescribed {toSpectrum:e2}, vs LAPACK {toLapack:e2} (of max |λ|)");
            Assert.True(residual <= Tolerance, $"residual {residual:e3}");
            Assert.True(orthogonality <= Tolerance, $"orthogonality {orthogonality:e3}");
            // Backward-stable eigenvalues are within a few ε·‖A‖ of the truth (Weyl); 1e-13 leaves room for n = 74's rounding.
            Assert.True(toSpectrum <= 1e-13, $"eigenvalues differ from the prescribed spectrum by {toSpectrum:e3} of max |λ|");
            Assert.True(toLapack <= 1e-13, $"eigenvalues differ from LAPACK's by {toLapack:e3} of max |λ|");
        }
    }

    [SkippableFact]
    public void Kernel_HandlesDegenerateIndefiniteAndOddOrder()
    {
        KernelEmulator.SkipIfUnavailable();
        const int n = 15;
        var random = new Random(15);
        // Eigenvalues with multiplicities 4, 5 and 6, of both signs: any orthonormal basis of each eigenspace is right.
        double[] lambda = [.. Enumerable.Repeat(-2.0, 4), .. Enumerable.Repeat(0.5, 5), .. Enumerable.Repeat(3.0, 6)];
        double[] a = FromSpectrum(lambda, random);
        var (vectors, values, info) = Run(n, [a]);
        Assert.Equal(0, info[0]);
        var (residual, orthogonality) = Check(a, vectors[0], values[0], n);
        output.WriteLine($"degenerate n = {n}: residual {residual:e2}, orthogonality {orthogonality:e2}");
        Assert.True(residual <= Tolerance, $"residual {residual:e3}");
        Assert.True(orthogonality <= Tolerance, $"orthogonality {orthogonality:e3}");
        for (int k = 0; k < n; k++)
        {
            Assert.True(Math.Abs(values[0][k] - lambda[k]) <= 1e-13 * 3, $"eigenvalue {k}: {values[0][k]} vs {lambda[k]}");
        }
    }

    [SkippableFact]
    public void Kernel_DiagonalInput_SortsWithoutRotating()
    {
        KernelEmulator.SkipIfUnavailable();
        const int n = 6;
        double[] diagonal = [3, -1, 7, 0, -1, 2];
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            a[i + i * n] = diagonal[i];
        }
        var (vectors, values, info) = Run(n, [a]);
        Assert.Equal(0, info[0]);
        // Exact: no rotation happens, so the eigenvalues are the diagonal sorted and V a permutation.
        Assert.Equal(diagonal.Order().ToArray(), values[0]);
        int[] order = Enumerable.Range(0, n).OrderBy(i => diagonal[i]).ThenBy(i => i).ToArray();
        for (int k = 0; k < n; k++)
        {
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(i == order[k] ? 1.0 : 0.0, vectors[0][i + k * n]);
            }
        }
    }

    [SkippableFact]
    public void Kernel_OrderOne_ReturnsTheValue()
    {
        KernelEmulator.SkipIfUnavailable();
        var (vectors, values, info) = Run(1, [[-4.5], [2.0]]);
        Assert.Equal([0, 0], info);
        Assert.Equal(-4.5, values[0][0]);
        Assert.Equal(2.0, values[1][0]);
        Assert.Equal(1.0, vectors[0][0]);
        Assert.Equal(1.0, vectors[1][0]);
    }

    [SkippableFact]
    public void Kernel_MixedBatch_EachMatrixOnItsOwn_AndNonFiniteReported()
    {
        KernelEmulator.SkipIfUnavailable();
        const int n = 12;
        var random = new Random(12);
        double[] spd = FromSpectrum([.. Enumerable.Range(1, n).Select(i => (double)i * i)], random);
        double[] indefinite = FromSpectrum([.. Enumerable.Range(0, n).Select(i => i - 5.5)], random);
        var zero = new double[n * n];
        var nan = (double[])spd.Clone();
        nan[3 + 2 * n] = double.NaN;
        var tiny = FromSpectrum([.. Enumerable.Range(1, n).Select(i => i * 1e-150)], random);
        double[][] batch = [spd, nan, indefinite, zero, tiny];
        var (vectors, values, info) = Run(n, batch);
        Assert.Equal([0, 1, 0, 0, 0], info);
        foreach (int b in (int[])[0, 2, 4])
        {
            var (residual, orthogonality) = Check(batch[b], vectors[b], values[b], n);
            output.WriteLine($"matrix {b}: residual {residual:e2}, orthogonality {orthogonality:e2}");
            Assert.True(residual <= Tolerance && orthogonality <= Tolerance, $"matrix {b}: residual {residual:e3}, orthogonality {orthogonality:e3}");
        }
        Assert.All(values[3], v => Assert.Equal(0.0, v));
        var (_, zeroOrthogonality) = Check(zero, vectors[3], values[3], n);
        Assert.Equal(0.0, zeroOrthogonality);
    }

    [SkippableFact]
    public void Kernel_Float32_MeetsSinglePrecisionAccuracy()
    {
        KernelEmulator.SkipIfUnavailable();
        const int n = 33; // odd: the padded order is 34
        var random = new Random(33);
        double[] lambda = [.. Enumerable.Range(0, n).Select(_ => 0.1 + random.NextDouble())];
        double[] a = FromSpectrum(lambda, random);
        using var device = new EmulatedDevice();
        DevicePointer matrices = device.Allocate(n * n * sizeof(float));
        DevicePointer eigenvalues = device.Allocate(n * sizeof(float));
        DevicePointer info = device.Allocate(sizeof(int));
        device.Upload<float>(Array.ConvertAll(a, x => (float)x), matrices);
        JacobiBlockEigensolver.DecomposeSingle(device, n, matrices, eigenvalues, info, 1);
        var v = new float[n * n];
        var w = new float[n];
        var status = new int[1];
        device.Download<float>(matrices, v);
        device.Download<float>(eigenvalues, w);
        device.Download<int>(info, status);
        double[] rounded = Array.ConvertAll(Array.ConvertAll(a, x => (float)x), x => (double)x);
        var (residual, orthogonality) = Check(rounded, Array.ConvertAll(v, x => (double)x), Array.ConvertAll(w, x => (double)x), n);
        output.WriteLine($"float32 n = {n}: residual {residual:e2}, orthogonality {orthogonality:e2}");
        Assert.Equal(0, status[0]);
        // float32: a few ε_f32 (1.2e-7) per entry, well above float64's but far from O(1) errors.
        Assert.True(residual <= 1e-5 && orthogonality <= 1e-5, $"residual {residual:e3}, orthogonality {orthogonality:e3}");
        double[] expected = lambda.Order().ToArray();
        for (int k = 0; k < n; k++)
        {
            Assert.True(Math.Abs(w[k] - expected[k]) <= 1e-5, $"eigenvalue {k}: {w[k]} vs {expected[k]}");
        }
        device.Free(matrices);
        device.Free(eigenvalues);
        device.Free(info);
    }

    [Fact]
    public void Supports_FollowsTheSharedMemoryOfABlock()
    {
        var solver = new JacobiBlockEigensolver();
        // 2·m²·8 + m·8 + 4m + 1024 bytes: n = 74 needs 88,936 bytes, more than the 48 KiB default, less than an H100's 227 KiB.
        Assert.Equal(2 * 74 * 74 * 8 + 74 * 8 + 4 * 74 + 1024, JacobiBlockEigensolver.SharedBytes(74, sizeof(double)));
        Assert.True(solver.Supports(74, 227 * 1024));
        // H100 (227 KiB): n = 118 needs 225,224 bytes; n = 119 is padded to 120 and needs 232,864 > 232,448.
        Assert.True(solver.Supports(118, 227 * 1024));
        Assert.False(solver.Supports(119, 227 * 1024));
        // A100 (163 KiB = 166,912 bytes): n = 100 needs 162,224; n = 101 (padded to 102) 168,712.
        Assert.True(solver.Supports(100, 163 * 1024));
        Assert.False(solver.Supports(101, 163 * 1024));
        Assert.True(solver.Supports(54, 48 * 1024));
        Assert.False(solver.Supports(74, 48 * 1024));
        // float32 on an H100: n = 168 needs 228,160 bytes, n = 169 (padded to 170) 233,584.
        Assert.True(JacobiBlockEigensolver.SupportsSingle(168, 227 * 1024));
        Assert.False(JacobiBlockEigensolver.SupportsSingle(169, 227 * 1024));
        Assert.False(solver.Supports(0, 227 * 1024));
    }

    /// <summary>Runs the f64 kernel on the emulated device; returns column-major eigenvectors, eigenvalues and info per matrix.</summary>
    private static (double[][] Vectors, double[][] Values, int[] Info) Run(int n, IReadOnlyList<double[]> matrices)
    {
        int count = matrices.Count;
        using var device = new EmulatedDevice();
        DevicePointer a = device.Allocate((long)count * n * n * sizeof(double));
        DevicePointer w = device.Allocate((long)count * n * sizeof(double));
        DevicePointer info = device.Allocate(count * sizeof(int));
        var all = new double[count * n * n];
        for (int b = 0; b < count; b++)
        {
            // Only the lower triangle is to be read: poison the strict upper triangle.
            for (int j = 0; j < n; j++)
            {
                for (int i = 0; i < n; i++)
                {
                    all[b * n * n + i + j * n] = i >= j ? matrices[b][i + j * n] : double.NaN;
                }
            }
        }
        device.Upload<double>(all, a);
        new JacobiBlockEigensolver().Decompose(device, n, a, w, info, count);
        var vectors = new double[count * n * n];
        var values = new double[count * n];
        var status = new int[count];
        device.Download<double>(a, vectors);
        device.Download<double>(w, values);
        device.Download<int>(info, status);
        device.Free(a);
        device.Free(w);
        device.Free(info);
        return (Enumerable.Range(0, count).Select(b => vectors[(b * n * n)..((b + 1) * n * n)]).ToArray(),
            Enumerable.Range(0, count).Select(b => values[(b * n)..((b + 1) * n)]).ToArray(), status);
    }

    /// <summary>A = Q·diag(λ)·Qᵀ (column-major, symmetric) with Q the product of n random Householder reflections.</summary>
    private static double[] FromSpectrum(double[] lambda, Random random)
    {
        int n = lambda.Length;
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            a[i + i * n] = lambda[i];
        }
        var u = new double[n];
        var au = new double[n];
        for (int r = 0; r < n; r++)
        {
            // A ← H·A·H with H = I − 2uuᵀ/uᵀu: A − 2u(Au)ᵀ/uu − 2(Au)uᵀ/uu + 4(uᵀAu)uuᵀ/uu².
            double uu = 0;
            for (int i = 0; i < n; i++)
            {
                u[i] = random.NextDouble() - 0.5;
                uu += u[i] * u[i];
            }
            double uau = 0;
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int j = 0; j < n; j++)
                {
                    s += a[i + j * n] * u[j];
                }
                au[i] = s;
                uau += u[i] * s;
            }
            for (int j = 0; j < n; j++)
            {
                for (int i = 0; i < n; i++)
                {
                    a[i + j * n] += (-2 * u[i] * au[j] - 2 * au[i] * u[j] + 4 * uau * u[i] * u[j] / uu) / uu;
                }
            }
        }
        // Exactly symmetric, as a covariance block is.
        for (int j = 0; j < n; j++)
        {
            for (int i = j + 1; i < n; i++)
            {
                a[j + i * n] = a[i + j * n];
            }
        }
        return a;
    }

    /// <summary>max_k ‖A·v_k − λ_k·v_k‖₂/‖A‖_F and max |VᵀV − I| (column-major A and V).</summary>
    private static (double Residual, double Orthogonality) Check(double[] a, double[] v, double[] lambda, int n)
    {
        double norm = Math.Sqrt(a.Sum(x => x * x));
        double residual = 0, orthogonality = 0;
        for (int k = 0; k < n; k++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                double r = -lambda[k] * v[i + k * n];
                for (int j = 0; j < n; j++)
                {
                    r += a[i + j * n] * v[j + k * n];
                }
                sum += r * r;
                double dot = 0;
                for (int j = 0; j < n; j++)
                {
                    dot += v[j + i * n] * v[j + k * n];
                }
                orthogonality = Math.Max(orthogonality, Math.Abs(dot - (i == k ? 1 : 0)));
            }
            residual = Math.Max(residual, norm > 0 ? Math.Sqrt(sum) / norm : Math.Sqrt(sum));
        }
        return (residual, orthogonality);
    }

    /// <summary>Eigenvalues by LAPACK (dsyevd through the CPU backend), ascending.</summary>
    private static double[] Lapack(ILapack lapack, double[] a, int n)
    {
        var work = (double[])a.Clone(); // symmetric: row- and column-major are the same
        var values = new double[n];
        lapack.SymmetricEigen(work, n, values);
        return values;
    }
}
