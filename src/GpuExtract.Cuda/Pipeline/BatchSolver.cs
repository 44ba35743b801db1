using GpuExtract.Core.Extraction;
using GpuExtract.Cuda.Device;

namespace GpuExtract.Cuda.Pipeline;

/// <summary>
/// Solves one batch of patches on the device (DESIGN §1.4 for one patch, §1.5 and §5 for the batching), everything
/// between the frame's spots and the per-patch outputs staying on the device. One method per stage, in the order
/// of DESIGN §1.4: normal equations (clipped stamps → fluxweight, iCov, y, regularisation and padding) → f by
/// batched Cholesky and solve → signal decorrelation: L⁻¹ by batched triangular solve and the kept fibers' blocks
/// C_bb = (L⁻¹)_bᵀ(L⁻¹)_b by batched products (noise decorrelation: a copy of iCov instead) → batched eigh of
/// those blocks → flux, ivar, resolution band → model, chi2pix, pixmask. Only the per-patch outputs come back.
/// A patch whose Cholesky (or eigh) fails is reported for the CPU, which redoes it with the reference's clipped eigh.
/// </summary>
internal sealed class BatchSolver(IComputeDevice device, DeviceFrame frame, DeviceStageTimes times)
{
    private const int Block = 128;

    /// <summary>
    /// Solves <paramref name="layout"/>'s patches of <paramref name="batch"/> into <paramref name="results"/> and
    /// returns the patches (indices into <paramref name="batch"/>) the CPU must solve instead.
    /// </summary>
    public List<int> Solve(PatchBatch batch, BatchLayout layout, PatchResults results)
    {
        using var arena = new DeviceArena(device);
        Buffers b = Allocate(arena, layout, results.DiagonalCount);
        NormalEquations(b);
        Cholesky(b);
        if (!b.Noise)
        {
            BlockInverse(arena, b);
        }
        Eigen(b);
        Resolution(b);
        Diagnostics(b);
        return DownloadAndScatter(b, batch, results);
    }

    /// <summary>The device buffers of one batch and its sizes.</summary>
    private sealed class Buffers
    {
        public required BatchLayout Layout { get; init; }
        public required bool Noise { get; init; }
        public required int Diagonals { get; init; }
        public int P => Layout.Count;
        public int N => Layout.N;
        public int NW => Layout.NW;
        public int Q => Layout.ProblemCount;
        public int R => Layout.OutputRows;
        public long MatrixBytes => (long)N * N * sizeof(double);

        /// <summary>Matrices eigen-decomposed: one per patch (noise decorrelation) or one per kept fiber.</summary>
        public int EigenCount => Noise ? P : Q;

        /// <summary>Their order: N (noise decorrelation) or NW.</summary>
        public int EigenN => Noise ? N : NW;

        public required DevicePointer Patches, Problems, Rect, Spot, Icov, Second, Y, FluxWeight, Status, Info, SolveInfo;
        public required DevicePointer Blocks, Eigenvalues, EigenInfo, Model, Chi2, Counted, Usable;
        public required DevicePointer OutFlux, OutIvar, OutChi2, OutPixmask, OutResolution;
        public required DevicePointer IcovArray, SecondArray, YArray;
    }

    /// <summary>Allocates the batch's buffers and uploads its descriptors, problems and pointer arrays.</summary>
    private Buffers Allocate(DeviceArena arena, BatchLayout layout, int diagonals)
    {
        long start = DeviceStageTimes.Now();
        bool noise = frame.Frame.DecorrelateFibers;
        int P = layout.Count, N = layout.N, NW = layout.NW, Q = layout.ProblemCount, R = layout.OutputRows;
        long matrixBytes = (long)N * N * sizeof(double);
        DevicePointer icov = arena.Allocate((long)P * N * N, sizeof(double));
        // L⁻¹ (signal decorrelation) or the iCov copy that eigh decomposes (noise decorrelation).
        DevicePointer second = arena.Allocate((long)P * N * N, sizeof(double));
        DevicePointer y = arena.Allocate((long)P * N, sizeof(double));
        var icovPointers = new ulong[P];
        var secondPointers = new ulong[P];
        var yPointers = new ulong[P];
        for (int i = 0; i < P; i++)
        {
            icovPointers[i] = icov.Offset(i * matrixBytes).Address;
            secondPointers[i] = second.Offset(i * matrixBytes).Address;
            yPointers[i] = y.Offset((long)i * N * sizeof(double)).Address;
        }
        int eigenCount = noise ? P : Q, eigenN = noise ? N : NW;
        var buffers = new Buffers
        {
            Layout = layout,
            Noise = noise,
            Diagonals = diagonals,
            Patches = arena.Upload<int>(layout.Descriptors),
            Problems = arena.Upload<int>(layout.Problems),
            Rect = arena.Allocate((long)P * N * 4, sizeof(int)),
            Spot = arena.Allocate((long)P * N, sizeof(int)),
            Icov = icov,
            Second = second,
            Y = y,
            FluxWeight = arena.Allocate((long)P * N, sizeof(double)),
            Status = arena.Allocate(P, sizeof(int)),
            Info = arena.Allocate(P, sizeof(int)),
            SolveInfo = arena.Allocate(P, sizeof(int)),
            Blocks = noise ? second : arena.Allocate((long)Q * NW * NW, sizeof(double)),
            Eigenvalues = arena.Allocate((long)eigenCount * eigenN, sizeof(double)),
            EigenInfo = arena.Allocate(eigenCount, sizeof(int)),
            Model = arena.Allocate(layout.Pixels, sizeof(double)),
            Chi2 = arena.Allocate(layout.Pixels, sizeof(double)),
            Counted = arena.Allocate(layout.Pixels, sizeof(double)),
            Usable = arena.Allocate(layout.Pixels, sizeof(double)),
            OutFlux = arena.Allocate(R, sizeof(double)),
            OutIvar = arena.Allocate(R, sizeof(double)),
            OutChi2 = arena.Allocate(R, sizeof(double)),
            OutPixmask = arena.Allocate(R, sizeof(double)),
            OutResolution = arena.Allocate((long)R * diagonals, sizeof(double)),
            IcovArray = arena.Upload<ulong>(icovPointers),
            SecondArray = arena.Upload<ulong>(secondPointers),
            YArray = arena.Upload<ulong>(yPointers),
        };
        times.Add(DeviceStage.Upload, start, 0);
        return buffers;
    }

    /// <summary>Clipped stamps, then fluxweight, iCov = AᵀWA and y = AᵀWp, then the regularisation and the padding.</summary>
    private void NormalEquations(Buffers b)
    {
        long start = DeviceStageTimes.Now();
        FrameInput input = frame.Frame;
        int ngrid = input.GridWavelengths.Length;
        device.Launch("clip_stamps", new Dim3((b.N + Block - 1) / Block, b.P), new Dim3(Block), 0, new KernelArguments()
            .Add(b.Patches).Add(b.N).Add(b.NW).Add(ngrid)
            .Add(frame.SpotXMin).Add(frame.SpotYMin).Add(frame.SpotRows).Add(frame.SpotCols)
            .Add(b.Rect).Add(b.Spot));
        device.Launch("normal_equations", new Dim3(b.N, b.P), new Dim3(Block), 0, new KernelArguments()
            .Add(b.Patches).Add(b.N).Add(b.NW).Add(input.NPixX)
            .Add(frame.SpotValues).Add(frame.SpotXMin).Add(frame.SpotYMin).Add(frame.StampRows).Add(frame.StampCols)
            .Add(frame.Image).Add(frame.Weight).Add(b.Rect).Add(b.Spot)
            .Add(b.Icov).Add(b.Y).Add(b.FluxWeight));
        device.Launch("regularize_patches", new Dim3(b.P), new Dim3(Block), 0, new KernelArguments()
            .Add(b.Patches).Add(b.N).Add(b.NW).Add(input.Regularize).Add(b.Icov).Add(b.Y).Add(b.FluxWeight).Add(b.Status));
        if (b.Noise)
        {
            device.Copy(b.Icov, b.Second, b.P * b.MatrixBytes);
        }
        device.Synchronize("normal equations");
        // Each unknown overlaps about 5 fibers × 2·HSIZEY/Δy wavelengths, ~60 pixel products each (2 FLOPs).
        times.Add(DeviceStage.NormalEquations, start, 2.0 * b.P * b.N * 85 * 60);
    }

    /// <summary>iCov = L·Lᵀ, then f = iCov⁻¹·y; a failed factorisation marks its patch for the CPU.</summary>
    private void Cholesky(Buffers b)
    {
        long start = DeviceStageTimes.Now();
        device.CholeskyFactorBatched(b.N, b.IcovArray, b.Info, b.P);
        device.Launch("check_cholesky", new Dim3(b.P), new Dim3(Block), 0, new KernelArguments()
            .Add(b.N).Add(b.Info).Add(b.Icov).Add(b.Noise ? b.Second : DevicePointer.Null).Add(b.Y).Add(b.Status));
        device.CholeskySolveBatched(b.N, b.IcovArray, b.YArray, b.SolveInfo, b.P);
        device.Synchronize("Cholesky");
        double n = b.N;
        times.Add(DeviceStage.Cholesky, start, b.P * (n * n * n / 3 + 2.0 * n * n));
    }

    /// <summary>The kept fibers' blocks of C = iCov⁻¹: X = L⁻¹, C_bb = X_bᵀ·X_b (X_b = X's columns of fiber b).</summary>
    private void BlockInverse(DeviceArena arena, Buffers b)
    {
        long start = DeviceStageTimes.Now();
        BatchLayout layout = b.Layout;
        device.Launch("set_identity", new Dim3(b.N, b.P), new Dim3(Block), 0, new KernelArguments().Add(b.N).Add(b.Second));
        device.LowerTriangularSolveBatched(b.N, b.IcovArray, b.SecondArray, b.P);
        if (b.Q > 0)
        {
            var columnPointers = new ulong[b.Q];
            var blockPointers = new ulong[b.Q];
            long blockBytes = (long)b.NW * b.NW * sizeof(double);
            for (int q = 0; q < b.Q; q++)
            {
                int i = layout.Problems[2 * q], a = layout.Problems[2 * q + 1];
                int fiber = layout.Descriptors[i * PatchDescriptor.Fields + PatchDescriptor.KeepOffset] + a;
                columnPointers[q] = b.Second.Offset(i * b.MatrixBytes + (long)fiber * b.NW * b.N * sizeof(double)).Address;
                blockPointers[q] = b.Blocks.Offset(q * blockBytes).Address;
            }
            DevicePointer columnArray = arena.Upload<ulong>(columnPointers);
            DevicePointer blockArray = arena.Upload<ulong>(blockPointers);
            device.GramBatched(b.NW, b.N, b.N, columnArray, blockArray, b.Q);
        }
        device.Synchronize("block inverse");
        double n = b.N;
        times.Add(DeviceStage.Inverse, start, b.P * n * n * n + 2.0 * b.Q * b.NW * b.NW * n);
    }

    /// <summary>Eigen-decomposition of the blocks (signal decorrelation) or of each iCov (noise decorrelation).</summary>
    private void Eigen(Buffers b)
    {
        long start = DeviceStageTimes.Now();
        device.SymmetricEigenBatched(b.EigenN, b.Blocks, b.Eigenvalues, b.EigenInfo, b.EigenCount);
        device.Synchronize("eigh");
        double n = b.EigenN;
        times.Add(DeviceStage.Eigen, start, 9.0 * b.EigenCount * n * n * n);
    }

    /// <summary>Q from the eigenpairs, s = Q·1, R = diag(1/s)·Q, flux = R·f, ivar = s², and R's band, one block per problem.</summary>
    private void Resolution(Buffers b)
    {
        if (b.Q == 0)
        {
            // No kept fiber in the batch: no output row, and a launch would read a problem that is not there.
            return;
        }
        long start = DeviceStageTimes.Now();
        int m = b.EigenN;
        device.Launch("resolution_bins", new Dim3(b.Q), new Dim3(Block), (3 * m + 2 * b.NW) * sizeof(double), new KernelArguments()
            .Add(b.Noise ? 1 : 0).Add(b.Patches).Add(b.Problems).Add(b.Status).Add(b.N).Add(b.NW).Add(frame.Frame.HalfDiagonals)
            .Add(b.Blocks).Add(b.Eigenvalues).Add(b.Y).Add(b.FluxWeight)
            .Add(b.OutFlux).Add(b.OutIvar).Add(b.OutResolution));
        device.Synchronize("resolution");
        times.Add(DeviceStage.Resolution, start, 4.0 * b.Q * m * m + 2.0 * b.R * b.Diagonals * m);
    }

    /// <summary>The model A·f over each box, then chi2pix and the pixmask fraction of each kept bin.</summary>
    private void Diagnostics(Buffers b)
    {
        long start = DeviceStageTimes.Now();
        FrameInput input = frame.Frame;
        BatchLayout layout = b.Layout;
        device.Launch("model_pixels", new Dim3(Math.Max(layout.MaxBoxHeight, 1), b.P), new Dim3(Block), b.N * 4 * sizeof(int), new KernelArguments()
            .Add(b.Patches).Add(b.N).Add(input.NPixX).Add(input.PsfError)
            .Add(frame.SpotValues).Add(frame.SpotXMin).Add(frame.SpotYMin).Add(frame.StampRows).Add(frame.StampCols)
            .Add(frame.Image).Add(frame.Weight).Add(b.Rect).Add(b.Spot).Add(b.Y)
            .Add(b.Model).Add(b.Chi2).Add(b.Counted).Add(b.Usable));
        if (b.Q > 0)
        {
            device.Launch("bin_diagnostics", new Dim3(b.Q), new Dim3(Block), 0, new KernelArguments()
                .Add(b.Patches).Add(b.Problems).Add(b.N).Add(b.NW)
                .Add(frame.SpotValues).Add(frame.SpotXMin).Add(frame.SpotYMin).Add(frame.StampRows).Add(frame.StampCols)
                .Add(b.Rect).Add(b.Spot).Add(b.Chi2).Add(b.Counted).Add(b.Usable)
                .Add(b.OutChi2).Add(b.OutPixmask));
        }
        device.Synchronize("diagnostics");
        times.Add(DeviceStage.Diagnostics, start, 2.0 * layout.Pixels * 30 + 12.0 * layout.Pixels);
    }

    /// <summary>
    /// Downloads the per-patch outputs and copies each solved patch's rows and model pixels to where the frame
    /// wants them; returns the patches that failed (Cholesky or eigh) for the CPU.
    /// </summary>
    private List<int> DownloadAndScatter(Buffers b, PatchBatch batch, PatchResults results)
    {
        long start = DeviceStageTimes.Now();
        BatchLayout layout = b.Layout;
        int diagonals = b.Diagonals;
        var patchStatus = new int[b.P];
        var eigenStatus = new int[b.EigenCount];
        device.Download<int>(b.Status, patchStatus);
        device.Download<int>(b.EigenInfo, eigenStatus);
        var flux = new double[b.R];
        var ivar = new double[b.R];
        var chi2Pix = new double[b.R];
        var pixmask = new double[b.R];
        var resolution = new double[(long)b.R * diagonals];
        device.Download<double>(b.OutFlux, flux);
        device.Download<double>(b.OutIvar, ivar);
        device.Download<double>(b.OutChi2, chi2Pix);
        device.Download<double>(b.OutPixmask, pixmask);
        device.Download<double>(b.OutResolution, resolution);
        double[]? modelPixels = null;
        if (frame.Frame.ComputeModel)
        {
            modelPixels = new double[layout.Pixels];
            device.Download<double>(b.Model, modelPixels);
        }

        // A failed eigh (info ≠ 0) sends its patch to the CPU like a failed Cholesky.
        for (int e = 0; e < b.EigenCount; e++)
        {
            if (eigenStatus[e] != 0)
            {
                patchStatus[b.Noise ? e : layout.Problems[2 * e]] = PatchDescriptor.StatusFailed;
            }
        }
        var cpu = new List<int>();
        for (int i = 0; i < b.P; i++)
        {
            int p = layout.Patches[i];
            if (patchStatus[i] == PatchDescriptor.StatusFailed)
            {
                cpu.Add(p);
                continue;
            }
            ReadOnlySpan<int> d = layout.Descriptors.AsSpan(i * PatchDescriptor.Fields, PatchDescriptor.Fields);
            int rows = batch.KeepFiberCount[p] * batch.CoreCount[p];
            int from = d[PatchDescriptor.Output], to = batch.OutputOffset[p];
            flux.AsSpan(from, rows).CopyTo(results.Flux.AsSpan(to, rows));
            ivar.AsSpan(from, rows).CopyTo(results.Ivar.AsSpan(to, rows));
            chi2Pix.AsSpan(from, rows).CopyTo(results.Chi2Pix.AsSpan(to, rows));
            pixmask.AsSpan(from, rows).CopyTo(results.PixmaskFraction.AsSpan(to, rows));
            resolution.AsSpan(from * diagonals, rows * diagonals).CopyTo(results.Resolution.AsSpan(to * diagonals, rows * diagonals));
            if (modelPixels is not null)
            {
                int boxPixels = batch.Box(p).PixelCount;
                modelPixels.AsSpan(d[PatchDescriptor.Pixels], boxPixels).CopyTo(results.Model.AsSpan((int)batch.ModelOffset[p], boxPixels));
            }
        }
        times.Add(DeviceStage.Download, start, 0);
        return cpu;
    }
}
