namespace GpuExtract.Core.Extraction;

/// <summary>Wall seconds spent in each stage of one frame's extraction.</summary>
public sealed record StageTimes
{
    public double Read { get; set; }
    public double Plan { get; set; }
    public double Spots { get; set; }
    public double Solve { get; set; }
    public double Assemble { get; set; }
    public double Write { get; set; }

    public double Total => Read + Plan + Spots + Solve + Assemble + Write;
}
