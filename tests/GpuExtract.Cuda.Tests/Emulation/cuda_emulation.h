// Host emulation of the CUDA execution model, so that the kernels in kernels/*.cu can run on a machine
// without a GPU: the kernel source is compiled by the system C++ compiler with the definitions below, and a
// launch runs every block of the grid in turn, each block's threads as cooperative user-level contexts
// (ucontext) that switch at __syncthreads(). Threads of a block thus interleave exactly at barriers, as the
// CUDA model allows, and a kernel that reads shared memory before the barrier that publishes it sees the
// poisoned (NaN) contents instead of a lucky value. Single OS thread: __shared__ variables are statics.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <algorithm>

#define GPUEXTRACT_EMULATION 1
#define __global__
#define __device__
#define __forceinline__ inline
#define __restrict__
#define __shared__ static

struct gx_dim3 { unsigned x, y, z; };
extern gx_dim3 threadIdx, blockIdx, blockDim, gridDim;
extern unsigned char* gx_dynamic_shared;
void __syncthreads();

// A barrier for the 32 threads of the caller's warp only (what __syncwarp() is in CUDA); the other warps of the
// block go on. gx_thread_rank() is the caller's linear index in its block.
void gx_warp_barrier();
unsigned gx_thread_rank();
extern double gx_lane_values[1024];

// gx_group_sum of common.cuh: the device's butterfly of __shfl_xor_sync within aligned groups of `width` lanes
// (lane l adds lane l ^ δ's value, δ = width/2 … 1) evaluated from the group's values at once, in the same order,
// so the result has the same bits with one warp barrier instead of log2(width) shuffles.
inline double gx_group_sum(double v, int width)
{
    unsigned t = gx_thread_rank(), base = t & ~(unsigned)(width - 1);
    gx_lane_values[t] = v;
    gx_warp_barrier();
    double lanes[32], next[32];
    for (int l = 0; l < width; l++) lanes[l] = gx_lane_values[base + l];
    for (int delta = width / 2; delta > 0; delta /= 2)
    {
        for (int l = 0; l < width; l++) next[l] = lanes[l] + lanes[l ^ delta];
        for (int l = 0; l < width; l++) lanes[l] = next[l];
    }
    double total = lanes[t - base];
    gx_warp_barrier(); // nobody overwrites gx_lane_values before the whole warp has read them
    return total;
}

// gx_warp_ballot of common.cuh (__ballot_sync): bit l set where lane l's predicate holds.
inline unsigned gx_warp_ballot(bool predicate)
{
    unsigned t = gx_thread_rank(), base = t & ~31u;
    gx_lane_values[t] = predicate ? 1.0 : 0.0;
    gx_warp_barrier();
    unsigned bits = 0;
    for (unsigned l = 0; l < 32; l++) bits |= gx_lane_values[base + l] != 0 ? 1u << l : 0u;
    gx_warp_barrier();
    return bits;
}

// 1 + the index of the lowest set bit, 0 for none (CUDA's __ffs).
inline int __ffs(int x) { return x == 0 ? 0 : __builtin_ctz((unsigned)x) + 1; }

// One OS thread runs every CUDA thread: atomics are plain read-modify-writes.
inline int atomicMax(int* address, int value)
{
    int old = *address;
    if (value > old) *address = value;
    return old;
}

#define GX_DYNAMIC_SHARED(T, name) T* name = reinterpret_cast<T*>(gx_dynamic_shared)

inline long long __double_as_longlong(double x) { long long v; std::memcpy(&v, &x, 8); return v; }
inline double __longlong_as_double(long long v) { double x; std::memcpy(&x, &v, 8); return x; }
using std::max;
using std::min;
using std::fma;
using std::exp;
using std::sqrt;
using std::pow;
using std::fabs;
