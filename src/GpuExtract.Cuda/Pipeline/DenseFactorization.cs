using GpuExtract.Core.Extraction;
using GpuExtract.Cuda.Device;

namespace GpuExtract.Cuda.Pipeline;

/// <summary>
/// <see cref="DeviceSolver.Dense"/>: every patch's iCov padded to a dense N × N column-major matrix, factored by
/// cuSOLVER's batched Cholesky and solve; for signal decorrelation X = L⁻¹ by cuBLAS's batched triangular solve on
/// the identity and C_bb = X_bᵀ·X_b by batched products (X_b = X's columns of fiber b). A failed factorisation
/// marks its patch for the CPU.
/// </summary>
internal sealed class DenseFactorization(IComputeDevice device, DeviceFrame frame, DeviceWorkspace workspace) : IBatchFactorization
{
    private const int Block = 128;

    private DevicePointer _icov, _second, _info, _solveInfo, _icovArray, _secondArray, _yArray;

    public void Allocate(BatchBuffers b)
    {
        int P = b.P, N = b.N;
        long matrixBytes = (long)N * N * sizeof(double);
        _icov = workspace.Take("dense.icov", (long)P * N * N, sizeof(double));
        // L⁻¹ (signal decorrelation) or the iCov copy that eigh decomposes (noise decorrelation).
        _second = workspace.Take("dense.second", (long)P * N * N, sizeof(double));
        _info = workspace.Take("dense.info", P, sizeof(int));
        _solveInfo = workspace.Take("dense.solveinfo", P, sizeof(int));
        var icovPointers = new ulong[P];
        var secondPointers = new ulong[P];
        var yPointers = new ulong[P];
        for (int i = 0; i < P; i++)
        {
            icovPointers[i] = _icov.Offset(i * matrixBytes).Address;
            secondPointers[i] = _second.Offset(i * matrixBytes).Address;
            yPointers[i] = b.Y.Offset((long)i * N * sizeof(double)).Address;
        }
        _icovArray = workspace.Upload<ulong>("dense.icovarray", icovPointers);
        _secondArray = workspace.Upload<ulong>("dense.secondarray", secondPointers);
        _yArray = workspace.Upload<ulong>("dense.yarray", yPointers);
        b.Blocks = b.Noise ? _second : workspace.Take("blocks", (long)b.Q * b.NW * b.NW, sizeof(double));
    }

    public double NormalEquations(BatchBuffers b)
    {
        FrameInput input = frame.Frame;
        device.Launch("normal_equations", new Dim3(b.N, b.P), new Dim3(Block), 0, new KernelArguments()
            .Add(b.Patches).Add(b.N).Add(b.NW).Add(input.NPixX)
            .Add(frame.SpotValues).Add(frame.SpotXMin).Add(frame.SpotYMin).Add(frame.StampRows).Add(frame.StampCols)
            .Add(frame.Image).Add(frame.Weight).Add(b.Rect).Add(b.Spot)
            .Add(_icov).Add(b.Y).Add(b.FluxWeight));
        device.Launch("regularize_patches", new Dim3(b.P), new Dim3(Block), 0, new KernelArguments()
            .Add(b.Patches).Add(b.N).Add(b.NW).Add(-1).Add(input.Regularize).Add(_icov).Add(b.Y).Add(b.FluxWeight).Add(b.Status));
        if (b.Noise)
        {
            device.Copy(_icov, _second, (long)b.P * b.N * b.N * sizeof(double));
        }
        // Each unknown overlaps about 5 fibers × 2·HSIZEY/Δy wavelengths, ~60 pixel products each (2 FLOPs).
        return 2.0 * b.P * b.N * 85 * 60;
    }

    public double Factor(BatchBuffers b)
    {
        device.CholeskyFactorBatched(b.N, _icovArray, _info, b.P);
        device.Launch("check_cholesky", new Dim3(b.P), new Dim3(Block), 0, new KernelArguments()
            .Add(b.N).Add(_info).Add(_icov).Add(b.Noise ? _second : DevicePointer.Null).Add(b.Y).Add(b.Status));
        device.CholeskySolveBatched(b.N, _icovArray, _yArray, _solveInfo, b.P);
        double n = b.N;
        return b.P * (n * n * n / 3 + 2.0 * n * n);
    }

    public double BlockInverse(BatchBuffers b)
    {
        BatchLayout layout = b.Layout;
        device.Launch("set_identity", new Dim3(b.N, b.P), new Dim3(Block), 0, new KernelArguments().Add(b.N).Add(_second));
        device.LowerTriangularSolveBatched(b.N, _icovArray, _secondArray, b.P);
        if (b.Q > 0)
        {
            var columnPointers = new ulong[b.Q];
            var blockPointers = new ulong[b.Q];
            long matrixBytes = (long)b.N * b.N * sizeof(double);
            long blockBytes = (long)b.NW * b.NW * sizeof(double);
            for (int q = 0; q < b.Q; q++)
            {
                int i = layout.Problems[2 * q], a = layout.Problems[2 * q + 1];
                int fiber = layout.Descriptors[i * PatchDescriptor.Fields + PatchDescriptor.KeepOffset] + a;
                columnPointers[q] = _second.Offset(i * matrixBytes + (long)fiber * b.NW * b.N * sizeof(double)).Address;
                blockPointers[q] = b.Blocks.Offset(q * blockBytes).Address;
            }
            DevicePointer columnArray = workspace.Upload<ulong>("dense.columnarray", columnPointers);
            DevicePointer blockArray = workspace.Upload<ulong>("dense.blockarray", blockPointers);
            device.GramBatched(b.NW, b.N, b.N, columnArray, blockArray, b.Q);
        }
        double n = b.N;
        return b.P * n * n * n + 2.0 * b.Q * b.NW * b.NW * n;
    }
}
