using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace GpuExtract.Cuda.Kernels;

/// <summary>
/// One CUDA C source file of <c>kernels/</c> (embedded in this assembly), with the headers it may include and
/// the names of the kernels it defines (its <c>extern "C" __global__</c> functions).
/// </summary>
public sealed partial class KernelSource
{
    private const string ResourcePrefix = "kernels/";

    public KernelSource(string name, string text, IReadOnlyDictionary<string, string> headers)
    {
        Name = name;
        Text = text;
        Headers = headers;
        var kernels = new List<string>();
        foreach (Match match in KernelDeclaration().Matches(text))
        {
            kernels.Add(match.Groups[1].Value);
        }
        KernelNames = kernels;
    }

    /// <summary>File name, e.g. "spots.cu".</summary>
    public string Name { get; }

    /// <summary>The source text.</summary>
    public string Text { get; }

    /// <summary>Headers available to #include "name", by name (e.g. "common.cuh").</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Kernels this file defines.</summary>
    public IReadOnlyList<string> KernelNames { get; }

    /// <summary>SHA-256 (hex) of the source and every header, in name order: what the compiled code depends on.</summary>
    public string ContentHash
    {
        get
        {
            var text = new StringBuilder();
            text.Append(Name).Append('\0').Append(Text).Append('\0');
            foreach (var (name, header) in Headers.OrderBy(h => h.Key, StringComparer.Ordinal))
            {
                text.Append(name).Append('\0').Append(header).Append('\0');
            }
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        }
    }

    /// <summary>Every kernels/*.cu embedded in this assembly, with kernels/*.cuh as their headers, in name order.</summary>
    public static IReadOnlyList<KernelSource> Embedded { get; } = LoadEmbedded();

    private static List<KernelSource> LoadEmbedded()
    {
        Assembly assembly = typeof(KernelSource).Assembly;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        var sources = new List<(string Name, string Text)>();
        foreach (string resource in assembly.GetManifestResourceNames().Order(StringComparer.Ordinal))
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }
            using Stream stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            string name = resource[ResourcePrefix.Length..];
            string text = reader.ReadToEnd();
            if (name.EndsWith(".cuh", StringComparison.Ordinal))
            {
                headers[name] = text;
            }
            else if (name.EndsWith(".cu", StringComparison.Ordinal))
            {
                sources.Add((name, text));
            }
        }
        return sources.ConvertAll(s => new KernelSource(s.Name, s.Text, headers));
    }

    [GeneratedRegex(@"extern\s+""C""\s+__global__\s+void\s+(\w+)\s*\(")]
    private static partial Regex KernelDeclaration();
}
