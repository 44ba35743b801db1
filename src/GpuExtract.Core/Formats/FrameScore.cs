namespace GpuExtract.Core.Formats;

/// <summary>One SCORES column: a value per fiber and the TTYPE comment desispec writes with it.</summary>
/// <param name="Name">Column name, e.g. SUM_RAW_COUNT_R.</param>
/// <param name="Values">One value per fiber; shape [NSpec].</param>
/// <param name="Comment">The column's description (TTYPEn comment).</param>
public sealed record FrameScore(string Name, double[] Values, string Comment);
