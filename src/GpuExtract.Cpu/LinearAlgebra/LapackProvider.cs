namespace GpuExtract.Cpu.LinearAlgebra;

/// <summary>
/// Chooses the <see cref="ILapack"/> implementation once per run and hands out a factory: each worker
/// thread calls it for its own instance (instances hold scratch space and are not thread-safe).
/// </summary>
public static class LapackProvider
{
    /// <summary>
    /// A factory for <paramref name="choice"/> on the system library that
    /// <see cref="NativeLapack.TryCreate(out NativeLapack?, out string)"/> uses (GPUEXTRACT_LAPACK, else
    /// <see cref="NativeLapack.DefaultLibraryCandidates"/>). <paramref name="description"/> is one line
    /// for the user saying what was chosen and, for <see cref="LapackChoice.Auto"/>, why.
    /// Throws <see cref="LapackUnavailableException"/> for <see cref="LapackChoice.Native"/> when no
    /// library can be loaded.
    /// </summary>
    public static Func<ILapack> CreateFactory(LapackChoice choice, out string description)
        => CreateFactory(choice, nativeLibraryCandidates: null, out description);

    /// <summary>
    /// As <see cref="CreateFactory(LapackChoice, out string)"/>, trying <paramref name="nativeLibraryCandidates"/>
    /// (sonames or paths) instead of the default list when not null.
    /// </summary>
    public static Func<ILapack> CreateFactory(LapackChoice choice, IReadOnlyList<string>? nativeLibraryCandidates, out string description)
    {
        if (choice == LapackChoice.Managed)
        {
            description = "LAPACK: managed (requested)";
            return static () => new ManagedLapack();
        }
        NativeLapackLibrary? library;
        string reason;
        if (nativeLibraryCandidates is null)
        {
            library = NativeLapackLibrary.LoadDefault(out reason);
        }
        else
        {
            NativeLapackLibrary.TryLoad(nativeLibraryCandidates, out library, out reason);
        }
        if (library is not null)
        {
            description = choice == LapackChoice.Auto
                ? $"LAPACK: {library.Description} (auto: native library loaded)"
                : $"LAPACK: {library.Description} (requested native)";
            return () => new NativeLapack(library);
        }
        if (choice == LapackChoice.Native)
        {
            throw new LapackUnavailableException(reason);
        }
        description = $"LAPACK: managed (auto: {reason})";
        return static () => new ManagedLapack();
    }
}
