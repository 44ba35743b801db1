namespace GpuExtract.Core.Simulation;

/// <summary>The DESI <c>ccdmask</c> bits the simulator sets (desispec.maskbits).</summary>
public static class CcdMaskBits
{
    /// <summary>Bit 1: hot pixel or column.</summary>
    public const int Hot = 2;

    /// <summary>Bit 4: cosmic-ray hit.</summary>
    public const int Cosmic = 16;
}
