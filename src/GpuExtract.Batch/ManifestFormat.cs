namespace GpuExtract.Batch;

/// <summary>How a batch manifest is written.</summary>
public enum ManifestFormat
{
    /// <summary>Comma-separated values with a header row (RFC 4180 quoting).</summary>
    Csv,

    /// <summary>One JSON object per line with the same keys as the CSV columns.</summary>
    JsonLines,
}
