namespace GpuExtract.Core.Psf;

/// <summary>Stamp size, Hermite degrees and CCD size shared by every spot of one PSF.</summary>
internal readonly record struct SpotGeometry(int HalfSizeX, int HalfSizeY, int GhDegX, int GhDegY, int NPixX, int NPixY)
{
    public int StampRows => 2 * HalfSizeY + 1;

    public int StampCols => 2 * HalfSizeX + 1;

    /// <summary>Number of model parameters of one spot (see <see cref="SpotParameter"/>).</summary>
    public int ParameterCount => SpotParameter.GhFirst + (GhDegX + 1) * (GhDegY + 1);
}
