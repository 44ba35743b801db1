namespace GpuExtract.Core.Planning;

/// <summary>A rectangle of CCD pixels, half-open: columns [XMin, XMax), rows [YMin, YMax).</summary>
public readonly record struct PixelBox(int XMin, int XMax, int YMin, int YMax)
{
    /// <summary>Number of columns.</summary>
    public int Width => XMax - XMin;

    /// <summary>Number of rows.</summary>
    public int Height => YMax - YMin;

    /// <summary>Number of pixels (0 for an empty box).</summary>
    public int PixelCount => Width > 0 && Height > 0 ? Width * Height : 0;
}
