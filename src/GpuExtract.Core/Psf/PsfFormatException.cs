namespace GpuExtract.Core.Psf;

/// <summary>
/// A PSF file (or in-memory coefficient set) that the Gauss-Hermite model cannot use: wrong
/// PSFTYPE/PSFVER, missing HDU, column, keyword or parameter, inconsistent shapes.
/// The message is one line naming the file, the HDU and the value found.
/// </summary>
public sealed class PsfFormatException : Exception
{
    /// <param name="file">PSF file path (or a description of the in-memory source).</param>
    /// <param name="hdu">HDU name (XTRACE, YTRACE, PSF, primary).</param>
    /// <param name="problem">What is wrong, including the value found.</param>
    public PsfFormatException(string file, string hdu, string problem)
        : base($"{file}: HDU {hdu}: {problem}")
    {
        File = file;
        Hdu = hdu;
    }

    /// <param name="file">PSF file path.</param>
    /// <param name="hdu">HDU name.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="inner">The underlying error (e.g. a FITS format error).</param>
    public PsfFormatException(string file, string hdu, string problem, Exception inner)
        : base($"{file}: HDU {hdu}: {problem}", inner)
    {
        File = file;
        Hdu = hdu;
    }

    /// <summary>The PSF file (or in-memory source).</summary>
    public string File { get; }

    /// <summary>The HDU concerned.</summary>
    public string Hdu { get; }
}
