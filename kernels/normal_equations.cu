// The normal equations of a batch of patches, straight from the frame's spots (DESIGN §1.5 point 1), into
// padded dense N × N column-major matrices (one per patch; N = NFmax·NW, unknown j = fiber·NW + wavelength).
// Mirrors GpuExtract.Cpu.Extraction.PatchStamps.Load/ClipSpots, NormalEquations.Accumulate and
// NormalEquations.Regularize.
#include "common.cuh"

// Pixels of the frame: weight 0 and value 0 where the pixel is unusable (PatchStamps.LoadPixels: weight or
// value non-finite, or weight 0), in place over the uploaded IMAGE and weights.
extern "C" __global__ void clean_pixels(float* __restrict__ image, float* __restrict__ weight, gx_i64 count)
{
    gx_i64 i = (gx_i64)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= count) return;
    double w = weight[i], v = image[i];
    bool usable = gx_finite(w) && gx_finite(v) && w != 0;
    weight[i] = usable ? weight[i] : 0.0f;
    image[i] = usable ? image[i] : 0.0f;
}

// Each unknown's spot clipped to its patch's pixel box (PatchStamps.ClipSpots): rect[(p·N + j)·4 + 0..3] =
// (x0, y0, width, height) in CCD coordinates, width = height = 0 when the spot misses the box or j is padding;
// spot[p·N + j] = the spot's index in the frame's table (−1 for padding). Grid (⌈N/block⌉, P).
extern "C" __global__ void clip_stamps(
    const int* __restrict__ patches, int N, int NW, int ngrid,
    const int* __restrict__ sxmin, const int* __restrict__ symin, const int* __restrict__ srows, const int* __restrict__ scols,
    int* __restrict__ rect, int* __restrict__ spot)
{
    int p = blockIdx.y;
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= N) return;
    const int* d = patches + p * P_FIELDS;
    int i = j / NW, k = j % NW;
    int* r = rect + ((gx_i64)p * N + j) * 4;
    if (i >= d[P_NFIBER] || k >= d[P_NWAVE])
    {
        r[0] = 0; r[1] = 0; r[2] = 0; r[3] = 0;
        spot[(gx_i64)p * N + j] = -1;
        return;
    }
    int s = (d[P_FIBER] + i) * ngrid + d[P_WAVE] + k;
    int x0 = max(sxmin[s], d[P_XMIN]);
    int x1 = min(sxmin[s] + scols[s], d[P_XMAX]);
    int y0 = max(symin[s], d[P_YMIN]);
    int y1 = min(symin[s] + srows[s], d[P_YMAX]);
    spot[(gx_i64)p * N + j] = s;
    if (x1 <= x0 || y1 <= y0)
    {
        r[0] = 0; r[1] = 0; r[2] = 0; r[3] = 0;
        return;
    }
    r[0] = x0; r[1] = y0; r[2] = x1 - x0; r[3] = y1 - y0;
}

// Column j of iCov = Aᵀ W A (both triangles, since every column is written), and y_j = Σ w·s_j·p,
// fluxweight_j = Σ w·s_j over the clipped stamp. iCov[j, m] = Σ over the overlap of the clipped stamps of
// (w·s_lo)·s_hi with lo = min(j, m), hi = max(j, m): the CPU's product order, so the matrix is exactly
// symmetric. Padding columns are zero here; regularize_patches sets their diagonal. Grid (N, P).
extern "C" __global__ void normal_equations(
    const int* __restrict__ patches, int N, int NW, int npixx,
    const double* __restrict__ spotValues, const int* __restrict__ sxmin, const int* __restrict__ symin, int stampRows, int stampCols,
    const float* __restrict__ image, const float* __restrict__ weight,
    const int* __restrict__ rect, const int* __restrict__ spot,
    double* __restrict__ icov, double* __restrict__ y, double* __restrict__ fluxWeight)
{
    __shared__ double scratch[GX_BLOCK];
    int j = blockIdx.x, p = blockIdx.y;
    unsigned t = threadIdx.x;
    const gx_i64 slot = (gx_i64)stampRows * stampCols;
    double* column = icov + ((gx_i64)p * N + j) * N;
    const int* rj = rect + ((gx_i64)p * N + j) * 4;
    const int sj = spot[(gx_i64)p * N + j];
    const int jx0 = rj[0], jy0 = rj[1], jw = rj[2], jh = rj[3];

    // Right-hand side and fluxweight over j's clipped stamp.
    double sumWeighted = 0.0, sumPixels = 0.0;
    gx_stamp_sums(t, blockDim.x, jx0, jy0, jw, jh, spotValues + sj * slot, sxmin[sj], symin[sj], stampCols, image, weight, npixx,
        sumWeighted, sumPixels);
    sumWeighted = gx_block_sum(sumWeighted, scratch);
    sumPixels = gx_block_sum(sumPixels, scratch);
    if (t == 0)
    {
        fluxWeight[(gx_i64)p * N + j] = sumWeighted;
        y[(gx_i64)p * N + j] = sumPixels;
    }

    for (int m = t; m < N; m += blockDim.x)
    {
        double sum = 0.0;
        const int* rm = rect + ((gx_i64)p * N + m) * 4;
        int x0 = max(jx0, rm[0]), x1 = min(jx0 + jw, rm[0] + rm[2]);
        int y0 = max(jy0, rm[1]), y1 = min(jy0 + jh, rm[1] + rm[3]);
        if (jw > 0 && rm[2] > 0 && x1 > x0 && y1 > y0)
        {
            int sm = spot[(gx_i64)p * N + m];
            int lo = j <= m ? sj : sm, hi = j <= m ? sm : sj;
            const double* vlo = spotValues + lo * slot;
            const double* vhi = spotValues + hi * slot;
            for (int Y = y0; Y < y1; Y++)
            {
                const double* rowLo = vlo + (Y - symin[lo]) * stampCols;
                const double* rowHi = vhi + (Y - symin[hi]) * stampCols;
                const float* w = weight + (gx_i64)Y * npixx;
                for (int X = x0; X < x1; X++)
                {
                    sum += ((double)w[X] * rowLo[X - sxmin[lo]]) * rowHi[X - sxmin[hi]];
                }
            }
        }
        column[m] = sum;
    }
}

// Where unknown j's diagonal lies in its patch's iCov: KD < 0, the dense N × N matrix of the dense solver; KD ≥ 0,
// the N × (KD+1) wavelength-major lower band of the band solver (kernels/band.cu), at the end of row
// pos(j) = (j % NW)·NF + j / NW.
__device__ __forceinline__ gx_i64 gx_diagonal_at(int j, int N, int NW, int KD)
{
    return KD < 0 ? (gx_i64)j * (N + 1) : ((gx_i64)(j % NW) * (N / NW) + j / NW) * (KD + 1) + KD;
}

// Per patch (one block each): the reference's regularisation (NormalEquations.Regularize) on the diagonal,
// r_j = minweight − fluxweight_j where fluxweight_j < minweight (= 1e-4·max fluxweight), else `regularize`;
// the padding unknowns' diagonal set to c = the largest diagonal of the patch's own unknowns (c ≤ λmax of iCov
// and 1/c ≤ λmax of every block of iCov⁻¹, so padding never changes an eigenvalue clipping threshold); and a
// patch with no usable pixel (max fluxweight not > 0) marked STATUS_EMPTY with iCov = I, y = 0. On either
// storage of iCov (gx_diagonal_at): KD < 0 for the dense solver, the band's half-width for the band solver.
extern "C" __global__ void regularize_patches(
    const int* __restrict__ patches, int N, int NW, int KD, double regularize,
    double* __restrict__ icov, double* __restrict__ y, const double* __restrict__ fluxWeight, int* __restrict__ status)
{
    __shared__ double scratch[GX_BLOCK];
    int p = blockIdx.x;
    unsigned t = threadIdx.x;
    const int* d = patches + p * P_FIELDS;
    const int nf = d[P_NFIBER], nw = d[P_NWAVE];
    const gx_i64 size = KD < 0 ? (gx_i64)N * N : (gx_i64)N * (KD + 1);
    double* a = icov + p * size;
    const double* fw = fluxWeight + (gx_i64)p * N;

    double maxWeight = gx_patch_max_fluxweight(d, N, NW, fw, scratch);
    if (!(maxWeight > 0))
    {
        const gx_i64 stride = KD < 0 ? N + 1 : KD + 1, first = KD < 0 ? 0 : KD;
        for (gx_i64 q = t; q < size; q += blockDim.x) a[q] = q % stride == first ? 1.0 : 0.0;
        for (int j = t; j < N; j += blockDim.x) y[(gx_i64)p * N + j] = 0.0;
        if (t == 0) status[p] = STATUS_EMPTY;
        return;
    }
    double minWeight = 1e-4 * maxWeight;
    double largest = 0.0;
    for (int j = t; j < N; j += blockDim.x)
    {
        if (j / NW < nf && j % NW < nw)
        {
            double r = fw[j] < minWeight ? minWeight - fw[j] : regularize;
            double diagonal = a[gx_diagonal_at(j, N, NW, KD)] + r * r;
            a[gx_diagonal_at(j, N, NW, KD)] = diagonal;
            largest = gx_max_nan(largest, diagonal);
        }
    }
    largest = gx_block_max(largest, scratch);
    double pad = gx_finite(largest) && largest > 0 ? largest : 1.0;
    for (int j = t; j < N; j += blockDim.x)
    {
        if (!(j / NW < nf && j % NW < nw)) a[gx_diagonal_at(j, N, NW, KD)] = pad;
    }
    if (t == 0) status[p] = STATUS_OK;
}
