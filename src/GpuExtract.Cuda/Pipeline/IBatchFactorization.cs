namespace GpuExtract.Cuda.Pipeline;

/// <summary>
/// The stages of <see cref="BatchSolver"/> that depend on how iCov is stored and factored (<see cref="DeviceSolver"/>):
/// from the clipped stamps to f (in <see cref="BatchBuffers.Y"/>, fiber-major) and the matrices the batched eigh
/// decomposes (<see cref="BatchBuffers.Blocks"/>), each patch's status set (STATUS_OK, _EMPTY or _FAILED).
/// </summary>
internal interface IBatchFactorization
{
    /// <summary>Takes the factorisation's own buffers from the workspace and sets <see cref="BatchBuffers.Blocks"/>.</summary>
    void Allocate(BatchBuffers b);

    /// <summary>iCov = AᵀWA + regularisation, y = AᵀWp and fluxweight = AᵀW1 from the clipped stamps. Returns FLOPs.</summary>
    double NormalEquations(BatchBuffers b);

    /// <summary>iCov = L·Lᵀ and f = iCov⁻¹·y (and, for noise decorrelation, the dense iCov for the eigh). Returns FLOPs.</summary>
    double Factor(BatchBuffers b);

    /// <summary>Signal decorrelation: the kept fibers' diagonal blocks C_bb of iCov⁻¹ into <see cref="BatchBuffers.Blocks"/>. Returns FLOPs.</summary>
    double BlockInverse(BatchBuffers b);
}
