// The model, chi2pix and pixmask fraction of each patch, as the reference's ex2d computes them. Mirrors
// GpuExtract.Cpu.Extraction.PatchDiagnostics.Model / PixelChi2 / StampSum / Chi2Pix and
// PatchSolver.WriteDiagnostics.
#include "common.cuh"

// Per box pixel of each patch: model = Σ_j f_j·s_j (unknowns in increasing j, non-finite f_j skipped), then
// modelivar = (model·psferr + 1e-32)⁻², totivar = 1/(1/modelivar + 1/w) where both > 0 (else 0),
// chi2 = (p − model)²·totivar, counted = [totivar > 0], usable = [w > 0]; written at P_PIXELS + row·width + x.
// A block handles one box row: it first finds, per fiber, the wavelengths whose clipped stamps cover that row
// (a stamp spans a few rows, so a handful per fiber), and each pixel then sums over those unknowns only
// instead of testing all N. Grid (rows of the tallest box, P); dynamic shared memory: N·4 + 2·NF ints (the
// patch's clipped stamps, then each fiber's first and last covering wavelength).
extern "C" __global__ void model_pixels(
    const int* __restrict__ patches, int N, int NW, int npixx, double psfError,
    const double* __restrict__ spotValues, const int* __restrict__ sxmin, const int* __restrict__ symin, int stampRows, int stampCols,
    const float* __restrict__ image, const float* __restrict__ weight,
    const int* __restrict__ rect, const int* __restrict__ spot, const double* __restrict__ flux,
    float* __restrict__ model, double* __restrict__ chi2, double* __restrict__ counted, double* __restrict__ usable)
{
    GX_DYNAMIC_SHARED(int, rects);
    const int row = blockIdx.x, p = blockIdx.y, NF = N / NW;
    const int* d = patches + p * P_FIELDS;
    const int width = d[P_XMAX] - d[P_XMIN], height = d[P_YMAX] - d[P_YMIN];
    if (row >= height || width <= 0) return;
    const gx_i64 slot = (gx_i64)stampRows * stampCols;
    int* first = rects + 4 * N;
    int* last = first + NF;
    for (int q = threadIdx.x; q < 4 * N; q += blockDim.x) rects[q] = rect[(gx_i64)p * N * 4 + q];
    __syncthreads();
    const int Y = d[P_YMIN] + row;
    for (int i = threadIdx.x; i < NF; i += blockDim.x)
    {
        int lo = NW, hi = -1;
        for (int k = 0; k < NW; k++)
        {
            const int* r = rects + 4 * (i * NW + k);
            if (r[2] > 0 && Y >= r[1] && Y < r[1] + r[3])
            {
                lo = min(lo, k);
                hi = k;
            }
        }
        first[i] = lo;
        last[i] = hi;
    }
    __syncthreads();
    const double* f = flux + (gx_i64)p * N;
    const int* spots = spot + (gx_i64)p * N;
    for (int c = threadIdx.x; c < width; c += blockDim.x)
    {
        const int X = d[P_XMIN] + c;
        double value = 0.0;
        for (int i = 0; i < NF; i++)
        {
            for (int j = i * NW + first[i]; j <= i * NW + last[i]; j++)
            {
                const int* r = rects + 4 * j;
                if (X < r[0] || X >= r[0] + r[2] || Y < r[1] || Y >= r[1] + r[3]) continue;
                double fj = f[j];
                if (!gx_finite(fj)) continue;
                int s = spots[j];
                value += fj * spotValues[s * slot + (Y - symin[s]) * stampCols + (X - sxmin[s])];
            }
        }
        gx_i64 pixel = (gx_i64)Y * npixx + X;
        double w = weight[pixel];
        double modelError = value * psfError + 1e-32;
        double modelIvar = 1.0 / (modelError * modelError);
        double totalIvar = modelIvar > 0 && w > 0 ? 1.0 / (1.0 / modelIvar + 1.0 / w) : 0.0;
        double residual = (double)image[pixel] - value;
        gx_i64 at = (gx_i64)d[P_PIXELS] + (gx_i64)row * width + c;
        model[at] = (float)value; // only downloaded: the model image is float32
        chi2[at] = totalIvar > 0 ? residual * residual * totalIvar : 0.0;
        counted[at] = totalIvar > 0 ? 1.0 : 0.0;
        usable[at] = w > 0 ? 1.0 : 0.0;
    }
}

// chi2pix and pixmask fraction of each kept bin: Σ s_j·chi2 / Σ s_j·counted (0 where the latter is 0) and
// 1 − Σ s_j·usable over the bin's clipped stamp; non-finite results become 0 and 1. Grid: one block per
// problem (patch, kept fiber), threads over its core bins.
extern "C" __global__ void bin_diagnostics(
    const int* __restrict__ patches, const int* __restrict__ problems, int N, int NW,
    const double* __restrict__ spotValues, const int* __restrict__ sxmin, const int* __restrict__ symin, int stampRows, int stampCols,
    const int* __restrict__ rect, const int* __restrict__ spot,
    const double* __restrict__ chi2, const double* __restrict__ counted, const double* __restrict__ usable,
    float* __restrict__ outChi2, double* __restrict__ outPixmask)
{
    const int q = blockIdx.x;
    const int p = problems[2 * q], a = problems[2 * q + 1];
    const int* d = patches + p * P_FIELDS;
    const int coreCount = d[P_CORE_COUNT];
    const int width = d[P_XMAX] - d[P_XMIN];
    const gx_i64 slot = (gx_i64)stampRows * stampCols;
    const gx_i64 firstRow = (gx_i64)d[P_OUTPUT] + (gx_i64)a * coreCount;
    for (int c = threadIdx.x; c < coreCount; c += blockDim.x)
    {
        int j = (d[P_KEEP_OFFSET] + a) * NW + d[P_CORE_OFFSET] + c;
        const int* r = rect + ((gx_i64)p * N + j) * 4;
        int s = spot[(gx_i64)p * N + j];
        double sumChi2 = 0.0, sumCounted = 0.0, sumUsable = 0.0;
        for (int Y = r[1]; Y < r[1] + r[3]; Y++)
        {
            const double* values = spotValues + s * slot + (Y - symin[s]) * stampCols;
            gx_i64 base = (gx_i64)d[P_PIXELS] + (gx_i64)(Y - d[P_YMIN]) * width - d[P_XMIN];
            for (int X = r[0]; X < r[0] + r[2]; X++)
            {
                double value = values[X - sxmin[s]];
                sumChi2 += value * chi2[base + X];
                sumCounted += value * counted[base + X];
                sumUsable += value * usable[base + X];
            }
        }
        double chi2pix = sumCounted == 0 ? 0.0 : sumChi2 / sumCounted;
        double pixmask = 1.0 - sumUsable;
        // chi2pix as float32, the frame file's type; the pixmask fraction stays float64 for its 1 − 1e-9 test.
        outChi2[firstRow + c] = (float)(gx_finite(chi2pix) ? chi2pix : 0.0);
        outPixmask[firstRow + c] = gx_finite(pixmask) ? pixmask : 1.0;
    }
}
