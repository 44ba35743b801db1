using GpuExtract.Core.Extraction;

namespace GpuExtract.Fuzz;

/// <summary>Which input a mutation changed: the message of a refusal must name that file.</summary>
public enum FuzzTarget
{
    Preproc,
    Psf,
    Options,
}

/// <summary>One mutated input: the files' bytes, the options, what was changed and where.</summary>
public sealed record FuzzCase(
    int Index,
    string Input,
    string Kind,
    string Description,
    FuzzTarget Target,
    byte[] Preproc,
    bool PreprocGzip,
    byte[] Psf,
    Func<ExtractionOptions> Options);
