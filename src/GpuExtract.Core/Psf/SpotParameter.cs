namespace GpuExtract.Core.Psf;

/// <summary>Positions of the model parameters in one spot's parameter vector.</summary>
internal static class SpotParameter
{
    public const int SigmaX = 0;
    public const int SigmaY = 1;
    public const int TailAmp = 2;
    public const int TailCore = 3;
    public const int TailXScale = 4;
    public const int TailYScale = 5;
    public const int TailIndex = 6;

    /// <summary>GH-i-j is at GhFirst + j·(GhDegX+1) + i.</summary>
    public const int GhFirst = 7;
}
