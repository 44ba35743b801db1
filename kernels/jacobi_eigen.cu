// Batched symmetric eigensolver: cyclic two-sided Jacobi in parallel (round-robin tournament) order, one thread
// block per matrix, the matrix and its eigenvectors in shared memory. What the device pipeline uses for the
// per-fiber blocks (n ≈ 74) when cuSOLVER lacks cusolverDnXsyevBatched; the host side is
// GpuExtract.Cuda.Device.JacobiBlockEigensolver. Its result has the layout of LAPACK's dsyevd/ssyevd (and of
// cusolverDnXsyevBatched): eigenvalues ascending, eigenvector k in column k of the column-major matrix it
// overwrites; eigenvector signs are not normalised (neither are LAPACK's).
//
// Method (Golub & Van Loan, "Matrix Computations", 4th ed., §8.5.2 symmetric Schur decomposition and §8.5.5
// parallel Jacobi): a sweep is m − 1 rounds (m = n rounded up to even) of m/2 rotations on disjoint index pairs,
// so every pair (p, q) is rotated once per sweep. Because a round's pairs are disjoint, the round's combined
// rotation G is block diagonal and A ← GᵀAG splits into independent 2 × 2 blocks: one thread per block, no
// conflicts, one barrier per phase. A rotation is skipped when |a_pq| ≤ ε·√(|a_pp|·|a_qq|) (the relative
// threshold of Demmel & Veselić 1992, which keeps small eigenvalues of positive definite blocks accurate);
// sweeps stop when the off-diagonal Frobenius norm is ≤ tol·‖A‖_F, or after a sweep that rotated nothing.
// An odd n gets one decoupled zero row and column (never rotated: its a_pq are exactly 0) that is dropped.
//
// Shared memory: 2·m² values of the precision (A and V) + 2·(m/2) rotation values + m ints + GX_BLOCK doubles,
// see JacobiBlockEigensolver.SharedBytes. info: 0 converged, 1 not converged within GX_JACOBI_MAX_SWEEPS sweeps
// or a non-finite value (the pipeline then solves the patch on the CPU, as for a failed Cholesky).
#include "common.cuh"

#define GX_JACOBI_MAX_SWEEPS 40

template <typename T> struct gx_jacobi_traits;
template <> struct gx_jacobi_traits<double> { static __device__ __forceinline__ double eps() { return 2.220446049250313e-16; } };
template <> struct gx_jacobi_traits<float> { static __device__ __forceinline__ float eps() { return 1.1920929e-07f; } };

// Pair k (0 ≤ k < m/2) of round r (0 ≤ r < m − 1) of the round-robin order over 0 … m − 1: pair 0 is
// (r, m − 1), pair k ≥ 1 is ((r + k) mod (m − 1), (r − k) mod (m − 1)). Over the m − 1 rounds every unordered
// pair occurs exactly once (m − 1 is odd, so i + j ≡ 2r has one solution r), and a round's pairs are disjoint.
__device__ __forceinline__ void gx_jacobi_pair(int m, int r, int k, int* p, int* q)
{
    if (k == 0)
    {
        *p = r;
        *q = m - 1;
        return;
    }
    int a = (r + k) % (m - 1);
    int b = (r - k + (m - 1)) % (m - 1);
    *p = a < b ? a : b;
    *q = a < b ? b : a;
}

template <typename T>
__device__ void gx_jacobi_eigen(int n, T* __restrict__ matrices, T* __restrict__ eigenvalues, int* __restrict__ info, double tol)
{
    __shared__ int rotated;
    __shared__ int finite;
    int m = n + (n & 1);
    int h = m / 2;
    unsigned t = threadIdx.x;
    unsigned threads = blockDim.x;
    GX_DYNAMIC_SHARED(double, shared);
    double* scratch = shared;                                  // GX_BLOCK doubles (block reductions)
    int* rank = reinterpret_cast<int*>(scratch + threads);     // m ints
    T* a = reinterpret_cast<T*>(rank + m);                     // m × m, a[i·m + j] (m is even: 8-byte aligned)
    T* v = a + (gx_i64)m * m;                                  // m × m, v[i·m + k] = component i of vector k
    T* cs = v + (gx_i64)m * m;                                 // h cosines, then h sines
    T* sn = cs + h;
    T* source = matrices + (gx_i64)blockIdx.x * n * n;

    // Load the lower triangle (column-major: A[i, j] = source[i + j·n], i ≥ j) as a full symmetric matrix.
    double local = 0;
    bool ok = true;
    for (int e = t; e < m * m; e += threads)
    {
        int i = e / m, j = e % m;
        T x = 0;
        if (i < n && j < n)
        {
            x = i >= j ? source[i + (gx_i64)j * n] : source[j + (gx_i64)i * n];
        }
        ok = ok && gx_finite((double)x);
        a[e] = x;
        v[e] = i == j ? (T)1 : (T)0;
        local += (double)x * (double)x;
    }
    if (t == 0)
    {
        rotated = 1;
        finite = 1;
    }
    __syncthreads();
    if (!ok) finite = 0;
    double norm = sqrt(gx_block_sum(local, scratch));
    bool converged = false;
    int sweep = 0;
    if (finite)
    {
        for (;; sweep++)
        {
            int any = rotated;
            local = 0;
            for (int e = t; e < m * m; e += threads)
            {
                if (e / m != e % m) local += (double)a[e] * (double)a[e];
            }
            double off = sqrt(gx_block_sum(local, scratch));
            if (off <= tol * norm || !any)
            {
                converged = true;
                break;
            }
            if (sweep == GX_JACOBI_MAX_SWEEPS) break;
            if (t == 0) rotated = 0;
            __syncthreads();
            for (int r = 0; r < m - 1; r++)
            {
                // The rotation of each pair (Golub & Van Loan's sym.schur2): J = [c s; −s c] in rows and columns
                // p, q zeroes a_pq of JᵀAJ.
                for (int k = t; k < h; k += threads)
                {
                    int p, q;
                    gx_jacobi_pair(m, r, k, &p, &q);
                    T apq = a[p * m + q], app = a[p * m + p], aqq = a[q * m + q];
                    T c = 1, s = 0;
                    if (apq != 0 && fabs(apq) > gx_jacobi_traits<T>::eps() * sqrt(fabs(app)) * sqrt(fabs(aqq)))
                    {
                        T theta = (aqq - app) / (2 * apq);
                        T tn = (theta >= 0 ? (T)1 : (T)-1) / (fabs(theta) + sqrt(1 + theta * theta));
                        c = 1 / sqrt(1 + tn * tn);
                        s = tn * c;
                        rotated = 1;
                    }
                    cs[k] = c;
                    sn[k] = s;
                }
                __syncthreads();
                // A ← GᵀAG by 2 × 2 blocks (pair K's rows, pair L's columns), each written with its transpose.
                for (int e = t; e < h * h; e += threads)
                {
                    int K = e / h, L = e % h;
                    if (L < K) continue;
                    int p1, q1, p2, q2;
                    gx_jacobi_pair(m, r, K, &p1, &q1);
                    gx_jacobi_pair(m, r, L, &p2, &q2);
                    T c1 = cs[K], s1 = sn[K];
                    if (K == L)
                    {
                        if (s1 != 0)
                        {
                            // The pair's own block becomes diagonal: a_pp − t·a_pq, a_qq + t·a_pq, 0 (t = s/c).
                            T apq = a[p1 * m + q1];
                            T tn = s1 / c1;
                            a[p1 * m + p1] -= tn * apq;
                            a[q1 * m + q1] += tn * apq;
                            a[p1 * m + q1] = 0;
                            a[q1 * m + p1] = 0;
                        }
                        continue;
                    }
                    T c2 = cs[L], s2 = sn[L];
                    if (s1 == 0 && s2 == 0) continue;
                    T b00 = a[p1 * m + p2], b01 = a[p1 * m + q2], b10 = a[q1 * m + p2], b11 = a[q1 * m + q2];
                    // X = J_Kᵀ·B, then B' = X·J_L.
                    T x00 = c1 * b00 - s1 * b10, x01 = c1 * b01 - s1 * b11;
                    T x10 = s1 * b00 + c1 * b10, x11 = s1 * b01 + c1 * b11;
                    T y00 = c2 * x00 - s2 * x01, y01 = s2 * x00 + c2 * x01;
                    T y10 = c2 * x10 - s2 * x11, y11 = s2 * x10 + c2 * x11;
                    a[p1 * m + p2] = y00; a[p2 * m + p1] = y00;
                    a[p1 * m + q2] = y01; a[q2 * m + p1] = y01;
                    a[q1 * m + p2] = y10; a[p2 * m + q1] = y10;
                    a[q1 * m + q2] = y11; a[q2 * m + q1] = y11;
                }
                // V ← V·G: columns p, q of every row.
                for (int e = t; e < m * h; e += threads)
                {
                    int i = e / h, k = e % h;
                    T s = sn[k];
                    if (s == 0) continue;
                    T c = cs[k];
                    int p, q;
                    gx_jacobi_pair(m, r, k, &p, &q);
                    T vp = v[i * m + p], vq = v[i * m + q];
                    v[i * m + p] = c * vp - s * vq;
                    v[i * m + q] = s * vp + c * vq;
                }
                __syncthreads();
            }
        }
    }
    // Ascending order: eigenvalue i goes to place rank(i) (ties broken by index, so the places are distinct).
    for (int i = t; i < n; i += threads)
    {
        T d = a[i * m + i];
        int place = 0;
        for (int j = 0; j < n; j++)
        {
            T e = a[j * m + j];
            place += e < d || (e == d && j < i);
        }
        rank[i] = place;
        eigenvalues[(gx_i64)blockIdx.x * n + place] = d;
    }
    __syncthreads();
    for (int e = t; e < n * n; e += threads)
    {
        int k = e / n, i = e % n; // column k of V (row i) goes to column rank[k] of the output
        source[i + (gx_i64)rank[k] * n] = v[i * m + k];
    }
    if (t == 0) info[blockIdx.x] = converged && finite ? 0 : 1;
}

// One block per matrix (grid = count, block = GX_BLOCK threads), shared memory as above; float64.
extern "C" __global__ void jacobi_eigen_f64(int n, double* __restrict__ matrices, double* __restrict__ eigenvalues, int* __restrict__ info, double tol)
{
    gx_jacobi_eigen<double>(n, matrices, eigenvalues, info, tol);
}

// As jacobi_eigen_f64 in float32 (matrices and eigenvalues float; the norms for the stopping test in float64).
extern "C" __global__ void jacobi_eigen_f32(int n, float* __restrict__ matrices, float* __restrict__ eigenvalues, int* __restrict__ info, double tol)
{
    gx_jacobi_eigen<float>(n, matrices, eigenvalues, info, tol);
}
