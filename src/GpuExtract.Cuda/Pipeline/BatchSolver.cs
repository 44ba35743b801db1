using GpuExtract.Core.Extraction;
using GpuExtract.Cuda.Device;

namespace GpuExtract.Cuda.Pipeline;

/// <summary>
/// Solves one batch of patches on the device (DESIGN §1.5 and §5), everything between the frame's spots and the
/// per-patch outputs staying on the device:
/// clipped stamps → iCov, y, fluxweight (normal_equations) → regularisation and padding → batched Cholesky →
/// f by batched solve → signal decorrelation: L⁻¹ by batched triangular solve, the kept fibers' blocks
/// C_bb = (L⁻¹)_bᵀ(L⁻¹)_b by batched products, batched eigh of the blocks (noise decorrelation: batched eigh of a
/// copy of iCov) → flux, ivar, resolution band → model, chi2pix, pixmask. Only the per-patch outputs come back.
/// A patch whose Cholesky (or eigh) fails is reported for the CPU, which redoes it with the reference's clipped eigh.
/// </summary>
internal sealed class BatchSolver(IComputeDevice device, DeviceFrame frame, DeviceStageTimes times)
{
    private const int Block = 128;

    private const int StatusFailed = 2;

    /// <summary>
    /// Solves <paramref name="layout"/>'s patches of <paramref name="batch"/> into <paramref name="results"/> and
    /// returns the patches (indices into <paramref name="batch"/>) the CPU must solve instead.
    /// </summary>
    public List<int> Solve(PatchBatch batch, BatchLayout layout, PatchResults results)
    {
        FrameInput input = frame.Frame;
        bool noise = input.DecorrelateFibers;
        int P = layout.Count, N = layout.N, NW = layout.NW, Q = layout.ProblemCount, R = layout.OutputRows;
        int diagonals = results.DiagonalCount;
        long matrixBytes = (long)N * N * sizeof(double);
        using var arena = new DeviceArena(device);

        long start = DeviceStageTimes.Now();
        DevicePointer patches = arena.Upload<int>(layout.Descriptors);
        DevicePointer problems = arena.Upload<int>(layout.Problems);
        DevicePointer rect = arena.Allocate((long)P * N * 4, sizeof(int));
        DevicePointer spot = arena.Allocate((long)P * N, sizeof(int));
        DevicePointer icov = arena.Allocate((long)P * N * N, sizeof(double));
        DevicePointer second = arena.Allocate((long)P * N * N, sizeof(double)); // L⁻¹ (signal) or the iCov copy (noise)
        DevicePointer y = arena.Allocate((long)P * N, sizeof(double));
        DevicePointer fluxWeight = arena.Allocate((long)P * N, sizeof(double));
        DevicePointer status = arena.Allocate(P, sizeof(int));
        DevicePointer info = arena.Allocate(P, sizeof(int));
        DevicePointer solveInfo = arena.Allocate(P, sizeof(int));
        int eigenCount = noise ? P : Q, eigenN = noise ? N : NW;
        DevicePointer blocks = noise ? second : arena.Allocate((long)Q * NW * NW, sizeof(double));
        DevicePointer eigenvalues = arena.Allocate((long)eigenCount * eigenN, sizeof(double));
        DevicePointer eigenInfo = arena.Allocate(eigenCount, sizeof(int));
        DevicePointer model = arena.Allocate(layout.Pixels, sizeof(double));
        DevicePointer chi2 = arena.Allocate(layout.Pixels, sizeof(double));
        DevicePointer counted = arena.Allocate(layout.Pixels, sizeof(double));
        DevicePointer usable = arena.Allocate(layout.Pixels, sizeof(double));
        DevicePointer outFlux = arena.Allocate(R, sizeof(double));
        DevicePointer outIvar = arena.Allocate(R, sizeof(double));
        DevicePointer outChi2 = arena.Allocate(R, sizeof(double));
        DevicePointer outPixmask = arena.Allocate(R, sizeof(double));
        DevicePointer outResolution = arena.Allocate((long)R * diagonals, sizeof(double));
        var icovPointers = new ulong[P];
        var secondPointers = new ulong[P];
        var yPointers = new ulong[P];
        for (int i = 0; i < P; i++)
        {
            icovPointers[i] = icov.Offset(i * matrixBytes).Address;
            secondPointers[i] = second.Offset(i * matrixBytes).Address;
            yPointers[i] = y.Offset((long)i * N * sizeof(double)).Address;
        }
        DevicePointer icovArray = arena.Upload<ulong>(icovPointers);
        DevicePointer secondArray = arena.Upload<ulong>(secondPointers);
        DevicePointer yArray = arena.Upload<ulong>(yPointers);
        times.Add(DeviceStage.Upload, start, 0);

        // Normal equations.
        start = DeviceStageTimes.Now();
        int ngrid = input.GridWavelengths.Length;
        device.Launch("clip_stamps", new Dim3((N + Block - 1) / Block, P), new Dim3(Block), 0, new KernelArguments()
            .Add(patches).Add(N).Add(NW).Add(ngrid)
            .Add(frame.SpotXMin).Add(frame.SpotYMin).Add(frame.SpotRows).Add(frame.SpotCols)
            .Add(rect).Add(spot));
        device.Launch("normal_equations", new Dim3(N, P), new Dim3(Block), 0, new KernelArguments()
            .Add(patches).Add(N).Add(NW).Add(input.NPixX)
            .Add(frame.SpotValues).Add(frame.SpotXMin).Add(frame.SpotYMin).Add(frame.StampRows).Add(frame.StampCols)
            .Add(frame.Image).Add(frame.Weight).Add(rect).Add(spot)
            .Add(icov).Add(y).Add(fluxWeight));
        device.Launch("regularize_patches", new Dim3(P), new Dim3(Block), 0, new KernelArguments()
            .Add(patches).Add(N).Add(NW).Add(input.Regularize).Add(icov).Add(y).Add(fluxWeight).Add(status));
        if (noise)
        {
            device.Copy(icov, second, P * matrixBytes);
        }
        device.Synchronize("normal equations");
        // Each unknown overlaps about 5 fibers × 2·HSIZEY/Δy wavelengths, ~60 pixel products each (2 FLOPs).
        times.Add(DeviceStage.NormalEquations, start, 2.0 * P * N * 85 * 60);

        // f = iCov⁻¹·y by Cholesky.
        start = DeviceStageTimes.Now();
        device.CholeskyFactorBatched(N, icovArray, info, P);
        device.Launch("check_cholesky", new Dim3(P), new Dim3(Block), 0, new KernelArguments()
            .Add(N).Add(info).Add(icov).Add(noise ? second : DevicePointer.Null).Add(y).Add(status));
        device.CholeskySolveBatched(N, icovArray, yArray, solveInfo, P);
        device.Synchronize("Cholesky");
        double n3 = (double)N * N * N;
        times.Add(DeviceStage.Cholesky, start, P * (n3 / 3 + 2.0 * N * N));

        if (!noise)
        {
            // C_bb of the kept fibers: X = L⁻¹, C_bb = X_bᵀ·X_b (X_b = X's columns of fiber b).
            start = DeviceStageTimes.Now();
            device.Launch("set_identity", new Dim3(N, P), new Dim3(Block), 0, new KernelArguments().Add(N).Add(second));
            device.LowerTriangularSolveBatched(N, icovArray, secondArray, P);
            var columnPointers = new ulong[Q];
            var blockPointers = new ulong[Q];
            long blockBytes = (long)NW * NW * sizeof(double);
            for (int q = 0; q < Q; q++)
            {
                int i = layout.Problems[2 * q], a = layout.Problems[2 * q + 1];
                int fiber = layout.Descriptors[i * BatchLayout.Fields + 2] + a;
                columnPointers[q] = second.Offset(i * matrixBytes + (long)fiber * NW * N * sizeof(double)).Address;
                blockPointers[q] = blocks.Offset(q * blockBytes).Address;
            }
            DevicePointer columnArray = arena.Upload<ulong>(columnPointers);
            DevicePointer blockArray = arena.Upload<ulong>(blockPointers);
            device.GramBatched(NW, N, N, columnArray, blockArray, Q);
            device.Synchronize("block inverse");
            times.Add(DeviceStage.Inverse, start, P * n3 + 2.0 * Q * NW * NW * N);
        }

        start = DeviceStageTimes.Now();
        device.SymmetricEigenBatched(eigenN, blocks, eigenvalues, eigenInfo, eigenCount);
        device.Synchronize("eigh");
        times.Add(DeviceStage.Eigen, start, 9.0 * eigenCount * eigenN * eigenN * eigenN);

        start = DeviceStageTimes.Now();
        int m = noise ? N : NW;
        device.Launch("resolution_bins", new Dim3(Math.Max(Q, 1)), new Dim3(Block), (3 * m + 2 * NW) * sizeof(double), new KernelArguments()
            .Add(noise ? 1 : 0).Add(patches).Add(problems).Add(status).Add(N).Add(NW).Add(input.HalfDiagonals)
            .Add(blocks).Add(eigenvalues).Add(y).Add(fluxWeight)
            .Add(outFlux).Add(outIvar).Add(outResolution));
        device.Synchronize("resolution");
        times.Add(DeviceStage.Resolution, start, 4.0 * Q * m * m + 2.0 * R * diagonals * m);

        start = DeviceStageTimes.Now();
        device.Launch("model_pixels", new Dim3(Math.Max(layout.MaxBoxHeight, 1), P), new Dim3(Block), N * 4 * sizeof(int), new KernelArguments()
            .Add(patches).Add(N).Add(input.NPixX).Add(input.PsfError)
            .Add(frame.SpotValues).Add(frame.SpotXMin).Add(frame.SpotYMin).Add(frame.StampRows).Add(frame.StampCols)
            .Add(frame.Image).Add(frame.Weight).Add(rect).Add(spot).Add(y)
            .Add(model).Add(chi2).Add(counted).Add(usable));
        device.Launch("bin_diagnostics", new Dim3(Math.Max(Q, 1)), new Dim3(Block), 0, new KernelArguments()
            .Add(patches).Add(problems).Add(N).Add(NW)
            .Add(frame.SpotValues).Add(frame.SpotXMin).Add(frame.SpotYMin).Add(frame.StampRows).Add(frame.StampCols)
            .Add(rect).Add(spot).Add(chi2).Add(counted).Add(usable)
            .Add(outChi2).Add(outPixmask));
        device.Synchronize("diagnostics");
        times.Add(DeviceStage.Diagnostics, start, 2.0 * layout.Pixels * 30 + 12.0 * layout.Pixels);

        start = DeviceStageTimes.Now();
        var patchStatus = new int[P];
        var eigenStatus = new int[eigenCount];
        device.Download<int>(status, patchStatus);
        device.Download<int>(eigenInfo, eigenStatus);
        var flux = new double[R];
        var ivar = new double[R];
        var chi2Pix = new double[R];
        var pixmask = new double[R];
        var resolution = new double[(long)R * diagonals];
        device.Download<double>(outFlux, flux);
        device.Download<double>(outIvar, ivar);
        device.Download<double>(outChi2, chi2Pix);
        device.Download<double>(outPixmask, pixmask);
        device.Download<double>(outResolution, resolution);
        double[]? modelPixels = null;
        if (input.ComputeModel)
        {
            modelPixels = new double[layout.Pixels];
            device.Download<double>(model, modelPixels);
        }

        // A failed eigh (info ≠ 0) sends its patch to the CPU like a failed Cholesky.
        for (int e = 0; e < eigenCount; e++)
        {
            if (eigenStatus[e] != 0)
            {
                patchStatus[noise ? e : layout.Problems[2 * e]] = StatusFailed;
            }
        }
        var cpu = new List<int>();
        for (int i = 0; i < P; i++)
        {
            int p = layout.Patches[i];
            if (patchStatus[i] == StatusFailed)
            {
                cpu.Add(p);
                continue;
            }
            ReadOnlySpan<int> d = layout.Descriptors.AsSpan(i * BatchLayout.Fields, BatchLayout.Fields);
            int rows = batch.KeepFiberCount[p] * batch.CoreCount[p];
            int from = d[12], to = batch.OutputOffset[p];
            flux.AsSpan(from, rows).CopyTo(results.Flux.AsSpan(to, rows));
            ivar.AsSpan(from, rows).CopyTo(results.Ivar.AsSpan(to, rows));
            chi2Pix.AsSpan(from, rows).CopyTo(results.Chi2Pix.AsSpan(to, rows));
            pixmask.AsSpan(from, rows).CopyTo(results.PixmaskFraction.AsSpan(to, rows));
            resolution.AsSpan(from * diagonals, rows * diagonals).CopyTo(results.Resolution.AsSpan(to * diagonals, rows * diagonals));
            if (modelPixels is not null)
            {
                int boxPixels = batch.Box(p).PixelCount;
                modelPixels.AsSpan(d[13], boxPixels).CopyTo(results.Model.AsSpan((int)batch.ModelOffset[p], boxPixels));
            }
        }
        times.Add(DeviceStage.Download, start, 0);
        return cpu;
    }
}
