using GpuExtract.Core.Extraction;
using GpuExtract.Cuda.Device;

namespace GpuExtract.Cuda.Pipeline;

/// <summary>
/// <see cref="DeviceSolver.Band"/>, the CPU backend's algorithm on the device (kernels/band.cu): iCov built
/// straight into its lower band in wavelength-major order (half-bandwidth <see cref="HalfWidth"/> for the whole
/// batch, each patch's loops bounded by its own bandwidth), band Cholesky and solve by one block per patch, and
/// the kept fibers' blocks C_bb by selected inversion, one block per (patch, kept fiber). O(N·kd²) work and
/// O(N·kd) memory per patch where the dense solver needs O(N³) and O(N²).
/// </summary>
internal sealed class BandFactorization(IComputeDevice device, DeviceFrame frame, DeviceWorkspace workspace, int halfWidth) : IBatchFactorization
{
    private const int Block = 128;

    /// <summary>Warps per block of band_normal_equations: one band row each.</summary>
    private const int RowsPerBlock = Block / 32;

    private DevicePointer _band, _bandwidth;

    /// <summary>The batch's half-bandwidth KD (<see cref="BatchLayout.BandHalfWidth"/>).</summary>
    public int HalfWidth => halfWidth;

    /// <summary>Dynamic shared memory of band_inverse_blocks [bytes]: the last KD+2 rows of X and the NW × NW sum XᵀX.</summary>
    public static int InverseSharedBytes(int halfWidth, int nw) => ((halfWidth + 2) * nw + nw * nw) * sizeof(double);

    public void Allocate(BatchBuffers b)
    {
        _band = workspace.Take("band.band", (long)b.P * b.N * (halfWidth + 1), sizeof(double));
        _bandwidth = workspace.Take("band.bandwidth", b.P, sizeof(int));
        b.Blocks = b.Noise
            ? workspace.Take("band.dense", (long)b.P * b.N * b.N, sizeof(double))
            : workspace.Take("blocks", (long)b.Q * b.NW * b.NW, sizeof(double));
    }

    public double NormalEquations(BatchBuffers b)
    {
        FrameInput input = frame.Frame;
        device.Clear(_bandwidth, (long)b.P * sizeof(int));
        device.Launch("band_normal_equations", new Dim3((b.N + RowsPerBlock - 1) / RowsPerBlock, b.P), new Dim3(Block), 0, new KernelArguments()
            .Add(b.Patches).Add(b.N).Add(b.NW).Add(halfWidth).Add(input.NPixX)
            .Add(frame.SpotValues).Add(frame.SpotXMin).Add(frame.SpotYMin).Add(frame.StampRows).Add(frame.StampCols)
            .Add(frame.Image).Add(frame.Weight).Add(b.Rect).Add(b.Spot)
            .Add(_band).Add(b.Y).Add(b.FluxWeight).Add(_bandwidth));
        device.Launch("regularize_patches", new Dim3(b.P), new Dim3(Block), 0, new KernelArguments()
            .Add(b.Patches).Add(b.N).Add(b.NW).Add(halfWidth).Add(input.Regularize).Add(_band).Add(b.Y).Add(b.FluxWeight).Add(b.Status));
        if (b.Noise)
        {
            device.Launch("band_to_dense", new Dim3(b.N, b.P), new Dim3(Block), 0, new KernelArguments()
                .Add(b.N).Add(b.NW).Add(halfWidth).Add(_band).Add(b.Blocks));
        }
        // As the dense count: ~85 overlapping neighbours of ~60 pixel products per unknown, half of them in the lower band.
        return 2.0 * b.P * b.N * 43 * 60;
    }

    public double Factor(BatchBuffers b)
    {
        device.Launch("band_cholesky_solve", new Dim3(b.P), new Dim3(Block), b.N * sizeof(double), new KernelArguments()
            .Add(b.N).Add(b.NW).Add(halfWidth).Add(_bandwidth).Add(_band).Add(b.Y).Add(b.Noise ? b.Blocks : DevicePointer.Null).Add(b.Status));
        // Upper bounds: the patches' own bandwidths are at most KD.
        double n = b.N, kd = halfWidth;
        return b.P * (n * kd * kd + 4 * n * kd);
    }

    public double BlockInverse(BatchBuffers b)
    {
        if (b.Q == 0)
        {
            return 0;
        }
        device.Launch("band_inverse_blocks", new Dim3(b.Q), new Dim3(Block), InverseSharedBytes(halfWidth, b.NW), new KernelArguments()
            .Add(b.Patches).Add(b.Problems).Add(b.Status).Add(b.N).Add(b.NW).Add(halfWidth).Add(_bandwidth).Add(_band).Add(b.Blocks));
        // Per block ≈ kd·N·NW (the forward substitution) + N·NW²/3 (the sum XᵀX), upper bounds with KD.
        double n = b.N, m = b.NW;
        return b.Q * (halfWidth * n * m + n * m * m / 3);
    }
}
