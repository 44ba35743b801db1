using GpuExtract.Core.Extraction;
using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;

namespace GpuExtract.Cuda.Pipeline;

/// <summary>
/// Counts the work of the device pipeline on one frame, without a device: per stage (<see cref="DeviceStage"/>) the
/// floating-point operations, the DRAM bytes moved and the time those imply at H100 SXM rates, for the band solver
/// (the CPU's algorithm on the device: normal equations straight into a wavelength-major band, band Cholesky, band
/// solve, selected inverse of the kept fibers' diagonal blocks) and for the dense cuSOLVER solver of
/// <see cref="BatchSolver"/>, with the patches padded per batch as the device pads them (<see cref="PatchGroups"/>,
/// <see cref="BatchLayout"/>: N = NF·NW, NF the batch's fiber count, NW its largest wavelength count).
/// </summary>
/// <remarks>
/// FLOPs count a multiply and an add as 2. The counts per stage, per batch of P patches, Q kept-fiber problems, R kept
/// bins (output rows), m = NW (signal decorrelation) or N (noise decorrelation):
/// <list type="bullet">
/// <item>Spots (frame): <see cref="SpotFlopsPerPixel"/> per stamp pixel of every spot of the frame (as DeviceFrame counts it).</item>
/// <item>NormalEquations (both solvers): 2 × Σ overlap pixels of the box-clipped stamps over the pairs (j, m) with
/// pos(m) ≤ pos(j), the diagonal included, + 4 × Σ box-clipped stamp pixels (y and fluxweight); this is what the CPU's
/// NormalEquations.Accumulate sums (it visits each unordered overlapping pair once, and each stamp with itself).</item>
/// <item>Cholesky, band: N·kd_p² (factor) + 4·N·kd_p (solve), kd_p the patch's exact half-bandwidth in wavelength-major
/// order pos(i, k) = k·NF + i over pairs whose box-clipped stamps overlap (what bounds the loops); dense: N³/3 + 2N².</item>
/// <item>Inverse (signal decorrelation only), band: the selected inverse of the kept fibers' diagonal blocks,
/// <see cref="SelectedInverseFlops"/>; dense: L⁻¹ by trsm on the identity N³ per patch, Gram 2·Q·NW²·N.</item>
/// <item>Eigen: 9·m³ per block, Q blocks of NW (signal) or P of N (noise).</item>
/// <item>Resolution: 4·Q·m² + 2·R·diagonals·m.</item>
/// <item>Diagnostics: 2 × Σ box-clipped stamp pixels (model) + 12 per box pixel + 6 per box-clipped stamp pixel of the
/// kept bins.</item>
/// </list>
/// Bytes are an estimate of DRAM traffic, each array counted once per pass over it (caches assumed to serve the
/// repeated reads within a pass, e.g. a neighbour's stamp read again for every overlap): stamps 8 B per box-clipped
/// stamp pixel read once per patch per kernel that reads them; image and weight 4 B each per box pixel; the band
/// storage N·(KD+1) doubles written by the normal equations (zeros included), then N·(kd_p+1) doubles (the part the
/// loops touch) read and written by the factor, read twice by the solve and once per kept fiber by the selected
/// inverse; a dense N² matrix read and written once per cuSOLVER/cuBLAS pass (potrf 1, potrs 2 reads, trsm: the
/// identity written, L read, the right-hand side read and written); blocks and eigenvectors m² read and written once.
/// Time of a stage = max(FLOPs / its FLOP rate, bytes / <see cref="MemoryBytesPerSecond"/>): our kernels at
/// <see cref="KernelFlopsPerSecond"/>, the dense solver's cuSOLVER/cuBLAS calls (potrf, potrs, trsm, Gram) at
/// <see cref="LibraryFlopsPerSecond"/> (generous to dense), the eigh at the kernel rate (neither our Jacobi kernel nor
/// syevBatched runs on the tensor cores).
/// </remarks>
public static class DeviceWorkModel
{
    /// <summary>H100 SXM FP64 rate of vector FMA, our own CUDA C kernels [FLOP/s].</summary>
    public const double KernelFlopsPerSecond = 34e12;

    /// <summary>H100 SXM FP64 tensor-core rate, taken for every cuBLAS/cuSOLVER dense call [FLOP/s].</summary>
    public const double LibraryFlopsPerSecond = 67e12;

    /// <summary>H100 SXM HBM3 bandwidth [B/s].</summary>
    public const double MemoryBytesPerSecond = 3.35e12;

    /// <summary>Nominal device memory of one batch (an 80 GB H100) [B]; the eigensolver's workspace is left out.</summary>
    public const long NominalBatchBudgetBytes = 80_000_000_000;

    /// <summary>
    /// FLOPs evaluate_spots (kernels/spots.cu) spends on one spot of <paramref name="psf"/>, counted from its
    /// operations, with exp at 20, the erf approximation at 25 and pow at 40 FLOPs: the trace centre and the Legendre
    /// basis (5 per coefficient), the model parameters (an FMA per coefficient), the Hermite antiderivatives at the
    /// cols + 1 and rows + 1 pixel edges (exp, erf and 5 per degree), the x integrals of every column (a subtraction
    /// and an FMA per GH term), then per pixel the y sum (3 per GH degree), the tail where the PSF has one, the
    /// clamp, the block sum and the normalisation. DeviceFrame books the spots stage with it.
    /// </summary>
    public static double SpotFlops(GaussHermitePsf psf)
    {
        ArgumentNullException.ThrowIfNull(psf);
        GaussHermitePsfCoefficients c = psf.Coefficients;
        int degx = c.GhDegX, degy = c.GhDegY, rows = psf.StampRows, cols = psf.StampCols;
        int ncp = c.Parameters["GHSIGX"].GetLength(1);
        int nparam = 7 + (degx + 1) * (degy + 1);
        bool tails = c.Parameters.TryGetValue("TAILAMP", out double[,]? amplitude) && amplitude.Cast<double>().Any(v => v != 0);
        double centre = 5.0 * (c.XTrace.GetLength(1) + c.YTrace.GetLength(1) + ncp);
        double parameters = 2.0 * ncp * nparam;
        double edges = (cols + 1) * (45.0 + 5 * degx) + (rows + 1) * (45.0 + 5 * degy);
        double columns = 3.0 * (degy + 1) * (degx + 1) * cols;
        double pixel = 3.0 * (degy + 1) + 3 + (tails ? 50 : 0);
        return centre + parameters + edges + columns + (double)rows * cols * pixel;
    }

    /// <summary>Most patches per batch, as the CUDA backend cuts them by default.</summary>
    public static readonly int MaxBatchPatches = new CudaBackendOptions { FallbackBackend = () => throw new NotSupportedException() }.MaxBatchPatches;

    /// <summary>
    /// What the count needs of a frame: its patches, the geometry of every spot (spot (fiber, g) at index
    /// (fiber − FiberStart)·GridCount + g, rectangles clipped to the CCD as <see cref="SpotTable"/> holds them),
    /// the stamp size, the resolution half-width and the decorrelation mode.
    /// </summary>
    public sealed record FrameGeometry
    {
        public required PatchBatch Patches { get; init; }

        /// <summary>First fiber (absolute number) of the spot geometry.</summary>
        public required int FiberStart { get; init; }

        public required int FiberCount { get; init; }

        public required int GridCount { get; init; }

        /// <summary>Full stamp size [pixels].</summary>
        public required int StampRows { get; init; }

        public required int StampCols { get; init; }

        /// <summary>Spot origins and sizes [pixel]; shape [FiberCount·GridCount] each.</summary>
        public required int[] SpotXMin { get; init; }

        public required int[] SpotYMin { get; init; }

        public required int[] SpotRows { get; init; }

        public required int[] SpotCols { get; init; }

        /// <summary>ndiag: resolution diagonals on each side of the main one.</summary>
        public required int HalfDiagonals { get; init; }

        public required bool DecorrelateFibers { get; init; }

        /// <summary>FLOPs of one spot's evaluation (<see cref="DeviceWorkModel.SpotFlops"/>).</summary>
        public required double SpotFlops { get; init; }

        /// <summary>
        /// The geometry of an extraction of <paramref name="psf"/> with <paramref name="options"/>: the patches as
        /// FrameExtraction plans them, and every spot's rectangle evaluated on the host (a few fibers at a time, so that
        /// the stamp values of the whole frame are never held at once).
        /// </summary>
        public static FrameGeometry Plan(GaussHermitePsf psf, ExtractionOptions options, int threads = 0)
        {
            ArgumentNullException.ThrowIfNull(psf);
            ArgumentNullException.ThrowIfNull(options);
            PatchPlan plan = PatchPlanner.Plan(psf, options);
            int ngrid = plan.GridWavelengths.Length;
            long spots = (long)options.NSpec * ngrid;
            var xmin = new int[spots];
            var ymin = new int[spots];
            var rows = new int[spots];
            var cols = new int[spots];
            // About 128 MB of stamp values per chunk.
            int chunk = (int)Math.Clamp(16_000_000 / ((long)ngrid * psf.StampRows * psf.StampCols), 1, options.NSpec);
            for (int first = 0; first < options.NSpec; first += chunk)
            {
                int count = Math.Min(chunk, options.NSpec - first);
                SpotTable table = psf.EvaluateSpots(options.SpecMin + first, count, plan.GridWavelengths, threads);
                int offset = first * ngrid;
                table.XMin.CopyTo(xmin, offset);
                table.YMin.CopyTo(ymin, offset);
                table.Rows.CopyTo(rows, offset);
                table.Cols.CopyTo(cols, offset);
            }
            return new FrameGeometry
            {
                Patches = plan.Patches,
                FiberStart = options.SpecMin,
                FiberCount = options.NSpec,
                GridCount = ngrid,
                StampRows = psf.StampRows,
                StampCols = psf.StampCols,
                SpotXMin = xmin,
                SpotYMin = ymin,
                SpotRows = rows,
                SpotCols = cols,
                HalfDiagonals = plan.HalfDiagonals,
                DecorrelateFibers = options.DecorrelateFibers,
                SpotFlops = SpotFlops(psf),
            };
        }
    }

    /// <summary>One stage's work: FLOPs, DRAM bytes [B] and the FLOP rate it runs at [FLOP/s].</summary>
    public sealed record StageWork(DeviceStage Stage, double Flops, double Bytes, double FlopsPerSecond)
    {
        /// <summary>max(FLOPs / rate, bytes / HBM bandwidth) [s].</summary>
        public double Seconds => Math.Max(Flops / FlopsPerSecond, Bytes / MemoryBytesPerSecond);

        /// <summary>Whether the memory traffic, not the arithmetic, sets <see cref="Seconds"/>.</summary>
        public bool MemoryBound => Bytes / MemoryBytesPerSecond > Flops / FlopsPerSecond;
    }

    /// <summary>One solver's work on the frame.</summary>
    public sealed record SolverWork
    {
        /// <summary>"band" or "dense".</summary>
        public required string Name { get; init; }

        /// <summary>Every stage from Spots to Diagnostics, in pipeline order.</summary>
        public required IReadOnlyList<StageWork> Stages { get; init; }

        /// <summary>Device memory per patch of the batch with the largest N, as the batch layout allocates it [B].</summary>
        public required long BytesPerPatch { get; init; }

        /// <summary>Patches of that size that fit in <see cref="NominalBatchBudgetBytes"/>.</summary>
        public long PatchesPerBudget => BytesPerPatch > 0 ? NominalBatchBudgetBytes / BytesPerPatch : 0;

        public double Flops => Stages.Sum(s => s.Flops);

        public double Bytes => Stages.Sum(s => s.Bytes);

        public double Seconds => Stages.Sum(s => s.Seconds);

        /// <summary>FLOPs of every stage but the spots (the part the CPU backend's patch statistics count).</summary>
        public double FlopsExcludingSpots => Stages.Where(s => s.Stage != DeviceStage.Spots).Sum(s => s.Flops);

        /// <summary>The stage that takes the most modelled time.</summary>
        public StageWork Dominant => Stages.MaxBy(s => s.Seconds)!;

        public StageWork this[DeviceStage stage] => Stages.First(s => s.Stage == stage);
    }

    /// <summary>The model of one frame: both solvers, and the figures of the padding and the band behind them.</summary>
    public sealed record FrameWork
    {
        /// <summary>The band solver, or null when the frame's reach is undefined (spots out of y order): the device then solves it dense.</summary>
        public required SolverWork? Band { get; init; }

        public required SolverWork Dense { get; init; }

        /// <summary>The batches, each a list of patch indices.</summary>
        public required IReadOnlyList<int[]> Batches { get; init; }

        /// <summary>D of <see cref="SpotReach.Compute"/> [grid steps]; null when undefined.</summary>
        public required int? Reach { get; init; }

        /// <summary>F, the largest fiber count of any patch.</summary>
        public required int FiberSpan { get; init; }

        /// <summary>Per patch: its own unknowns (FiberCount·WaveCount).</summary>
        public required int[] Unknowns { get; init; }

        /// <summary>Per patch: N of its batch (padded).</summary>
        public required int[] PaddedUnknowns { get; init; }

        /// <summary>Per patch: KD = min((D+1)·NF − 1, N − 1) of its batch (N − 1 when D is undefined).</summary>
        public required int[] BandHalfWidth { get; init; }

        /// <summary>Per patch: kd_p, the largest |pos(j) − pos(m)| over pairs of unknowns whose box-clipped stamps overlap.</summary>
        public required int[] PatchHalfBandwidth { get; init; }

        /// <summary>The solver the device uses by default: band, unless the reach is undefined.</summary>
        public SolverWork Default => Band ?? Dense;
    }

    /// <summary>
    /// The work of <paramref name="frame"/> on the device, its patches cut into <paramref name="batches"/> (default: as
    /// <see cref="PatchGroups.Cut"/> cuts them with <see cref="NominalBatchBudgetBytes"/> and <see cref="MaxBatchPatches"/>).
    /// </summary>
    public static FrameWork Estimate(FrameGeometry frame, IReadOnlyList<int[]>? batches = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        PatchBatch patches = frame.Patches;
        int diagonals = 2 * frame.HalfDiagonals + 1;
        bool noise = frame.DecorrelateFibers;
        int fiberSpan = 1, maxUnknowns = 0, maxKept = 0, maxRows = 0;
        long maxPixels = 0;
        for (int p = 0; p < patches.Count; p++)
        {
            fiberSpan = Math.Max(fiberSpan, patches.FiberCount[p]);
            maxUnknowns = Math.Max(maxUnknowns, patches.UnknownCount(p));
            maxKept = Math.Max(maxKept, patches.KeepFiberCount[p]);
            maxRows = Math.Max(maxRows, patches.KeepFiberCount[p] * patches.CoreCount[p]);
            maxPixels = Math.Max(maxPixels, patches.Box(p).PixelCount);
        }
        int? reach = SpotReach.Compute(frame.SpotXMin, frame.SpotYMin, frame.SpotRows, frame.SpotCols, frame.FiberCount, frame.GridCount, fiberSpan);
        batches ??= PatchGroups.Cut(patches, NominalBatchBudgetBytes, MaxBatchPatches, diagonals, noise, (_, _) => 0);

        var band = new StageSums(KernelFlopsPerSecond, KernelFlopsPerSecond);
        var dense = new StageSums(LibraryFlopsPerSecond, KernelFlopsPerSecond);
        double spotCount = (double)frame.FiberCount * frame.GridCount;
        double spotFlops = frame.SpotFlops * spotCount;
        double spotBytes = spotCount * (frame.StampRows * frame.StampCols * 8.0 + 4 * sizeof(int));
        band.Add(DeviceStage.Spots, spotFlops, spotBytes);
        dense.Add(DeviceStage.Spots, spotFlops, spotBytes);

        var unknowns = new int[patches.Count];
        var padded = new int[patches.Count];
        var halfWidth = new int[patches.Count];
        var bandwidth = new int[patches.Count];
        var scan = new PatchScan(maxUnknowns);
        long bandBytesPerPatch = 0, denseBytesPerPatch = 0;
        int largestN = -1;
        foreach (int[] members in batches)
        {
            int nf = 0, nw = 0, q = 0, rows = 0;
            foreach (int p in members)
            {
                nf = Math.Max(nf, patches.FiberCount[p]);
                nw = Math.Max(nw, patches.WaveCount[p]);
                q += patches.KeepFiberCount[p];
                rows += patches.KeepFiberCount[p] * patches.CoreCount[p];
            }
            int n = nf * nw;
            int kd = reach is int d ? (int)Math.Min((long)(d + 1) * nf - 1, n - 1) : n - 1;
            double N = n, NW = nw, m = noise ? N : NW;
            double width = kd + 1;
            int count = members.Length;

            foreach (int p in members)
            {
                scan.Measure(frame, p, nf, reach);
                if (scan.HalfBandwidth > kd)
                {
                    throw new InvalidOperationException(
                        $"patch {p}: half-bandwidth {scan.HalfBandwidth} exceeds the band storage's KD = {kd} (reach {reach}, NF {nf})");
                }
                unknowns[p] = patches.UnknownCount(p);
                padded[p] = n;
                halfWidth[p] = kd;
                bandwidth[p] = scan.HalfBandwidth;
                int keep = patches.KeepFiberCount[p];
                int patchRows = keep * patches.CoreCount[p];
                double kdp = scan.HalfBandwidth;
                double boxPixels = patches.Box(p).PixelCount;

                // Normal equations: stamps read once, image and weight (float32) over the box, y and fluxweight written,
                // the spot rectangles read and the clipped ones written (4 + 5 int32 per unknown), then the matrix written.
                double normalFlops = 2.0 * scan.OverlapPixels + 4.0 * scan.StampPixels;
                double normalBytes = 8.0 * scan.StampPixels + 8.0 * boxPixels + 2 * 8.0 * N + 9 * 4.0 * N;
                band.Add(DeviceStage.NormalEquations, normalFlops, normalBytes + 8.0 * N * width + (noise ? 8.0 * N * N : 0));
                dense.Add(DeviceStage.NormalEquations, normalFlops, normalBytes + 8.0 * N * N + (noise ? 2 * 8.0 * N * N : 0));

                // Cholesky and solve: the band factor reads and writes the kd_p + 1 diagonals it loops over, the solve reads them twice.
                band.Add(DeviceStage.Cholesky, N * kdp * kdp + 4.0 * N * kdp, 8.0 * N * (kdp + 1) * 4 + 4 * 8.0 * N);
                if (!noise)
                {
                    band.Add(DeviceStage.Inverse, SelectedInverseFlops(nf, nw, scan.HalfBandwidth, patches.KeepFiberOffset[p], keep),
                        keep * 8.0 * N * (kdp + 1) + keep * 8.0 * NW * NW);
                }

                // Diagnostics: model over the box (stamps, f, image and weight read; model, chi2, counted, usable written),
                // then the kept bins' sums over their stamps (stamp values and three per-pixel arrays read; two outputs written).
                double diagnosticsFlops = 2.0 * scan.StampPixels + 12.0 * boxPixels + 6.0 * scan.KeptStampPixels;
                double diagnosticsBytes = 8.0 * scan.StampPixels + 8.0 * N + 8.0 * boxPixels + 4 * 8.0 * boxPixels
                    + 4 * 8.0 * scan.KeptStampPixels + 2 * 8.0 * patchRows;
                band.Add(DeviceStage.Diagnostics, diagnosticsFlops, diagnosticsBytes);
                dense.Add(DeviceStage.Diagnostics, diagnosticsFlops, diagnosticsBytes);
            }

            // Dense: potrf (one pass) and potrs (L read twice); L⁻¹ by trsm on the identity (identity written, L read, X read
            // and written), then the kept fibers' columns of X read for the Gram products and the blocks written.
            dense.Add(DeviceStage.Cholesky, count * (N * N * N / 3 + 2 * N * N), count * (4 * 8.0 * N * N + 4 * 8.0 * N));
            if (!noise)
            {
                dense.Add(DeviceStage.Inverse, count * N * N * N + 2.0 * q * NW * NW * N, count * 4 * 8.0 * N * N + q * 8.0 * (N * NW + NW * NW));
            }

            // Eigh of the blocks (read, vectors and values written); resolution reads each problem's vectors and values,
            // writes flux, ivar and the resolution band of each kept bin.
            double blocks = noise ? count : q;
            double eigenFlops = 9.0 * blocks * m * m * m;
            double eigenBytes = blocks * 8.0 * (2 * m * m + m);
            band.Add(DeviceStage.Eigen, eigenFlops, eigenBytes);
            dense.Add(DeviceStage.Eigen, eigenFlops, eigenBytes);
            if (q > 0)
            {
                double resolutionFlops = 4.0 * q * m * m + 2.0 * rows * diagonals * m;
                double resolutionBytes = q * 8.0 * (m * m + m) + rows * 8.0 * (2 + diagonals);
                band.Add(DeviceStage.Resolution, resolutionFlops, resolutionBytes);
                dense.Add(DeviceStage.Resolution, resolutionFlops, resolutionBytes);
            }

            if (n > largestN)
            {
                largestN = n;
                // What the backend budgets per patch: the band solver factors its band in place (the selected inverse
                // keeps its rows of X in shared memory); noise decorrelation's eigh still needs the dense iCov.
                denseBytesPerPatch = BatchLayout.BytesFor(1, nf, nw, maxKept, maxRows, maxPixels, diagonals, noise, DeviceSolver.Dense);
                bandBytesPerPatch = BatchLayout.BytesFor(1, nf, nw, maxKept, maxRows, maxPixels, diagonals, noise, DeviceSolver.Band, kd);
            }
        }

        return new FrameWork
        {
            Band = reach is null ? null : band.ToSolver("band", bandBytesPerPatch),
            Dense = dense.ToSolver("dense", denseBytesPerPatch),
            Batches = batches,
            Reach = reach,
            FiberSpan = fiberSpan,
            Unknowns = unknowns,
            PaddedUnknowns = padded,
            BandHalfWidth = halfWidth,
            PatchHalfBandwidth = bandwidth,
        };
    }

    /// <summary>
    /// FLOPs of the selected inverse of the diagonal blocks of fibers firstFiber … +count−1 of a wavelength-major band
    /// of n = nf·nw unknowns and half-bandwidth kd: for each fiber f, X = L⁻¹·E_f has p_i = ⌊(i − f)/nf⌋ + 1 nonzeros in
    /// row i ≥ f; row i costs 2·Σ p_k over the rows k ∈ [max(f, i − kd), i) (forward substitution), p_i (pivot) and
    /// p_i·(p_i + 1) (its share of the lower triangle of Xᵀ·X). The same count as the CPU's
    /// WavelengthMajorBand.InverseBlockFlops, here summed with closed-form prefix sums of p instead of a running window.
    /// </summary>
    public static double SelectedInverseFlops(int nf, int nw, int kd, int firstFiber, int count)
    {
        long n = (long)nf * nw;
        double flops = 0;
        for (int f = firstFiber; f < firstFiber + count; f++)
        {
            for (long i = f; i < n; i++)
            {
                long p = (i - f) / nf + 1;
                long window = PrefixNonzeros(i - f, nf) - PrefixNonzeros(Math.Max(0, i - kd - f), nf);
                flops += 2.0 * window + p + (double)p * (p + 1);
            }
        }
        return flops;
    }

    /// <summary>Σ_{u=0}^{t−1} (⌊u/nf⌋ + 1) = t + nf·a(a−1)/2 + r·a with a = ⌊t/nf⌋, r = t mod nf.</summary>
    private static long PrefixNonzeros(long t, int nf)
    {
        long a = t / nf, r = t % nf;
        return t + nf * a * (a - 1) / 2 + r * a;
    }

    /// <summary>Stage sums of one solver; Cholesky and Inverse at the solver's own rate, the rest at the kernel rate.</summary>
    private sealed class StageSums(double solveRate, double kernelRate)
    {
        private static readonly DeviceStage[] Order =
            [DeviceStage.Spots, DeviceStage.NormalEquations, DeviceStage.Cholesky, DeviceStage.Inverse, DeviceStage.Eigen, DeviceStage.Resolution, DeviceStage.Diagnostics];

        private readonly double[] _flops = new double[Enum.GetValues<DeviceStage>().Length];
        private readonly double[] _bytes = new double[Enum.GetValues<DeviceStage>().Length];

        public void Add(DeviceStage stage, double flops, double bytes)
        {
            _flops[(int)stage] += flops;
            _bytes[(int)stage] += bytes;
        }

        public SolverWork ToSolver(string name, long bytesPerPatch) => new()
        {
            Name = name,
            Stages = Order.Select(s => new StageWork(s, _flops[(int)s], _bytes[(int)s],
                s is DeviceStage.Cholesky or DeviceStage.Inverse ? solveRate : kernelRate)).ToArray(),
            BytesPerPatch = bytesPerPatch,
        };
    }

    /// <summary>
    /// One patch's stamps clipped to its box (as the CPU's PatchStamps.ClipSpots clips them) and what the count needs of
    /// them: stamp pixels, those of the kept bins, overlap pixels over the lower band, and kd_p. Scratch sized once.
    /// </summary>
    private sealed class PatchScan(int capacity)
    {
        private readonly int[] _x0 = new int[capacity], _x1 = new int[capacity], _y0 = new int[capacity], _y1 = new int[capacity];

        public long StampPixels { get; private set; }

        public long KeptStampPixels { get; private set; }

        public long OverlapPixels { get; private set; }

        public int HalfBandwidth { get; private set; }

        /// <summary>
        /// Measures patch <paramref name="p"/> with unknown (i, k) at pos = k·<paramref name="nf"/> + i. With a reach D,
        /// only wavelengths within D of each other are compared (box clipping only shrinks the CCD-clipped rectangles D was
        /// found on, and the patch's fibers are closer than F); without one, every pair.
        /// </summary>
        public void Measure(FrameGeometry frame, int p, int nf, int? reach)
        {
            PatchBatch patches = frame.Patches;
            PixelBox box = patches.Box(p);
            int fibers = patches.FiberCount[p], nw = patches.WaveCount[p];
            int keepLo = patches.KeepFiberOffset[p], keepHi = keepLo + patches.KeepFiberCount[p];
            int coreLo = patches.CoreOffset[p], coreHi = coreLo + patches.CoreCount[p];
            long stampPixels = 0, keptPixels = 0;
            for (int i = 0; i < fibers; i++)
            {
                int spotRow = (patches.FiberStart[p] - frame.FiberStart + i) * frame.GridCount + patches.WaveStart[p];
                for (int k = 0; k < nw; k++)
                {
                    int spot = spotRow + k, j = i * nw + k;
                    int x0 = Math.Max(frame.SpotXMin[spot], box.XMin);
                    int x1 = Math.Min(frame.SpotXMin[spot] + frame.SpotCols[spot], box.XMax);
                    int y0 = Math.Max(frame.SpotYMin[spot], box.YMin);
                    int y1 = Math.Min(frame.SpotYMin[spot] + frame.SpotRows[spot], box.YMax);
                    if (x1 <= x0 || y1 <= y0)
                    {
                        (x0, x1, y0, y1) = (0, 0, 0, 0);
                    }
                    (_x0[j], _x1[j], _y0[j], _y1[j]) = (x0, x1, y0, y1);
                    long area = (long)(x1 - x0) * (y1 - y0);
                    stampPixels += area;
                    if (i >= keepLo && i < keepHi && k >= coreLo && k < coreHi)
                    {
                        keptPixels += area;
                    }
                }
            }

            int window = reach ?? nw;
            long overlap = 0;
            int halfBandwidth = 0;
            for (int i = 0; i < fibers; i++)
            {
                for (int k = 0; k < nw; k++)
                {
                    int j = i * nw + k;
                    if (_x1[j] == _x0[j])
                    {
                        continue;
                    }
                    int kEnd = Math.Min(nw - 1, k + window);
                    for (int k2 = k; k2 <= kEnd; k2++)
                    {
                        // Each unordered pair once: later wavelengths of every fiber, and at the same wavelength fibers ≥ i.
                        for (int i2 = k2 == k ? i : 0; i2 < fibers; i2++)
                        {
                            int m = i2 * nw + k2;
                            int w = Math.Min(_x1[j], _x1[m]) - Math.Max(_x0[j], _x0[m]);
                            int h = Math.Min(_y1[j], _y1[m]) - Math.Max(_y0[j], _y0[m]);
                            if (w <= 0 || h <= 0)
                            {
                                continue;
                            }
                            overlap += (long)w * h;
                            halfBandwidth = Math.Max(halfBandwidth, Math.Abs((k2 - k) * nf + i2 - i));
                        }
                    }
                }
            }
            StampPixels = stampPixels;
            KeptStampPixels = keptPixels;
            OverlapPixels = overlap;
            HalfBandwidth = halfBandwidth;
        }
    }
}
