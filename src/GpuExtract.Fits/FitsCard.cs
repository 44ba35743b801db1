namespace GpuExtract.Fits;

/// <summary>
/// One header keyword record. <see cref="Value"/> is a <see cref="bool"/>, <see cref="long"/>,
/// <see cref="double"/>, <see cref="string"/> or null (undefined value); for commentary cards
/// (COMMENT, HISTORY, blank keyword) it is the card's text. A CONTINUE long string appears as one
/// card holding the whole string. HIERARCH keywords are stored without the HIERARCH prefix.
/// </summary>
public sealed record FitsCard(string Key, object? Value, string? Comment)
{
    /// <summary>True for COMMENT, HISTORY, blank-keyword and other value-less cards.</summary>
    public bool IsCommentary => Key is "COMMENT" or "HISTORY" or "";
}
