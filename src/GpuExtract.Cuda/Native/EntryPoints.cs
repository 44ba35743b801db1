namespace GpuExtract.Cuda.Native;

/// <summary>
/// Resolves a library's entry points and remembers the required ones that are missing, so that a
/// binding loads completely or explains in one line what the installed library lacks.
/// </summary>
internal sealed class EntryPoints(LoadedLibrary library)
{
    private readonly List<string> missing = [];

    /// <summary>The address of a required entry point (zero, and remembered, when absent).</summary>
    public IntPtr Need(string name)
    {
        IntPtr address = library.Find(name);
        if (address == IntPtr.Zero)
        {
            missing.Add(name);
        }
        return address;
    }

    /// <summary>True when every required entry point was found; else the reason names the library and what it lacks.</summary>
    public bool AllFound(out string reason, string hint = "")
    {
        reason = missing.Count == 0 ? "" : $"{library.Path} lacks {string.Join(", ", missing)}{hint}";
        return missing.Count == 0;
    }
}
