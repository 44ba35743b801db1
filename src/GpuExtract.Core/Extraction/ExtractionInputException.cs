namespace GpuExtract.Core.Extraction;

/// <summary>
/// The inputs of an extraction are unusable (a missing HDU, shapes that disagree, a PSF that does not
/// cover the requested fibers or wavelengths, bad options). The message is one line naming the file,
/// the HDU and the value at fault; the CLI turns it into exit code 2.
/// </summary>
public sealed class ExtractionInputException(string message) : Exception(message);
