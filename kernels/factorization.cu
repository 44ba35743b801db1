// Small kernels around the batched Cholesky factorisation (cuSOLVER potrfBatched / potrsBatched) and the
// triangular inverse (cuBLAS trsmBatched). Mirror the Cholesky branch of
// GpuExtract.Cpu.Extraction.PatchSolver.SolveFlux.
#include "common.cuh"

// After potrfBatched (one block per patch): a patch whose factorisation failed (info ≠ 0, or a non-finite
// diagonal of L, which a NaN anywhere in iCov produces; NativeLapack.CholeskyFactor checks the same) is
// marked STATUS_FAILED for the CPU, and its matrices are reset to the identity and y to 0 so that the
// batched calls that follow stay finite. copy (may be null) is the iCov copy kept for noise decorrelation.
extern "C" __global__ void check_cholesky(
    int N, const int* __restrict__ info, double* __restrict__ factor, double* __restrict__ copy,
    double* __restrict__ y, int* __restrict__ status)
{
    __shared__ int failed;
    int p = blockIdx.x;
    unsigned t = threadIdx.x;
    double* a = factor + (gx_i64)p * N * N;
    if (t == 0) failed = info[p] != 0;
    __syncthreads();
    for (int j = t; j < N; j += blockDim.x)
    {
        if (!gx_finite(a[(gx_i64)j * N + j])) failed = 1;
    }
    __syncthreads();
    if (!failed || status[p] != STATUS_OK) return;
    for (gx_i64 q = t; q < (gx_i64)N * N; q += blockDim.x)
    {
        double v = (q % (N + 1) == 0) ? 1.0 : 0.0;
        a[q] = v;
        if (copy) copy[(gx_i64)p * N * N + q] = v;
    }
    for (int j = t; j < N; j += blockDim.x) y[(gx_i64)p * N + j] = 0.0;
    if (t == 0) status[p] = STATUS_FAILED;
}

// matrices[p] = I (N × N) for every patch p: the right-hand sides of L·X = I, whose solution X = L⁻¹ gives
// C = iCov⁻¹ = Xᵀ·X. Grid (N, P): one column per block.
extern "C" __global__ void set_identity(int N, double* __restrict__ matrices)
{
    int j = blockIdx.x, p = blockIdx.y;
    double* column = matrices + ((gx_i64)p * N + j) * N;
    for (int m = threadIdx.x; m < N; m += blockDim.x) column[m] = m == j ? 1.0 : 0.0;
}
