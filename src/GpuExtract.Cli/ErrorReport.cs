using GpuExtract.Core.Extraction;
using GpuExtract.Core.Psf;
using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Fits;

namespace GpuExtract.Cli;

/// <summary>Which failures are the user's input (exit 2) and how each is told in one line.</summary>
public static class ErrorReport
{
    /// <summary>
    /// Bad input or usage: the libraries' domain exceptions, and files that are missing or
    /// unreadable. Anything else is an internal error (exit 1).
    /// </summary>
    public static bool IsInputError(Exception error) => error is
        UsageException
        or FitsFormatException
        or OutputFileException
        or PsfFormatException
        or ExtractionInputException
        or Core.Simulation.SimulationInputException
        or LapackUnavailableException
        or FileNotFoundException
        or DirectoryNotFoundException
        or UnauthorizedAccessException;

    /// <summary>The message on one line.</summary>
    public static string OneLine(Exception error) => error.Message.ReplaceLineEndings(" ").Trim();
}
