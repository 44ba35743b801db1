namespace GpuExtract.Cpu.LinearAlgebra;

/// <summary>
/// Native LAPACK was requested explicitly but cannot be loaded. The message is one line with the
/// libraries tried and why each failed; the CLI maps this to exit code 2.
/// </summary>
public sealed class LapackUnavailableException(string reason)
    : Exception($"native LAPACK requested but unavailable: {reason}")
{
    /// <summary>Why no library could be used (per candidate soname).</summary>
    public string Reason { get; } = reason;
}
