namespace GpuExtract.Cpu.LinearAlgebra;

/// <summary>Which <see cref="ILapack"/> the CPU backend uses (CLI: --lapack auto|native|managed).</summary>
public enum LapackChoice
{
    /// <summary>The system LAPACK when it can be loaded, else the managed implementation.</summary>
    Auto,

    /// <summary>The system LAPACK; its absence is an error (<see cref="LapackUnavailableException"/>).</summary>
    Native,

    /// <summary>The managed implementation, whatever is installed.</summary>
    Managed,
}
