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
