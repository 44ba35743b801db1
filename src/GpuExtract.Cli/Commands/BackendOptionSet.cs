using System.CommandLine;
using GpuExtract.Cli.Syntax;
using GpuExtract.Core.Extraction;

namespace GpuExtract.Cli.Commands;

/// <summary>
/// Where patches are solved: <c>--backend</c>, <c>--threads</c> and <c>--lapack</c>, shared by every command
/// that extracts (extract, batch, demo, gpu-benchmark).
/// </summary>
public sealed class BackendOptionSet
{
    public Option<string> Backend { get; } = new("--backend")
    {
        HelpName = "auto|cpu|cuda",
        Description = "where patches are solved; auto picks CUDA when usable",
        DefaultValueFactory = _ => "auto",
        CustomParser = OptionParsers.OneOf("auto", "cpu", "cuda")!,
    };

    public Option<int?> Threads { get; } = new("--threads")
    {
        HelpName = "N",
        Description = "CPU worker threads (default: all cores)",
        CustomParser = OptionParsers.OptionalInteger(minimum: 1),
    };

    public Option<string> Lapack { get; } = new("--lapack")
    {
        HelpName = "auto|native|managed",
        Description = "CPU linear algebra: system OpenBLAS/LAPACK or managed code",
        DefaultValueFactory = _ => "auto",
        CustomParser = OptionParsers.OneOf("auto", "native", "managed")!,
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(Backend);
        command.Add(Threads);
        command.Add(Lapack);
    }

    /// <summary>Worker threads: --threads, else every core.</summary>
    public int ThreadCount(ParseResult parse) => parse.GetValue(Threads) ?? Environment.ProcessorCount;

    /// <summary>The backend asked for, telling the choice on <paramref name="log"/> (see <see cref="Backends.Create"/>).</summary>
    public IExtractionBackend Create(ParseResult parse, TextWriter log, int device = 0) =>
        Backends.Create(parse.GetValue(Backend)!, ThreadCount(parse), parse.GetValue(Lapack)!, log, device);
}
