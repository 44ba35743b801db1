using System.Reflection;
using GpuExtract.Fits;

namespace GpuExtract.Core.Formats;

/// <summary>
/// Code-version keywords as desiutil's <c>depend</c> module writes them: pairs DEPNAMnn/DEPVERnn, nn = 00 … 99,
/// a name already present keeping its slot (<c>setdep</c>), and the DESI environment variables recorded
/// as <c>add_dependencies</c> records them (their value, or NOT_SET).
/// </summary>
public static class Dependencies
{
    /// <summary>Environment variables desiutil records (<c>depend.possible_envvars</c>).</summary>
    private static readonly string[] EnvironmentVariables =
        ["DESI_ROOT", "DESI_SPECTRO_DATA", "DESI_SPECTRO_REDUX", "SPECPROD", "DESI_SPECTRO_CALIB", "DESI_BASIS_TEMPLATES", "DESI_TARGET", "DESIMODEL"];

    /// <summary>This program's version (the assembly's informational version without build metadata).</summary>
    public static string GpuExtractVersion { get; } = ReadVersion();

    /// <summary>Records <paramref name="name"/> at <paramref name="version"/> (desiutil's <c>setdep</c>).</summary>
    /// <exception cref="InvalidOperationException">all 100 slots are taken by other names.</exception>
    public static void Set(FitsHeader header, string name, string version)
    {
        for (int i = 0; i < 100; i++)
        {
            string nameKey = $"DEPNAM{i:00}", versionKey = $"DEPVER{i:00}";
            if (header.Find(nameKey) is { } card)
            {
                if (card.Value is string existing && existing.TrimEnd() == name)
                {
                    header.Set(versionKey, version);
                    return;
                }
            }
            else
            {
                header.Set(nameKey, name);
                header.Set(versionKey, version);
                return;
            }
        }
        throw new InvalidOperationException("Too many versions to track (DEPNAM00 … DEPNAM99 all used)");
    }

    /// <summary>gpuextract and its version, then the DESI environment variables, as <c>add_dependencies</c> adds its modules and variables.</summary>
    public static void AddGpuExtract(FitsHeader header)
    {
        Set(header, "gpuextract", GpuExtractVersion);
        foreach (string variable in EnvironmentVariables)
        {
            Set(header, variable, Environment.GetEnvironmentVariable(variable) ?? "NOT_SET");
        }
    }

    private static string ReadVersion()
    {
        Assembly assembly = typeof(Dependencies).Assembly;
        string? informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        string version = informational ?? assembly.GetName().Version?.ToString(3) ?? "unknown";
        int plus = version.IndexOf('+');
        return plus > 0 ? version[..plus] : version;
    }
}
