using System.Diagnostics;

namespace GpuExtract.Cpu.Extraction;

/// <summary>The stages of solving one patch, in order.</summary>
public enum PatchStage
{
    /// <summary>Box pixels, clipped stamps, iCov, y, fluxweight and regularisation.</summary>
    NormalEquations,

    /// <summary>
    /// Signal decorrelation: band Cholesky of iCov in wavelength-major order, solve for f and the kept fibers'
    /// diagonal blocks of C by selected inversion. Noise decorrelation: dense Cholesky and solve for f. Either
    /// way, the clipped-eigh fallback (f and C) when the Cholesky fails.
    /// </summary>
    Cholesky,

    /// <summary>Per-fiber block eigh (or the full eigh of iCov) and the resolution matrix, flux, ivar.</summary>
    Decorrelation,

    /// <summary>Model, chi2pix, pixmask fraction and the writes into PatchResults.</summary>
    Outputs,
}

/// <summary>
/// Wall time and floating-point operations by stage, summed over the patches one solver (or a whole backend)
/// has solved. FLOPs count one multiply and one add as 2; LAPACK stages use the textbook counts
/// (potrf n³/3, potrs 2n², syevd with vectors ≈ 9·n³, pbtrf n·kd², pbtrs 4·n·kd), the rest is counted exactly
/// (the selected inversion of C's diagonal blocks: the multiply–adds on the nonzeros its kernel works on).
/// </summary>
public sealed class PatchStatistics
{
    private const int StageCount = 4;
    private readonly long[] _ticks = new long[StageCount];
    private readonly double[] _flops = new double[StageCount];

    /// <summary>Patches solved.</summary>
    public long Patches { get; private set; }

    /// <summary>Patches whose Cholesky factorisation failed and that took the clipped-eigh path.</summary>
    public long CholeskyFailures { get; private set; }

    /// <summary>Patches whose pixels were all unusable (every fluxweight 0).</summary>
    public long EmptyPatches { get; private set; }

    /// <summary>Unknowns summed over the patches solved.</summary>
    public long Unknowns { get; private set; }

    /// <summary>Seconds spent in <paramref name="stage"/>.</summary>
    public double Seconds(PatchStage stage) => (double)_ticks[(int)stage] / Stopwatch.Frequency;

    /// <summary>Floating-point operations of <paramref name="stage"/>.</summary>
    public double Flops(PatchStage stage) => _flops[(int)stage];

    /// <summary>Seconds over all stages.</summary>
    public double TotalSeconds => (double)(_ticks[0] + _ticks[1] + _ticks[2] + _ticks[3]) / Stopwatch.Frequency;

    /// <summary>FLOPs over all stages.</summary>
    public double TotalFlops => _flops[0] + _flops[1] + _flops[2] + _flops[3];

    /// <summary>Adds another solver's figures to these.</summary>
    public void Add(PatchStatistics other)
    {
        for (int s = 0; s < StageCount; s++)
        {
            _ticks[s] += other._ticks[s];
            _flops[s] += other._flops[s];
        }
        Patches += other.Patches;
        CholeskyFailures += other.CholeskyFailures;
        EmptyPatches += other.EmptyPatches;
        Unknowns += other.Unknowns;
    }

    /// <summary>Sets everything to 0.</summary>
    public void Clear()
    {
        Array.Clear(_ticks);
        Array.Clear(_flops);
        Patches = 0;
        CholeskyFailures = 0;
        EmptyPatches = 0;
        Unknowns = 0;
    }

    internal void AddStage(PatchStage stage, long ticks, double flops)
    {
        _ticks[(int)stage] += ticks;
        _flops[(int)stage] += flops;
    }

    internal void CountPatch(int unknowns, bool choleskyFailed, bool empty)
    {
        Patches++;
        Unknowns += unknowns;
        CholeskyFailures += choleskyFailed ? 1 : 0;
        EmptyPatches += empty ? 1 : 0;
    }
}
