using GpuExtract.Fits;

namespace GpuExtract.Batch;

/// <summary>
/// Decides whether a batch frame is already done: its output exists, holds every HDU of a frame file,
/// and every HDU's DATASUM and CHECKSUM verify. Frame files are written atomically, so a crash leaves
/// either nothing or a whole file under the final name; this check also catches what happens to files
/// afterwards (truncated copies, disk errors, another program's file under that name).
/// </summary>
public static class OutputVerification
{
    /// <summary>The HDUs every frame file written by <see cref="Formats.FrameFile"/> has (FIBERMAP is optional).</summary>
    public static IReadOnlyList<string> RequiredHdus { get; } = ["FLUX", "IVAR", "MASK", "WAVELENGTH", "RESOLUTION", "CHI2PIX"];

    private const int FitsBlock = 2880;

    /// <summary>Checks the file at <paramref name="path"/>; reads all of it to verify the checksums.</summary>
    public static OutputCheck Check(string path)
    {
        if (!File.Exists(path))
        {
            return new OutputCheck(OutputState.Missing);
        }
        try
        {
            if (!IsGzip(path) && new FileInfo(path).Length is long length && length % FitsBlock != 0)
            {
                // Readers forgive a short last block, since only its padding is missing; the FITS standard does not.
                return new OutputCheck(OutputState.Invalid, $"{path}: {length} bytes is not a whole number of 2880-byte FITS blocks (truncated)");
            }
            using FitsFile file = FitsFile.Open(path, verifyChecksums: true);
            foreach (FitsHdu hdu in file.Hdus)
            {
                if (!hdu.HasChecksum)
                {
                    return new OutputCheck(OutputState.Invalid, $"{path}, HDU {hdu.Index}: no DATASUM/CHECKSUM, so it cannot be verified");
                }
            }
            foreach (string name in RequiredHdus)
            {
                if (!file.TryGetHdu(name, out _))
                {
                    return new OutputCheck(OutputState.Invalid, $"{path}: no {name} HDU (it has {file.Hdus.Count} HDUs; a truncated or foreign file)");
                }
            }
            return new OutputCheck(OutputState.Valid);
        }
        catch (Exception e) when (e is FitsFormatException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return new OutputCheck(OutputState.Invalid, e.Message.ReplaceLineEndings(" "));
        }
    }

    private static bool IsGzip(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return stream.ReadByte() == 0x1F && stream.ReadByte() == 0x8B;
    }
}
