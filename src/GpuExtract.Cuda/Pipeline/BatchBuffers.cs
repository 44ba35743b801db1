using GpuExtract.Cuda.Device;

namespace GpuExtract.Cuda.Pipeline;

/// <summary>
/// The device buffers one batch works in (views into the backend's <see cref="DeviceWorkspace"/>) and its sizes.
/// The first group serves every solver; the factorisation's own buffers are set by <see cref="IBatchFactorization.Allocate"/>.
/// </summary>
internal sealed class BatchBuffers
{
    public required BatchLayout Layout { get; init; }
    public required bool Noise { get; init; }
    public required int Diagonals { get; init; }
    public required BatchOutputLayout Outputs { get; init; }
    public int P => Layout.Count;
    public int N => Layout.N;
    public int NW => Layout.NW;
    public int NF => Layout.NF;
    public int Q => Layout.ProblemCount;
    public int R => Layout.OutputRows;

    /// <summary>Matrices eigen-decomposed: one per patch (noise decorrelation) or one per kept fiber.</summary>
    public int EigenCount => Noise ? P : Q;

    /// <summary>Their order: N (noise decorrelation) or NW.</summary>
    public int EigenN => Noise ? N : NW;

    public required DevicePointer Patches, Problems, Rect, Spot, Y, FluxWeight, Eigenvalues, Chi2, Counted, Usable, Output;

    /// <summary>The matrices the eigensolver decomposes in place: C_bb per problem, or iCov per patch (noise decorrelation).</summary>
    public DevicePointer Blocks { get; set; }

    /// <summary>Patch status, int32 [P], in the downloaded output area.</summary>
    public DevicePointer Status => Output.Offset(Outputs.Status);

    /// <summary>Eigensolver info, int32 [EigenCount], in the downloaded output area.</summary>
    public DevicePointer EigenInfo => Output.Offset(Outputs.EigenInfo);
}
