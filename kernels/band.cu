// The band solver of a batch of patches (DESIGN §5, version 2): the CPU backend's algorithm on the device.
// iCov of a patch is stored as its lower band in wavelength-major order, row-major N × (KD+1) (KD = the
// batch's half-bandwidth): unknown j = fiber·NW + wavelength (the padded fiber-major layout of every other
// kernel) sits at position pos = wavelength·NF + fiber, and iCov[pos r, pos c] (r − KD ≤ c ≤ r) at
// band[r·(KD+1) + KD − (r − c)]. Every spot overlaps only spots of nearby wavelengths of nearby fibers, so
// every nonzero lies in that band. Mirrors GpuExtract.Cpu.Extraction.WavelengthMajorBand,
// NormalEquations.Accumulate/Regularize and GpuExtract.Cpu.LinearAlgebra.BandCholeskyFactorization
// (Factor, Solve, InverseBlock).
#include "common.cuh"

// Element (r, c), c ≤ r, of a patch's lower band a with half-bandwidth KD.
#define GX_BAND(a, KD, r, c) (a)[(gx_i64)(r) * ((KD) + 1) + (KD) - ((r) - (c))]

// Fiber-major unknown of wavelength-major position r in a patch of NF fibers × NW wavelengths.
__device__ __forceinline__ int gx_unknown_at(int r, int NF, int NW)
{
    return (r % NF) * NW + r / NF;
}

// The frame's reach: result[0] = the largest |g1 − g2| over pairs of non-empty spots (f1, g1), (f2, g2) with
// |f1 − f2| < span whose rectangles [xmin, xmin+cols) × [ymin, ymin+rows) intersect; result[1] = 1 when some
// fiber's non-empty spots are not in non-decreasing ymin order (the scan below then proves nothing and the
// host uses the dense solver). Each spot scans the spots of every fiber within the span upward in g from its
// own g, skipping empty spots, up to the first whose ymin reaches past its own last row: with ordered spots no
// later one can overlap it. A pair with g2 < g is found from the other spot. Both results must be 0 before the
// launch. One thread per spot (spot = fiber·ngrid + g), grid (⌈spots/block⌉, rows).
// Mirrors GpuExtract.Cuda.Pipeline.SpotReach.Compute.
extern "C" __global__ void spot_reach(
    const int* __restrict__ sxmin, const int* __restrict__ symin, const int* __restrict__ srows, const int* __restrict__ scols,
    int nfiber, int ngrid, int span, int* __restrict__ result)
{
    gx_i64 s = ((gx_i64)blockIdx.y * gridDim.x + blockIdx.x) * blockDim.x + threadIdx.x;
    if (s >= (gx_i64)nfiber * ngrid || srows[s] == 0 || scols[s] == 0) return;
    const int f = (int)(s / ngrid), g = (int)(s % ngrid);
    const int x0 = sxmin[s], x1 = x0 + scols[s], y0 = symin[s], y1 = y0 + srows[s];
    for (int g2 = g + 1; g2 < ngrid; g2++)
    {
        gx_i64 s2 = (gx_i64)f * ngrid + g2;
        if (srows[s2] == 0 || scols[s2] == 0) continue;
        if (symin[s2] < y0) atomicMax(result + 1, 1);
        break;
    }
    int reach = 0;
    for (int f2 = max(0, f - span + 1); f2 <= min(nfiber - 1, f + span - 1); f2++)
    {
        for (int g2 = f2 == f ? g + 1 : g; g2 < ngrid; g2++)
        {
            gx_i64 s2 = (gx_i64)f2 * ngrid + g2;
            if (srows[s2] == 0 || scols[s2] == 0) continue;
            if (symin[s2] >= y1) break;
            if (symin[s2] + srows[s2] > y0 && sxmin[s2] < x1 && sxmin[s2] + scols[s2] > x0) reach = max(reach, g2 - g);
        }
    }
    if (reach > 0) atomicMax(result, reach);
}

// The lower band of iCov = AᵀWA, and y = AᵀWp and fluxweight = AᵀW1 (fiber-major, as normal_equations writes
// them), from the clipped stamps of clip_stamps. Warp w of a block computes band row r = blockIdx.x·warps + w:
// the unknowns at positions r − KD … r are its only possible neighbours. The lanes first test 32 of them at a
// time for an overlap of the clipped stamps (a ballot); the overlapping ones are then summed four at a time, each
// by a group of 8 lanes that spreads the overlap's pixels and reduces them with shuffles, so a row costs a few
// reductions instead of one per neighbour. Products are (w·s_lo)·s_hi with lo the smaller fiber-major index, as
// NormalEquations.AccumulateOverlaps forms them. bandwidth[p] gets the patch's largest |r − c| over overlapping
// pairs (must be 0 before the launch): the factorisation's loops stop there, as the CPU's band is exactly that
// wide. Grid (⌈N/warps⌉, P).
extern "C" __global__ void band_normal_equations(
    const int* __restrict__ patches, int N, int NW, int KD, int npixx,
    const double* __restrict__ spotValues, const int* __restrict__ sxmin, const int* __restrict__ symin, int stampRows, int stampCols,
    const float* __restrict__ image, const float* __restrict__ weight,
    const int* __restrict__ rect, const int* __restrict__ spot,
    double* __restrict__ band, double* __restrict__ y, double* __restrict__ fluxWeight, int* __restrict__ bandwidth)
{
    const int lane = threadIdx.x % GX_WARP, warps = blockDim.x / GX_WARP;
    const int r = blockIdx.x * warps + threadIdx.x / GX_WARP, p = blockIdx.y;
    if (r >= N) return; // the whole warp
    const int NF = N / NW;
    const int j = gx_unknown_at(r, NF, NW);
    const gx_i64 slot = (gx_i64)stampRows * stampCols;
    const int* rj = rect + ((gx_i64)p * N + j) * 4;
    const int sj = spot[(gx_i64)p * N + j];
    const int jx0 = rj[0], jy0 = rj[1], jw = rj[2], jh = rj[3];
    double* row = band + ((gx_i64)p * N + r) * (KD + 1);

    double sumWeighted = 0.0, sumPixels = 0.0;
    gx_stamp_sums(lane, GX_WARP, jx0, jy0, jw, jh, spotValues + sj * slot, sxmin[sj], symin[sj], stampCols, image, weight, npixx,
        sumWeighted, sumPixels);
    sumWeighted = gx_group_sum(sumWeighted, GX_WARP);
    sumPixels = gx_group_sum(sumPixels, GX_WARP);
    if (lane == 0)
    {
        fluxWeight[(gx_i64)p * N + j] = sumWeighted;
        y[(gx_i64)p * N + j] = sumPixels;
    }

    const int group = lane / GX_PAIR_LANES, member = lane % GX_PAIR_LANES;
    int widest = 0;
    for (int t0 = 0; t0 <= KD; t0 += GX_WARP)
    {
        // Which of entries t0 … t0+31 overlap: each lane tests one; the others' rows hold 0.
        const int t = t0 + lane;
        const int c = r - KD + t;
        bool overlaps = false;
        if (t <= KD && c >= 0 && jw > 0)
        {
            const int* rm = rect + ((gx_i64)p * N + gx_unknown_at(c, NF, NW)) * 4;
            overlaps = rm[2] > 0 && max(jx0, rm[0]) < min(jx0 + jw, rm[0] + rm[2]) && max(jy0, rm[1]) < min(jy0 + jh, rm[1] + rm[3]);
        }
        if (t <= KD && !overlaps) row[t] = 0.0;
        unsigned pending = gx_warp_ballot(overlaps);
        // The lowest pending entry of the first chunk with any is the widest overlap.
        if (pending) widest = max(widest, KD - t0 - (__ffs((int)pending) - 1));
        while (pending) // the same for every lane: the warp stays converged
        {
            // Group g takes the g-th lowest pending entry, if there is one.
            unsigned rest = pending;
            for (int k = 0; k < group && rest; k++) rest &= rest - 1;
            double partial = 0.0;
            if (rest)
            {
                const int cc = r - KD + t0 + __ffs((int)rest) - 1;
                const int m = gx_unknown_at(cc, NF, NW);
                const int* rm = rect + ((gx_i64)p * N + m) * 4;
                const int x0 = max(jx0, rm[0]), x1 = min(jx0 + jw, rm[0] + rm[2]);
                const int y0 = max(jy0, rm[1]), y1 = min(jy0 + jh, rm[1] + rm[3]);
                const int sm = spot[(gx_i64)p * N + m];
                const int lo = j <= m ? sj : sm, hi = j <= m ? sm : sj;
                const double* vlo = spotValues + lo * slot;
                const double* vhi = spotValues + hi * slot;
                const int width = x1 - x0;
                for (int q = member; q < width * (y1 - y0); q += GX_PAIR_LANES)
                {
                    int X = x0 + q % width, Y = y0 + q / width;
                    partial += ((double)weight[(gx_i64)Y * npixx + X] * vlo[(Y - symin[lo]) * stampCols + (X - sxmin[lo])])
                        * vhi[(Y - symin[hi]) * stampCols + (X - sxmin[hi])];
                }
            }
            double sum = gx_group_sum(partial, GX_PAIR_LANES);
            if (rest && member == 0) row[t0 + __ffs((int)rest) - 1] = sum;
            for (int k = 0; k < GX_WARP / GX_PAIR_LANES && pending; k++) pending &= pending - 1;
        }
    }
    if (lane == 0 && widest > 0) atomicMax(bandwidth + p, widest);
}

// The dense N × N iCov (fiber-major, column-major, both triangles) of each patch from its band, for noise
// decorrelation's eigh of the whole iCov. Grid (N, P): one column per block.
extern "C" __global__ void band_to_dense(int N, int NW, int KD, const double* __restrict__ band, double* __restrict__ dense)
{
    const int j = blockIdx.x, p = blockIdx.y, NF = N / NW;
    const double* a = band + (gx_i64)p * N * (KD + 1);
    double* column = dense + ((gx_i64)p * N + j) * N;
    const int rj = (j % NW) * NF + j / NW;
    for (int m = threadIdx.x; m < N; m += blockDim.x)
    {
        int rm = (m % NW) * NF + m / NW;
        int hi = max(rj, rm), lo = min(rj, rm);
        column[m] = hi - lo <= KD ? GX_BAND(a, KD, hi, lo) : 0.0;
    }
}

// Per patch (one block each): the band Cholesky factorisation iCov = L·Lᵀ in place (right-looking: column k is
// scaled by its pivot, then the trailing triangle of the band updated), then f = iCov⁻¹·y by forward and back
// substitution, y read and f written fiber-major. Loops stop at the patch's own bandwidth (≤ KD): beyond it
// iCov and L are exactly 0. A pivot that is not positive and finite fails the patch, as dpbtrf and
// BandCholeskyFactorization.Factor do: it is marked STATUS_FAILED for the CPU and its band (and dense copy,
// when one is kept) reset to the identity and y to 0, so the batched stages that follow stay finite.
// Dynamic shared memory: N doubles (the right-hand side in wavelength-major order).
extern "C" __global__ void band_cholesky_solve(
    int N, int NW, int KD, const int* __restrict__ bandwidth,
    double* __restrict__ band, double* __restrict__ y, double* __restrict__ dense, int* __restrict__ status)
{
    GX_DYNAMIC_SHARED(double, b);
    __shared__ int failed;
    const int p = blockIdx.x, NF = N / NW;
    const unsigned t = threadIdx.x;
    if (status[p] != STATUS_OK) return;
    const int kd = min(bandwidth[p], KD);
    double* a = band + (gx_i64)p * N * (KD + 1);
    if (t == 0) failed = 0;
    __syncthreads();

    for (int k = 0; k < N; k++)
    {
        if (t == 0)
        {
            double pivot = GX_BAND(a, KD, k, k);
            if (!(pivot > 0) || !gx_finite(pivot)) failed = 1;
            else GX_BAND(a, KD, k, k) = sqrt(pivot);
        }
        __syncthreads();
        if (failed) break;
        const int m = min(N - 1, k + kd) - k;
        const double lkk = GX_BAND(a, KD, k, k);
        for (int i = k + 1 + t; i <= k + m; i += blockDim.x) GX_BAND(a, KD, i, k) /= lkk;
        __syncthreads();
        for (int e = t; e < m * m; e += blockDim.x)
        {
            int u = e / m, v = e % m;
            if (v <= u)
            {
                int i = k + 1 + u, c = k + 1 + v;
                GX_BAND(a, KD, i, c) -= GX_BAND(a, KD, i, k) * GX_BAND(a, KD, c, k);
            }
        }
        __syncthreads();
    }
    if (failed)
    {
        for (gx_i64 q = t; q < (gx_i64)N * (KD + 1); q += blockDim.x) a[q] = q % (KD + 1) == KD ? 1.0 : 0.0;
        if (dense)
        {
            for (gx_i64 q = t; q < (gx_i64)N * N; q += blockDim.x) dense[(gx_i64)p * N * N + q] = (q % (N + 1) == 0) ? 1.0 : 0.0;
        }
        for (int j = t; j < N; j += blockDim.x) y[(gx_i64)p * N + j] = 0.0;
        if (t == 0) status[p] = STATUS_FAILED;
        return;
    }

    double* f = y + (gx_i64)p * N;
    for (int r = t; r < N; r += blockDim.x) b[r] = f[gx_unknown_at(r, NF, NW)];
    __syncthreads();
    // L·z = y, column by column: once z[i] is known, remove L[i+1 … i+kd, i]·z[i].
    for (int i = 0; i < N; i++)
    {
        if (t == 0) b[i] /= GX_BAND(a, KD, i, i);
        __syncthreads();
        for (int r = i + 1 + t; r <= min(N - 1, i + kd); r += blockDim.x) b[r] -= GX_BAND(a, KD, r, i) * b[i];
        __syncthreads();
    }
    // Lᵀ·x = z, reading rows of L: once x[i] is known, remove L[i, i−kd … i−1]·x[i] (BandCholeskyFactorization.Solve).
    for (int i = N - 1; i >= 0; i--)
    {
        if (t == 0) b[i] /= GX_BAND(a, KD, i, i);
        __syncthreads();
        for (int r = max(0, i - kd) + t; r < i; r += blockDim.x) b[r] -= GX_BAND(a, KD, i, r) * b[i];
        __syncthreads();
    }
    for (int r = t; r < N; r += blockDim.x) f[gx_unknown_at(r, NF, NW)] = b[r];
}

// The kept fibers' diagonal blocks C_bb of C = iCov⁻¹ by selected inversion of the band factor, never forming
// C (BandCholeskyFactorization.InverseBlock): for fiber b's index set S (S[c] = c·NF + b, c < NW), X = L⁻¹·E_S
// row by row, X[i, :] = (E_S[i, :] − Σ_k L[i, k]·X[k, :]) / L[i, i] over the kd rows k before i, where row i
// is nonzero only in its first p_i = #{c : S[c] ≤ i} columns and column c only from row S[c] on; and
// C_bb = Xᵀ·X = Σ_i X[i, :]ᵀ·X[i, :] accumulated as the rows come. Only the last kd+1 rows of X are kept
// (a ring in shared memory). One block per problem (patch, kept fiber); the block is written column-major with
// both triangles, as the batched eigh reads it; a patch not solved here gets the identity (kept finite for the
// eigh; its bins come from STATUS_EMPTY or the CPU). Dynamic shared memory: ((KD+2)·NW + NW·NW) doubles.
extern "C" __global__ void band_inverse_blocks(
    const int* __restrict__ patches, const int* __restrict__ problems, const int* __restrict__ status,
    int N, int NW, int KD, const int* __restrict__ bandwidth, const double* __restrict__ band, double* __restrict__ blocks)
{
    GX_DYNAMIC_SHARED(double, ring);
    const int q = blockIdx.x;
    const int p = problems[2 * q], a = problems[2 * q + 1];
    const int* d = patches + p * P_FIELDS;
    const int NF = N / NW, fiber = d[P_KEEP_OFFSET] + a, R = KD + 2;
    const unsigned t = threadIdx.x;
    double* out = blocks + (gx_i64)q * NW * NW;
    if (status[p] != STATUS_OK)
    {
        for (int e = t; e < NW * NW; e += blockDim.x) out[e] = e % (NW + 1) == 0 ? 1.0 : 0.0;
        return;
    }
    const int kd = min(bandwidth[p], KD);
    const double* l = band + (gx_i64)p * N * (KD + 1);
    double* gram = ring + R * NW;
    for (int e = t; e < NW * NW; e += blockDim.x) gram[e] = 0.0;

    for (int i = fiber; i < N; i++)
    {
        // Row i of X into ring slot i mod R: rows i−kd … i−1 are still there (R ≥ kd + 2), and the slot it
        // overwrites (row i − R) is read by nobody any more.
        const int pi = min(NW, (i - fiber) / NF + 1);
        double* xi = ring + (i % R) * NW;
        const double lii = GX_BAND(l, KD, i, i);
        for (int c = t; c < NW; c += blockDim.x)
        {
            double v = 0.0;
            if (c < pi)
            {
                const int sc = c * NF + fiber;
                v = sc == i ? 1.0 : 0.0;
                for (int k = max(i - kd, sc); k < i; k++) v -= GX_BAND(l, KD, i, k) * ring[(k % R) * NW + c];
                v /= lii;
            }
            xi[c] = v;
        }
        __syncthreads();
        // Xᵀ·X += X[i, :]ᵀ·X[i, :] (lower triangle). The next row's X may be formed meanwhile: it writes another
        // slot, and the barrier after it orders this sum before the next one.
        for (int e = t; e < pi * pi; e += blockDim.x)
        {
            int u = e / pi, v = e % pi;
            if (v <= u) gram[u * NW + v] += xi[u] * xi[v];
        }
    }
    __syncthreads();
    for (int e = t; e < NW * NW; e += blockDim.x)
    {
        int u = e % NW, v = e / NW;
        out[e] = u >= v ? gram[u * NW + v] : gram[v * NW + u];
    }
}
