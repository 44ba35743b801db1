namespace GpuExtract.Cuda.Device;

/// <summary>
/// Our batched symmetric eigensolver: the kernels <c>jacobi_eigen_f64</c> / <c>jacobi_eigen_f32</c> of
/// kernels/jacobi_eigen.cu, cyclic Jacobi in parallel (round-robin) order with one thread block per matrix and the
/// matrix and its eigenvectors in shared memory. Results as LAPACK's dsyevd returns them (ascending eigenvalues,
/// eigenvector k in column k), see <see cref="IBlockEigensolver"/>.
/// </summary>
/// <remarks>
/// Size limit: the block needs <see cref="SharedBytes"/> = 2·m²·sizeof(T) + (m/2)·2·sizeof(T) + 4m + 8·128 bytes
/// of shared memory (m = n rounded up to even), so in float64 n ≤ 118 on an H100 (227 KiB per block),
/// n ≤ 100 on an A100 (163 KiB), n ≤ 54 without the opt-in (48 KiB); in float32 n ≤ 168 on an H100. Beyond it
/// <see cref="Supports"/> is false and <see cref="BlockEigensolvers.Choose"/> falls through to cuSOLVER
/// (syevjBatched for n ≤ 32, else one syevd per matrix). It needs no workspace beyond its arguments.
/// </remarks>
public sealed class JacobiBlockEigensolver : IBlockEigensolver
{
    /// <summary>Threads per block (GX_BLOCK of kernels/common.cuh: the block reductions need a power of two).</summary>
    public const int Threads = 128;

    /// <summary>
    /// Stopping tolerance in float64: sweeps end when the off-diagonal Frobenius norm is ≤ this × ‖A‖_F.
    /// Jacobi converges quadratically, so the last sweep goes from ≈1e-8 to below this in one step; residuals
    /// then are a few ε (the validation asks ≤ 1e-10).
    /// </summary>
    public const double DoubleTolerance = 1e-14;

    /// <summary>As <see cref="DoubleTolerance"/> for float32 (ε_f32 ≈ 1.2e-7).</summary>
    public const double SingleTolerance = 1e-6;

    /// <inheritdoc />
    public string Method => "batched Jacobi kernel (cyclic, parallel order; one block per matrix in shared memory)";

    /// <summary>Shared memory one block needs for n × n matrices of <paramref name="elementBytes"/>-byte values [bytes].</summary>
    public static int SharedBytes(int n, int elementBytes)
    {
        long m = n + (n & 1);
        long bytes = (2 * m * m + m) * elementBytes + 4 * m + 8L * Threads;
        return bytes > int.MaxValue ? int.MaxValue : (int)bytes;
    }

    /// <inheritdoc />
    public bool Supports(int n, int sharedBytesPerBlock) => n >= 1 && SharedBytes(n, sizeof(double)) <= sharedBytesPerBlock;

    /// <summary>Whether float32 n × n matrices fit (see <see cref="Supports"/>).</summary>
    public static bool SupportsSingle(int n, int sharedBytesPerBlock) => n >= 1 && SharedBytes(n, sizeof(float)) <= sharedBytesPerBlock;

    /// <inheritdoc />
    public long WorkspaceBytes(int n, int count) => 0;

    /// <inheritdoc />
    public void Decompose(IComputeDevice device, int n, DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count) =>
        Launch(device, "jacobi_eigen_f64", n, sizeof(double), DoubleTolerance, matrices, eigenvalues, info, count);

    /// <summary>
    /// As <see cref="Decompose"/> for float32 matrices and eigenvalues (n floats per matrix), with
    /// <see cref="SingleTolerance"/>: the eigh study's float32 point of this method.
    /// </summary>
    public static void DecomposeSingle(IComputeDevice device, int n, DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count) =>
        Launch(device, "jacobi_eigen_f32", n, sizeof(float), SingleTolerance, matrices, eigenvalues, info, count);

    private static void Launch(IComputeDevice device, string kernel, int n, int elementBytes, double tolerance,
        DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (count == 0)
        {
            return;
        }
        var arguments = new KernelArguments().Add(n).Add(matrices).Add(eigenvalues).Add(info).Add(tolerance);
        device.Launch(kernel, new Dim3(count), new Dim3(Threads), SharedBytes(n, elementBytes), arguments);
    }
}
