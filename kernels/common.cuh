// Shared definitions of the GpuExtract kernels. Compiled by NVRTC at run time (no system headers: only
// built-in CUDA math), and by the host C++ emulation of the tests (tests/GpuExtract.Cuda.Tests/Emulation),
// which defines GPUEXTRACT_EMULATION and the CUDA built-ins itself.
#pragma once

#ifndef GPUEXTRACT_EMULATION
// Dynamically sized shared memory of a block (size given at launch).
#define GX_DYNAMIC_SHARED(T, name) extern __shared__ T name[]
#endif

typedef long long gx_i64;

// Threads per block of every kernel: a power of two (the block reductions below rely on it).
#define GX_BLOCK 128
#define GX_SPOT_BLOCK 64

// Threads of a warp.
#define GX_WARP 32

// Lanes that sum one pair of overlapping stamps in band_normal_equations (four pairs per warp at a time).
#define GX_PAIR_LANES 8

// Fields of one patch descriptor (int32), as Pipeline/BatchLayout.cs writes them.
#define P_FIBER 0         // first fitted fiber, relative to the frame's first fiber
#define P_NFIBER 1        // fitted fibers
#define P_KEEP_OFFSET 2   // first kept fiber, relative to P_FIBER
#define P_KEEP_COUNT 3    // kept fibers
#define P_WAVE 4          // first grid wavelength index
#define P_NWAVE 5         // fitted wavelengths per fiber
#define P_CORE_OFFSET 6   // first kept wavelength, relative to P_WAVE
#define P_CORE_COUNT 7    // kept wavelengths
#define P_XMIN 8          // pixel box [XMIN, XMAX) x [YMIN, YMAX), CCD coordinates
#define P_XMAX 9
#define P_YMIN 10
#define P_YMAX 11
#define P_OUTPUT 12       // first output row of the patch in the batch's output arrays
#define P_PIXELS 13       // first box pixel of the patch in the batch's pixel arrays
#define P_PROBLEM 14      // first (patch, kept fiber) problem of the patch
#define P_FIELDS 16

// Patch status after the normal equations and the Cholesky factorisation.
#define STATUS_OK 0
#define STATUS_EMPTY 1    // no usable pixel: flux 0, ivar 0, identity resolution (PatchSolver.WriteEmptyBins)
#define STATUS_FAILED 2   // Cholesky failed: the host solves the patch on the CPU (clipped eigh)

// Unknown j of a patch in the padded layout: fiber i = j / NW, wavelength k = j % NW; the patch's own
// unknowns are i < P_NFIBER, k < P_NWAVE, the rest are padding (decoupled, identity-like rows).

__device__ __forceinline__ bool gx_finite(double x)
{
    return (__double_as_longlong(x) & 0x7ff0000000000000LL) != 0x7ff0000000000000LL;
}

__device__ __forceinline__ double gx_nan()
{
    return __longlong_as_double(0x7ff8000000000000LL);
}

// max that propagates NaN, as numpy's max and Math.Max do.
__device__ __forceinline__ double gx_max_nan(double a, double b)
{
    if (a != a) return a;
    if (b != b) return b;
    return a > b ? a : b;
}

// Sum of v over the block (blockDim.x a power of two); scratch holds blockDim.x doubles. Every thread gets it.
__device__ double gx_block_sum(double v, double* scratch)
{
    unsigned t = threadIdx.x;
    scratch[t] = v;
    __syncthreads();
    for (unsigned half = blockDim.x / 2; half > 0; half /= 2)
    {
        if (t < half) scratch[t] += scratch[t + half];
        __syncthreads();
    }
    double total = scratch[0];
    __syncthreads();
    return total;
}

#ifndef GPUEXTRACT_EMULATION
// Sum of v over each aligned group of `width` lanes (a power of two ≤ 32) of a converged warp, by a butterfly of
// shuffles: every lane gets its group's total. (The emulation computes the same butterfly from all the lanes'
// values, in the same order, at one warp barrier.)
__device__ __forceinline__ double gx_group_sum(double v, int width)
{
    for (int delta = width / 2; delta > 0; delta /= 2) v += __shfl_xor_sync(0xffffffffu, v, delta);
    return v;
}

// Bit l set where lane l's predicate holds, for every lane of a converged warp.
__device__ __forceinline__ unsigned gx_warp_ballot(bool predicate)
{
    return __ballot_sync(0xffffffffu, predicate);
}
#endif

// NaN-propagating max of v over the block; scratch holds blockDim.x doubles. Every thread gets it.
__device__ double gx_block_max(double v, double* scratch)
{
    unsigned t = threadIdx.x;
    scratch[t] = v;
    __syncthreads();
    for (unsigned half = blockDim.x / 2; half > 0; half /= 2)
    {
        if (t < half) scratch[t] = gx_max_nan(scratch[t], scratch[t + half]);
        __syncthreads();
    }
    double total = scratch[0];
    __syncthreads();
    return total;
}

// This thread's share (pixels first, first + step, …) of Σ w·s and Σ w·s·p over a stamp clipped to
// [x0, x0+width) × [y0, y0+height), the stamp's values starting at CCD (sx, sy): the right-hand side and the
// fluxweight of one unknown (NormalEquations.AccumulateRightHandSide), summed further by the caller.
__device__ void gx_stamp_sums(int first, int step, int x0, int y0, int width, int height,
    const double* __restrict__ stamp, int sx, int sy, int stampCols,
    const float* __restrict__ image, const float* __restrict__ weight, int npixx, double& sumWeighted, double& sumPixels)
{
    for (int q = first; q < width * height; q += step)
    {
        int X = x0 + q % width, Y = y0 + q / width;
        double s = stamp[(Y - sy) * stampCols + (X - sx)];
        gx_i64 pixel = (gx_i64)Y * npixx + X;
        double ws = (double)weight[pixel] * s;
        sumWeighted += ws;
        sumPixels += ws * (double)image[pixel];
    }
}

// The largest fluxweight of a patch's own unknowns (its padding left out), NaN-propagating, over the block: the
// max behind the reference's minweight (NormalEquations.Regularize). d is the patch's descriptor, fw its N
// fluxweights; scratch holds blockDim.x doubles. Every thread gets it.
__device__ double gx_patch_max_fluxweight(const int* d, int N, int NW, const double* fw, double* scratch)
{
    const int nf = d[P_NFIBER], nw = d[P_NWAVE];
    double largest = 0.0;
    for (int j = threadIdx.x; j < N; j += blockDim.x)
    {
        if (j / NW < nf && j % NW < nw) largest = gx_max_nan(largest, fw[j]);
    }
    return gx_block_max(largest, scratch);
}
