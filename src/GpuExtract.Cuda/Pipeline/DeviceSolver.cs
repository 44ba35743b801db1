namespace GpuExtract.Cuda.Pipeline;

/// <summary>How the device solves each patch's normal equations (<c>--device-solver</c>).</summary>
public enum DeviceSolver
{
    /// <summary>
    /// The CPU backend's algorithm: iCov as a wavelength-major band, band Cholesky, band solve and a selected
    /// inversion of the kept fibers' diagonal blocks; O(N·kd²) work and O(N·kd) memory per patch (DESIGN §5).
    /// </summary>
    Band,

    /// <summary>
    /// Dense N × N matrices: cuSOLVER's batched Cholesky and solve, L⁻¹ by cuBLAS's batched triangular solve and
    /// the blocks by batched products; O(N³) work and O(N²) memory per patch. Kept for comparison.
    /// </summary>
    Dense,
}
