// Every spot of a frame in one launch: one block per (fiber, grid wavelength).
// Mirrors GpuExtract.Core.Psf.GaussHermitePsf.EvaluateSpots / GaussHermiteSpot.Render (the reference's
// GaussHermitePSF._xypix then PSF.xypix), HermiteIntegrals.Evaluate, ErrorFunction.Erf (vector form) and
// Legendre.Basis / TraceSet.EvaluateMany, in the same order of operations.
#include "common.cuh"

#define SPOT_SIGMA_X 0
#define SPOT_SIGMA_Y 1
#define SPOT_TAIL_AMP 2
#define SPOT_TAIL_CORE 3
#define SPOT_TAIL_XSCALE 4
#define SPOT_TAIL_YSCALE 5
#define SPOT_TAIL_INDEX 6
#define SPOT_GH_FIRST 7

// Legendre argument u = (x − min)·(2/(max − min)) − 1 (Legendre.Argument, bit for bit).
__device__ __forceinline__ double legendre_argument(double x, double lo, double hi)
{
    return (x - lo) * (2.0 / (hi - lo)) - 1.0;
}

// Σ_k c_k·P_k(u) by the basis recurrence (Legendre.Basis then EvaluateMany: c0, then += c_k·P_k).
__device__ double legendre_series(const double* c, int ncoef, double u)
{
    double sum = c[0];
    if (ncoef == 1) return sum;
    double lower = 1.0, p = u;
    sum += c[1] * p;
    for (int k = 1; k + 1 < ncoef; k++)
    {
        double next = ((2 * k + 1) * u * p - k * lower) / (k + 1);
        lower = p;
        p = next;
        sum += c[k + 1] * p;
    }
    return sum;
}

// erf(z) given e^(−z²), Cody's three rational pieces (ErrorFunction.Erf(Vector256, Vector256) per lane).
__device__ double erf_given_gauss(double z, double expMinusZ2)
{
    const double A0 = 3.16112374387056560e00, A1 = 1.13864154151050156e02, A2 = 3.77485237685302021e02;
    const double A3 = 3.20937758913846947e03, A4 = 1.85777706184603153e-1;
    const double B0 = 2.36012909523441209e01, B1 = 2.44024637934444173e02, B2 = 1.28261652607737228e03;
    const double B3 = 2.84423683343917062e03;
    const double C0 = 5.64188496988670089e-1, C1 = 8.88314979438837594e00, C2 = 6.61191906371416295e01;
    const double C3 = 2.98635138197400131e02, C4 = 8.81952221241769090e02, C5 = 1.71204761263407058e03;
    const double C6 = 2.05107837782607147e03, C7 = 1.23033935479799725e03, C8 = 2.15311535474403846e-8;
    const double D0 = 1.57449261107098347e01, D1 = 1.17693950891312499e02, D2 = 5.37181101862009858e02;
    const double D3 = 1.62138957456669019e03, D4 = 3.29079923573345963e03, D5 = 4.36261909014324716e03;
    const double D6 = 3.43936767414372164e03, D7 = 1.23033935480374942e03;
    const double P0 = 3.05326634961232344e-1, P1 = 3.60344899949804439e-1, P2 = 1.25781726111229246e-1;
    const double P3 = 1.60837851487422766e-2, P4 = 6.58749161529837803e-4, P5 = 1.63153871373020978e-2;
    const double Q0 = 2.56852019228982242e00, Q1 = 1.87295284992346725e00, Q2 = 5.27905102951428412e-1;
    const double Q3 = 6.05183413124413191e-2, Q4 = 2.33520497626869185e-3;
    const double InverseSqrtPi = 5.6418958354775628695e-1;

    double y = fabs(z);
    if (y <= 0.46875)
    {
        double s = z * z;
        double num = fma(fma(fma(fma(A4, s, A0), s, A1), s, A2), s, A3);
        double den = fma(fma(fma(s + B0, s, B1), s, B2), s, B3);
        return z * num / den;
    }
    double erfc;
    if (y <= 4.0)
    {
        double num = fma(C8, y, C0);
        num = fma(num, y, C1);
        num = fma(num, y, C2);
        num = fma(num, y, C3);
        num = fma(num, y, C4);
        num = fma(num, y, C5);
        num = fma(num, y, C6);
        num = fma(num, y, C7);
        double den = y + D0;
        den = fma(den, y, D1);
        den = fma(den, y, D2);
        den = fma(den, y, D3);
        den = fma(den, y, D4);
        den = fma(den, y, D5);
        den = fma(den, y, D6);
        den = fma(den, y, D7);
        erfc = expMinusZ2 * (num / den);
    }
    else
    {
        double w = 1.0 / (y * y);
        double num = fma(fma(fma(fma(fma(P5, w, P0), w, P1), w, P2), w, P3), w, P4);
        double den = fma(fma(fma(fma(w + Q0, w, Q1), w, Q2), w, Q3), w, Q4);
        erfc = expMinusZ2 * ((InverseSqrtPi - w * num / den) / y);
    }
    double big = (0.5 - erfc) + 0.5;
    return z < 0 ? -big : big;
}

// Antiderivatives F_m at one pixel edge t (HermiteIntegrals.Evaluate): F_0 = ½·erf(t/√2), F_1 = −φ(t),
// F_m = −He_{m−1}(t)·φ(t); written to f[m·stride] for m = 0 … degree.
__device__ void hermite_antiderivatives(double t, int degree, double* f, int stride)
{
    const double InverseSqrtTwoPi = 0.398942280401432677939946059934;
    const double Sqrt2 = 1.41421356237309504880168872421;
    double gauss = exp(-0.5 * t * t);
    f[0] = 0.5 * erf_given_gauss(t / Sqrt2, gauss);
    if (degree == 0) return;
    double phi = gauss * InverseSqrtTwoPi;
    f[stride] = -phi;
    double heLower = 1.0, he = t;
    for (int m = 2; m <= degree; m++)
    {
        f[m * stride] = -he * phi;
        double next = t * he - (double)(m - 1) * heLower;
        heLower = he;
        he = next;
    }
}

// Bytes of dynamic shared memory evaluate_spots needs (SpotEvaluation.SharedBytes computes the same).
// Layout (doubles): basis[ncoef] params[nparam] fx[(degx+1)(cols+1)] fy[(degy+1)(rows+1)] t[(degy+1)·cols]
// image[rows·cols] scratch[blockDim].

// One spot per block. Spot s = (fiber index f, grid index g), s = f·ngrid + g, is written to
// values[s·rows·cols …] (CCD-clipped stamp at the top left, row stride cols, rest 0) and its clipped origin
// and size to xmin/ymin/srows/scols. rows = 2·HSIZEY+1, cols = 2·HSIZEX+1.
// xcoef [nfiber, ncx], ycoef [nfiber, ncy]: trace Legendre coefficients over [xlo, xhi] and [ylo, yhi];
// pcoef [nfiber, ncp, nparam]: parameter coefficients over [wlo, whi] (layout SPOT_*);
// coverage [nfiber, 2]: wavelengths where the trace enters and leaves the CCD.
extern "C" __global__ void evaluate_spots(
    const double* __restrict__ grid, int ngrid, int nfiber,
    const double* __restrict__ xcoef, int ncx, double xlo, double xhi,
    const double* __restrict__ ycoef, int ncy, double ylo, double yhi,
    const double* __restrict__ pcoef, int ncp, int nparam, double wlo, double whi,
    const double* __restrict__ coverage,
    int halfx, int halfy, int degx, int degy, int npixx, int npixy,
    double* __restrict__ values, int* __restrict__ xmin, int* __restrict__ ymin,
    int* __restrict__ srows, int* __restrict__ scols)
{
    GX_DYNAMIC_SHARED(double, shared);
    __shared__ double centre[2];
    __shared__ int box[4];   // xlo, ylo, nx, ny
    __shared__ int empty[2]; // 1 when the spot is not covered (phase 0) or off the CCD (phase 1)

    const int rows = 2 * halfy + 1, cols = 2 * halfx + 1;
    double* basis = shared;
    double* params = basis + ncp;
    double* fx = params + nparam;
    double* fy = fx + (degx + 1) * (cols + 1);
    double* tmat = fy + (degy + 1) * (rows + 1);
    double* image = tmat + (degy + 1) * cols;
    double* scratch = image + rows * cols;

    gx_i64 s = (gx_i64)blockIdx.x + (gx_i64)blockIdx.y * gridDim.x;
    if (s >= (gx_i64)nfiber * ngrid) return;
    int f = (int)(s / ngrid);
    int g = (int)(s % ngrid);
    double wave = grid[g];
    double* stamp = values + s * rows * cols;
    unsigned t = threadIdx.x;

    if (t == 0)
    {
        empty[0] = 0;
        if (wave < coverage[2 * f])
        {
            empty[0] = 1; xmin[s] = 0; ymin[s] = 0; srows[s] = 0; scols[s] = 0;
        }
        else if (wave > coverage[2 * f + 1])
        {
            empty[0] = 1; xmin[s] = 0; ymin[s] = npixy; srows[s] = 0; scols[s] = 0;
        }
        else
        {
            centre[0] = legendre_series(xcoef + f * ncx, ncx, legendre_argument(wave, xlo, xhi));
            centre[1] = legendre_series(ycoef + f * ncy, ncy, legendre_argument(wave, ylo, yhi));
            // PSF parameter basis P_k(u) (Legendre.Basis recurrence).
            double u = legendre_argument(wave, wlo, whi);
            basis[0] = 1.0;
            if (ncp > 1) basis[1] = u;
            for (int k = 1; k + 1 < ncp; k++)
            {
                basis[k + 1] = ((2 * k + 1) * u * basis[k] - k * basis[k - 1]) / (k + 1);
            }
        }
    }
    __syncthreads();
    if (empty[0] != 0)
    {
        for (int i = t; i < rows * cols; i += blockDim.x) stamp[i] = 0.0;
        return;
    }

    // Parameters: Σ_c coefficient[f, c, p]·basis[c] (GaussHermitePsf.EvaluateParameters, fused).
    for (int p = t; p < nparam; p += blockDim.x)
    {
        const double* c = pcoef + (gx_i64)f * ncp * nparam + p;
        double acc = c[0] * basis[0];
        for (int k = 1; k < ncp; k++) acc = fma(c[k * nparam], basis[k], acc);
        params[p] = acc;
    }
    if (t == 0)
    {
        double x = centre[0], y = centre[1];
        int state = 0, ex = 0, ey = 0;
        int xl = 0, xh = 0, yl = 0, yh = 0;
        if (!gx_finite(x) || !gx_finite(y) || fabs(x) > 1e9 || fabs(y) > 1e9)
        {
            state = 1;
        }
        else
        {
            // Truncation toward zero, as the reference's int() (GaussHermiteSpot.Render).
            xl = (int)(x - halfx + 0.5);
            xh = (int)(x + halfx + 1.5);
            yl = (int)(y - halfy + 0.5);
            yh = (int)(y + halfy + 1.5);
            if (yl >= npixy) { state = 1; ey = npixy; }
            else if (yh < 0) { state = 1; }
            else if (xl >= npixx) { state = 1; ex = npixx; }
            else if (xh <= 0) { state = 1; }
        }
        if (state != 0)
        {
            xmin[s] = ex; ymin[s] = ey; srows[s] = 0; scols[s] = 0;
        }
        box[0] = xl; box[1] = yl; box[2] = xh - xl; box[3] = yh - yl; empty[1] = state;
    }
    __syncthreads();
    if (empty[1] != 0)
    {
        for (int i = t; i < rows * cols; i += blockDim.x) stamp[i] = 0.0;
        return;
    }
    const double x = centre[0], y = centre[1];
    const int xl = box[0], yl = box[1], nx = box[2], ny = box[3];
    const double sigx = params[SPOT_SIGMA_X], sigy = params[SPOT_SIGMA_Y];

    // Antiderivatives at the nx+1 column edges and ny+1 row edges.
    for (int e = t; e < (nx + 1) + (ny + 1); e += blockDim.x)
    {
        if (e <= nx)
        {
            double edge = e < nx ? (double)(xl + e) - x - 0.5 : ((double)(xl + nx - 1) - x - 0.5) + 1.0;
            hermite_antiderivatives(edge / sigx, degx, fx + e, cols + 1);
        }
        else
        {
            int r = e - (nx + 1);
            double edge = r < ny ? (double)(yl + r) - y - 0.5 : ((double)(yl + ny - 1) - y - 0.5) + 1.0;
            hermite_antiderivatives(edge / sigy, degy, fy + r, rows + 1);
        }
    }
    __syncthreads();

    // T[j, c] = Σ_i GH-i-j·Px[i, c], Px[i, c] = F_i(edge c+1) − F_i(edge c).
    for (int q = t; q < (degy + 1) * nx; q += blockDim.x)
    {
        int j = q / nx, c = q % nx;
        const double* gh = params + SPOT_GH_FIRST + j * (degx + 1);
        double acc = 0.0;
        for (int i = 0; i <= degx; i++)
        {
            double px = fx[i * (cols + 1) + c + 1] - fx[i * (cols + 1) + c];
            acc = fma(gh[i], px, acc);
        }
        tmat[j * cols + c] = acc;
    }
    __syncthreads();

    // image[r, c] = Σ_j Py[j, r]·T[j, c] plus the tail, negatives clipped to 0.
    const double tailAmp = params[SPOT_TAIL_AMP];
    const double core2 = params[SPOT_TAIL_CORE] * params[SPOT_TAIL_CORE];
    const double xScale = params[SPOT_TAIL_XSCALE], yScale = params[SPOT_TAIL_YSCALE];
    const double power = 1 + params[SPOT_TAIL_INDEX] / 2.0;
    double partial = 0.0;
    for (int q = t; q < ny * nx; q += blockDim.x)
    {
        int r = q / nx, c = q % nx;
        double acc = 0.0;
        for (int j = 0; j <= degy; j++)
        {
            double py = fy[j * (rows + 1) + r + 1] - fy[j * (rows + 1) + r];
            acc = fma(py, tmat[j * cols + c], acc);
        }
        if (tailAmp != 0)
        {
            double dy = ((double)(yl + r) - y) * yScale;
            double dx = ((double)(xl + c) - x) * xScale;
            double r2 = dx * dx + dy * dy;
            acc += tailAmp * r2 / pow(core2 + r2, power);
        }
        double v = acc > 0.0 ? acc : 0.0;
        image[r * cols + c] = v;
        partial += v;
    }
    double scale = 1.0 / gx_block_sum(partial, scratch);

    // Cut to the CCD after normalising, as the reference's PSF.xypix.
    int c0 = 0, c1 = nx, r0 = 0, r1 = ny;
    if (xl < 0) c0 = -xl; else if (xl + nx > npixx) c1 = npixx - xl;
    if (yl < 0) r0 = -yl; else if (yl + ny > npixy) r1 = npixy - yl;
    int outRows = r1 - r0, outCols = c1 - c0;
    if (outRows <= 0 || outCols <= 0) outRows = outCols = 0;
    if (t == 0)
    {
        xmin[s] = xl + c0; ymin[s] = yl + r0; srows[s] = outRows; scols[s] = outCols;
    }
    for (int q = t; q < rows * cols; q += blockDim.x)
    {
        int r = q / cols, c = q % cols;
        stamp[q] = (r < outRows && c < outCols) ? image[(r + r0) * cols + c + c0] * scale : 0.0;
    }
}
