namespace GpuExtract.Cli;

/// <summary>
/// The program also answers to DESI's name for extraction, <c>desi_extract_spectra</c> (a symlink or a copy
/// of the executable under that name), so desi_proc's command strings run unchanged: invoked so, its
/// arguments are those of <c>gpuextract extract</c>, which takes every option of desispec's
/// <c>scripts.extract.parse</c>.
/// </summary>
public static class DesiExtractSpectra
{
    public const string Name = "desi_extract_spectra";

    /// <summary><paramref name="args"/>, preceded by <c>extract</c> when the program was started as <see cref="Name"/>.</summary>
    public static string[] Arguments(string[] args) => IsInvokedAs(ProgramName()) ? ["extract", .. args] : args;

    /// <summary>
    /// The name the program was started by: argv[0] as the kernel received it (/proc/self/cmdline; .NET's
    /// own view resolves a symlinked executable to its target), else .NET's first command-line word.
    /// </summary>
    private static string ProgramName()
    {
        try
        {
            byte[] cmdline = File.ReadAllBytes("/proc/self/cmdline");
            int end = Array.IndexOf(cmdline, (byte)0);
            return System.Text.Encoding.UTF8.GetString(cmdline, 0, end < 0 ? cmdline.Length : end);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return Environment.GetCommandLineArgs()[0];
        }
    }

    /// <summary>Whether <paramref name="argv0"/> (the program's own name or path) is <see cref="Name"/>.</summary>
    public static bool IsInvokedAs(string argv0) => Path.GetFileNameWithoutExtension(argv0) == Name;
}
