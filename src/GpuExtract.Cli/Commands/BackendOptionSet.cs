using System.CommandLine;
using GpuExtract.Cli.Syntax;
using GpuExtract.Core.Extraction;

namespace GpuExtract.Cli.Commands;

/// <summary>
/// Where patches are solved: <c>--backend</c>, <c>--threads</c>, <c>--lapack</c> and <c>--device-solver</c>, shared by every command
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

    public Option<string> DeviceSolver { get; } = new("--device-solver")
    {
        HelpName = "band|dense",
        Description = "how the GPU solves each patch: band (the CPU's band Cholesky and selected inverse) or dense (cuSOLVER on N×N matrices)",
        DefaultValueFactory = _ => "band",
        CustomParser = OptionParsers.OneOf("band", "dense")!,
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(Backend);
        command.Add(Threads);
        command.Add(Lapack);
        command.Add(DeviceSolver);
    }

    /// <summary>The GPU settings asked for; <paramref name="stageTiming"/> makes the device wait after every stage to time it.</summary>
    public Backends.GpuSettings Gpu(ParseResult parse, bool stageTiming = false) =>
        new(parse.GetValue(DeviceSolver) == "dense" ? Cuda.Pipeline.DeviceSolver.Dense : Cuda.Pipeline.DeviceSolver.Band, stageTiming);

    /// <summary>Worker threads: --threads, else every core.</summary>
    public int ThreadCount(ParseResult parse) => parse.GetValue(Threads) ?? Environment.ProcessorCount;

    /// <summary>
    /// The backend asked for, telling the choice on <paramref name="log"/> (see <see cref="Backends.Create"/>);
    /// <paramref name="ranksPerDevice"/> processes share GPU <paramref name="device"/>.
    /// </summary>
    public IExtractionBackend Create(ParseResult parse, TextWriter log, int device = 0, int ranksPerDevice = 1) =>
        Backends.Create(parse.GetValue(Backend)!, ThreadCount(parse), parse.GetValue(Lapack)!, log, device, ranksPerDevice, Gpu(parse));
}
