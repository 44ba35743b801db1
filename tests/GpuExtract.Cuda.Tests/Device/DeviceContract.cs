namespace GpuExtract.Cuda.Tests.Device;

/// <summary>
/// What the pipeline assumes of an <see cref="IComputeDevice"/>, checked against closed forms on random inputs:
/// copies; potrfBatched gives L with L·Lᵀ = A (and info &gt; 0 for a matrix that is not positive definite);
/// potrsBatched gives x with A·x = b; trsmBatched gives X with L·X = B; gemmBatched gives C = AᵀA; the batched
/// eigensolver gives A·V = V·Λ with orthonormal V and ascending Λ; a kernel launch runs. All column-major, as
/// cuBLAS/cuSOLVER. Run on the host emulation here and on a real GPU where there is one, so that a wrong
/// argument convention in CudaDevice shows up as a failed identity, not as a subtly wrong frame.
/// </summary>
internal static class DeviceContract
{
    public static List<string> Check(IComputeDevice device)
    {
        var failures = new List<string>();
        var random = new Random(12345);
        var buffers = new List<DevicePointer>();
        DevicePointer Put<T>(T[] values) where T : unmanaged
        {
            DevicePointer p = device.Allocate(Math.Max(1, values.Length) * (long)System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
            buffers.Add(p);
            device.Upload<T>(values, p);
            return p;
        }
        T[] Get<T>(DevicePointer p, int count) where T : unmanaged
        {
            var values = new T[count];
            device.Download<T>(p, values);
            return values;
        }
        void Expect(bool condition, string what)
        {
            if (!condition)
            {
                failures.Add(what);
            }
        }
        try
        {
            // Copies.
            double[] data = Enumerable.Range(0, 1000).Select(i => random.NextDouble()).ToArray();
            DevicePointer a = Put(data);
            DevicePointer b = Put(new double[1000]);
            device.Copy(a, b, 1000 * sizeof(double));
            Expect(Get<double>(b, 1000).SequenceEqual(data), "Copy does not copy");
            device.Clear(b.Offset(8 * 10), 8 * 5);
            double[] cleared = Get<double>(b, 1000);
            Expect(cleared[9] == data[9] && cleared[10] == 0 && cleared[14] == 0 && cleared[15] == data[15], "Clear does not clear exactly the range");

            const int n = 37, count = 3;
            long matrixBytes = (long)n * n * sizeof(double);
            var matrices = new double[count][];
            for (int m = 0; m < count; m++)
            {
                matrices[m] = RandomSpd(random, n, m == 1 ? -1.0 : 1.0); // matrix 1 is not positive definite
            }
            DevicePointer spd = Put(matrices.SelectMany(x => x).ToArray());
            DevicePointer pointers = Put(Enumerable.Range(0, count).Select(m => spd.Offset(m * matrixBytes).Address).ToArray());
            DevicePointer info = Put(new int[count]);
            device.CholeskyFactorBatched(n, pointers, info, count);
            int[] infos = Get<int>(info, count);
            Expect(infos[0] == 0 && infos[2] == 0, $"potrfBatched info {string.Join(',', infos)} for positive definite matrices 0 and 2");
            Expect(infos[1] > 0, $"potrfBatched info {infos[1]} for the indefinite matrix 1");
            double[] factors = Get<double>(spd, count * n * n);
            foreach (int m in (int[])[0, 2])
            {
                double error = ReconstructionError(factors.AsSpan(m * n * n, n * n), matrices[m], n);
                Expect(error < 1e-12, $"potrfBatched: |L·Lᵀ − A|/|A| = {error:e2} for matrix {m}");
            }

            // Solve with matrix 0 and 2's factors (matrix 1's is whatever potrf left; its result is not checked).
            double[] rhs = Enumerable.Range(0, count * n).Select(_ => random.NextDouble() - 0.5).ToArray();
            DevicePointer vectors = Put(rhs);
            DevicePointer vectorPointers = Put(Enumerable.Range(0, count).Select(m => vectors.Offset((long)m * n * sizeof(double)).Address).ToArray());
            DevicePointer scratch = Put(new int[count]);
            device.CholeskySolveBatched(n, pointers, vectorPointers, scratch, count);
            double[] x = Get<double>(vectors, count * n);
            foreach (int m in (int[])[0, 2])
            {
                double residual = 0, norm = 0;
                for (int i = 0; i < n; i++)
                {
                    double sum = 0;
                    for (int j = 0; j < n; j++)
                    {
                        sum += matrices[m][i + j * n] * x[m * n + j];
                    }
                    residual = Math.Max(residual, Math.Abs(sum - rhs[m * n + i]));
                    norm = Math.Max(norm, Math.Abs(rhs[m * n + i]));
                }
                Expect(residual / norm < 1e-10, $"potrsBatched: |A·x − b|/|b| = {residual / norm:e2} for matrix {m}");
            }

            // L·X = I.
            var identities = new double[count * n * n];
            for (int m = 0; m < count; m++)
            {
                for (int i = 0; i < n; i++)
                {
                    identities[m * n * n + i + i * n] = 1;
                }
            }
            DevicePointer rightHandSides = Put(identities);
            DevicePointer rhsPointers = Put(Enumerable.Range(0, count).Select(m => rightHandSides.Offset(m * matrixBytes).Address).ToArray());
            device.LowerTriangularSolveBatched(n, pointers, rhsPointers, 1);
            double[] inverse = Get<double>(rightHandSides, n * n);
            double worst = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int k = 0; k <= i; k++)
                    {
                        sum += factors[i + k * n] * inverse[k + j * n];
                    }
                    worst = Math.Max(worst, Math.Abs(sum - (i == j ? 1 : 0)));
                }
            }
            Expect(worst < 1e-10, $"trsmBatched: |L·X − I| = {worst:e2}");

            // C = AᵀA for 5 × 4 column blocks (lda 9) of a 9 × 4 array.
            const int rows = 5, cols = 4, lda = 9;
            double[] tall = Enumerable.Range(0, lda * cols).Select(_ => random.NextDouble()).ToArray();
            DevicePointer tallOnDevice = Put(tall);
            DevicePointer gram = Put(new double[cols * cols]);
            device.GramBatched(cols, rows, lda, Put(new[] { tallOnDevice.Address }), Put(new[] { gram.Address }), 1);
            double[] c = Get<double>(gram, cols * cols);
            double gramError = 0;
            for (int i = 0; i < cols; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    double sum = 0;
                    for (int l = 0; l < rows; l++)
                    {
                        sum += tall[l + i * lda] * tall[l + j * lda];
                    }
                    gramError = Math.Max(gramError, Math.Abs(c[i + j * cols] - sum));
                }
            }
            Expect(gramError < 1e-13, $"gemmBatched: |C − AᵀA| = {gramError:e2}");

            // Eigen-decomposition of two symmetric matrices (upper triangle poisoned: only the lower may be read).
            foreach (int size in (int[])[12, 40])
            {
                var pair = new[] { RandomSpd(random, size, 1.0), RandomSpd(random, size, -1.0) };
                double[] packed = pair.SelectMany(x => x).ToArray();
                for (int m = 0; m < 2; m++)
                {
                    for (int j = 1; j < size; j++)
                    {
                        for (int i = 0; i < j; i++)
                        {
                            packed[m * size * size + i + j * size] = double.NaN;
                        }
                    }
                }
                DevicePointer eigenMatrices = Put(packed);
                DevicePointer eigenvalues = Put(new double[2 * size]);
                DevicePointer eigenInfo = Put(new int[2]);
                device.SymmetricEigenBatched(size, eigenMatrices, eigenvalues, eigenInfo, 2);
                double[] v = Get<double>(eigenMatrices, 2 * size * size);
                double[] w = Get<double>(eigenvalues, 2 * size);
                int[] ok = Get<int>(eigenInfo, 2);
                Expect(ok[0] == 0 && ok[1] == 0, $"syevBatched n = {size}: info {ok[0]},{ok[1]}");
                for (int m = 0; m < 2; m++)
                {
                    double residual = 0, orthogonality = 0, scale = 0;
                    for (int k = 0; k < size; k++)
                    {
                        scale = Math.Max(scale, Math.Abs(w[m * size + k]));
                        if (k > 0)
                        {
                            Expect(w[m * size + k] >= w[m * size + k - 1], $"syevBatched n = {size}: eigenvalues not ascending");
                        }
                    }
                    for (int k = 0; k < size; k++)
                    {
                        for (int i = 0; i < size; i++)
                        {
                            double av = 0;
                            for (int j = 0; j < size; j++)
                            {
                                av += pair[m][i + j * size] * v[m * size * size + j + k * size];
                            }
                            residual = Math.Max(residual, Math.Abs(av - w[m * size + k] * v[m * size * size + i + k * size]));
                        }
                        for (int l = 0; l < size; l++)
                        {
                            double dot = 0;
                            for (int i = 0; i < size; i++)
                            {
                                dot += v[m * size * size + i + k * size] * v[m * size * size + i + l * size];
                            }
                            orthogonality = Math.Max(orthogonality, Math.Abs(dot - (k == l ? 1 : 0)));
                        }
                    }
                    Expect(residual / scale < 1e-12 && orthogonality < 1e-12,
                        $"syevBatched n = {size}, matrix {m}: |A·V − V·Λ|/|Λ| = {residual / scale:e2}, |VᵀV − I| = {orthogonality:e2}");
                }
            }

            // A kernel: set_identity over two 5 × 5 matrices.
            DevicePointer square = Put(Enumerable.Repeat(7.0, 50).ToArray());
            device.Launch("set_identity", new Dim3(5, 2), new Dim3(128), 0, new KernelArguments().Add(5).Add(square));
            device.Synchronize("set_identity");
            double[] identity = Get<double>(square, 50);
            Expect(Enumerable.Range(0, 50).All(i => identity[i] == ((i % 25) % 6 == 0 ? 1.0 : 0.0)), "set_identity kernel: not two identities");
        }
        finally
        {
            foreach (DevicePointer p in buffers)
            {
                device.Free(p);
            }
        }
        return failures;
    }

    /// <summary>A random symmetric n × n matrix (column-major), positive definite for sign +1, indefinite for −1.</summary>
    private static double[] RandomSpd(Random random, int n, double sign)
    {
        var g = new double[n * n];
        for (int i = 0; i < g.Length; i++)
        {
            g[i] = random.NextDouble() - 0.5;
        }
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int k = 0; k < n; k++)
                {
                    sum += g[i + k * n] * g[j + k * n];
                }
                a[i + j * n] = sum + (i == j ? sign * n * 0.25 : 0);
            }
        }
        if (sign < 0)
        {
            a[0] = -1; // a negative diagonal element: certainly not positive definite
        }
        return a;
    }

    private static double ReconstructionError(ReadOnlySpan<double> l, double[] a, int n)
    {
        double worst = 0, scale = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = 0;
                for (int k = 0; k <= j; k++)
                {
                    sum += l[i + k * n] * l[j + k * n];
                }
                worst = Math.Max(worst, Math.Abs(sum - a[i + j * n]));
                scale = Math.Max(scale, Math.Abs(a[i + j * n]));
            }
        }
        return worst / scale;
    }
}
