namespace GpuExtract.Cli.CommandLine;

/// <summary>
/// One option of a command: <c>--long</c> (and maybe <c>-s</c>) followed by a value named
/// <see cref="ValueName"/>, or a flag when ValueName is null.
/// </summary>
public sealed record OptionSpec(string Long, string? Short, string? ValueName, string Description, string? Default = null, bool Required = false, string? DefaultText = null)
{
    /// <summary>The usage fragment, e.g. <c>-i, --input FILE</c>.</summary>
    public string Synopsis => (Short is null ? "    " : Short + ", ") + Long + (ValueName is null ? "" : " " + ValueName);
}
