// Flux, ivar and the resolution band of each kept fiber of each patch, from the eigen-decomposition of the
// decorrelating matrix's square: per-fiber blocks C_bb of iCov⁻¹ (signal decorrelation, Q_bb = C_bb^(−½)) or
// the whole iCov (noise decorrelation, Q = iCov^(½)). Mirrors GpuExtract.Cpu.Extraction.PatchSolver.
// DecorrelateSignal / DecorrelateNoise / WriteBin / SanitizeBand / WriteEmptyBins,
// ResolutionMatrix.Decorrelate / BandColumn and EigenCompose.InverseSqrt / Sqrt (the reference's clipping).
#include "common.cuh"

// 10 · float64 machine epsilon, the reference's clipping threshold (EigenCompose.Threshold).
#define CLIP_THRESHOLD (10.0 * 2.220446049250313e-16)

// One block per problem q = (patch p, kept fiber a) = problems[2q], problems[2q+1].
// mode 0 (signal): vectors = the q-th NW × NW block (eigenvectors in columns), eigenvalues the q-th NW values;
//                  the block's own rows are 0 … nw−1 (the rest is padding).
// mode 1 (noise):  vectors = patch p's N × N eigenvectors of iCov, eigenvalues its N values; the fiber's rows
//                  are (keep offset + a)·NW + 0 … nw−1, and only those appear in R's band (the reference keeps
//                  each fiber's own diagonal block).
// flux/fluxWeight: per patch, N values (deconvolved f, padded layout). Outputs are written at output row
// P_OUTPUT + a·coreCount + c. Dynamic shared memory: (3·m + 2·NW) doubles, m = NW (signal) or N (noise).
extern "C" __global__ void resolution_bins(
    int mode, const int* __restrict__ patches, const int* __restrict__ problems, const int* __restrict__ status,
    int N, int NW, int halfDiagonals,
    const double* __restrict__ vectors, const double* __restrict__ eigenvalues,
    const double* __restrict__ flux, const double* __restrict__ fluxWeight,
    double* __restrict__ outFlux, double* __restrict__ outIvar, double* __restrict__ outResolution)
{
    GX_DYNAMIC_SHARED(double, shared);
    __shared__ double scratch[GX_BLOCK];
    const int q = blockIdx.x;
    const int p = problems[2 * q], a = problems[2 * q + 1];
    const int* d = patches + p * P_FIELDS;
    const int nf = d[P_NFIBER], nw = d[P_NWAVE];
    const int fiber = d[P_KEEP_OFFSET] + a;
    const int coreOffset = d[P_CORE_OFFSET], coreCount = d[P_CORE_COUNT];
    const int diagonals = 2 * halfDiagonals + 1;
    const gx_i64 firstRow = (gx_i64)d[P_OUTPUT] + (gx_i64)a * coreCount;
    const unsigned t = threadIdx.x;
    const int st = status[p];
    if (st == STATUS_FAILED) return;
    if (st == STATUS_EMPTY)
    {
        for (int c = t; c < coreCount; c += blockDim.x)
        {
            outFlux[firstRow + c] = 0.0;
            outIvar[firstRow + c] = 0.0;
            for (int b = 0; b < diagonals; b++) outResolution[(firstRow + c) * diagonals + b] = b == halfDiagonals ? 1.0 : 0.0;
        }
        return;
    }

    const bool noise = mode == 1;
    const int m = noise ? N : NW;
    const double* v = noise ? vectors + (gx_i64)p * N * N : vectors + (gx_i64)q * NW * NW;
    const double* lambda = noise ? eigenvalues + (gx_i64)p * N : eigenvalues + (gx_i64)q * NW;
    const int rowStart = noise ? fiber * NW : 0;       // first row of the fiber in v
    const double* f = flux + (gx_i64)p * N;
    const double* fw = fluxWeight + (gx_i64)p * N + fiber * NW;
    const gx_i64 fOffset = noise ? 0 : fiber * NW;       // f index of v's row 0
    double* dscale = shared;
    double* u = dscale + m;
    double* g = u + m;
    double* rowSum = g + m;
    double* convolved = rowSum + NW;

    // Clipped scales d (EigenCompose.InverseSqrt for signal, EigenCompose.Sqrt for noise).
    double largest = -__longlong_as_double(0x7ff0000000000000LL);
    for (int k = t; k < m; k += blockDim.x) largest = gx_max_nan(largest, lambda[k]);
    largest = gx_block_max(largest, scratch);
    double minValue = sqrt(largest) * CLIP_THRESHOLD;
    for (int k = t; k < m; k += blockDim.x)
    {
        double l = lambda[k];
        if (noise)
        {
            dscale[k] = l > minValue ? sqrt(l) : minValue;
        }
        else
        {
            double root = sqrt(l);
            dscale[k] = root > minValue ? 1.0 / root : 1.0 / minValue;
        }
    }
    __syncthreads();

    // u = d∘(Vᵀ·1) and g = d∘(Vᵀ·f) over the patch's own rows (ResolutionMatrix.Decorrelate).
    for (int k = t; k < m; k += blockDim.x)
    {
        const double* column = v + (gx_i64)k * m;
        double su = 0.0, sg = 0.0;
        for (int l = 0; l < m; l++)
        {
            bool own = noise ? (l / NW < nf && l % NW < nw) : l < nw;
            if (!own) continue;
            su += column[l];
            sg += column[l] * f[fOffset + l];
        }
        u[k] = su * dscale[k];
        g[k] = sg * dscale[k];
    }
    __syncthreads();

    // s_i = (V·u)_i and (R·f)_i = (V·g)_i / s_i for the fiber's rows.
    for (int i = t; i < nw; i += blockDim.x)
    {
        int r = rowStart + i;
        double s = 0.0, qf = 0.0;
        for (int k = 0; k < m; k++)
        {
            double vik = v[(gx_i64)k * m + r];
            s += vik * u[k];
            qf += vik * g[k];
        }
        rowSum[i] = s;
        convolved[i] = qf / s;
    }
    __syncthreads();

    // Flux and ivar of the kept bins (PatchSolver.WriteBin).
    for (int c = t; c < coreCount; c += blockDim.x)
    {
        int k = coreOffset + c;
        double ivar = fw[k] == 0 ? 0.0 : rowSum[k] * rowSum[k];
        double value = convolved[k];
        if (!gx_finite(value) || !gx_finite(ivar))
        {
            value = 0.0;
            ivar = 0.0;
        }
        outFlux[firstRow + c] = value;
        outIvar[firstRow + c] = ivar;
    }

    // Band entries R[r, col] = Σ_k V[r,k]·d_k·V[col,k] / s_r for r within the fiber's rows (BandColumn).
    for (int e = t; e < coreCount * diagonals; e += blockDim.x)
    {
        int c = e / diagonals, b = e % diagonals;
        int k = coreOffset + c;
        int r = k - halfDiagonals + b;
        double value = 0.0;
        if (r >= 0 && r < nw)
        {
            double sum = 0.0;
            for (int l = 0; l < m; l++)
            {
                sum += v[(gx_i64)l * m + rowStart + r] * (dscale[l] * v[(gx_i64)l * m + rowStart + k]);
            }
            value = sum / rowSum[r];
        }
        outResolution[(firstRow + c) * diagonals + b] = value;
    }
    __syncthreads();

    // A band with a non-finite entry becomes the identity column (PatchSolver.SanitizeBand).
    for (int c = t; c < coreCount; c += blockDim.x)
    {
        double* band = outResolution + (firstRow + c) * diagonals;
        bool finite = true;
        for (int b = 0; b < diagonals; b++) finite = finite && gx_finite(band[b]);
        if (!finite)
        {
            for (int b = 0; b < diagonals; b++) band[b] = b == halfDiagonals ? 1.0 : 0.0;
        }
    }
}
