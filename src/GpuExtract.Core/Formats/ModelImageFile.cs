using System.Globalization;
using GpuExtract.Core.Extraction;
using GpuExtract.Fits;

namespace GpuExtract.Core.Formats;

/// <summary>
/// The 2-D pixel model of an extraction (<c>-m/--model</c>), written as desispec's extraction writes it:
/// one primary image carrying the frame's header (<c>fits.writeto(model, modelimage, header=frame.meta)</c>),
/// except that EXTNAME and BUNIT say what the image is (MODEL, electron).
/// </summary>
public static class ModelImageFile
{
    /// <summary>Writes <paramref name="model"/> [electron], shape [<paramref name="npixY"/>, <paramref name="npixX"/>], atomically.</summary>
    public static void Write(string path, float[] model, int npixX, int npixY, FitsHeader frameHeader) =>
        FitsWriter.WriteFile(path, writer => WriteImage(writer, model, npixX, npixY, frameHeader));

    /// <summary>Writes the model into an output of an <see cref="OutputSet"/> (it appears at the set's commit).</summary>
    public static void Write(OutputSet.Output output, float[] model, int npixX, int npixY, FitsHeader frameHeader)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteFits(writer => WriteImage(writer, model, npixX, npixY, frameHeader));
    }

    /// <summary>Reads the MODEL HDU (or the primary HDU when none is named MODEL) and checks its shape [npixY, npixX].</summary>
    /// <exception cref="ExtractionInputException">the image is not 2-D [npixY, npixX].</exception>
    /// <exception cref="FitsFormatException">the file is not valid FITS.</exception>
    public static float[] Read(string path, int npixX, int npixY)
    {
        using var file = FitsFile.Open(path);
        FitsHdu hdu = file.TryGetHdu("MODEL", out FitsHdu named) ? named : file[0];
        if (hdu.Shape.Length != 2 || hdu.Shape[0] != npixY || hdu.Shape[1] != npixX)
        {
            throw new ExtractionInputException(
                $"{path}, HDU {hdu.Name ?? hdu.Index.ToString(CultureInfo.InvariantCulture)}: model shape ({string.Join(", ", hdu.Shape)}), expected the image's ({npixY}, {npixX})");
        }
        return hdu.ReadImage<float>();
    }

    private static void WriteImage(FitsWriter writer, float[] model, int npixX, int npixY, FitsHeader frameHeader)
    {
        var header = new FitsHeader();
        foreach (FitsCard card in frameHeader)
        {
            if (card.Key == "COMMENT")
            {
                header.AddComment(card.Value as string ?? "");
            }
            else if (card.Key == "HISTORY")
            {
                header.AddHistory(card.Value as string ?? "");
            }
            else if (card.Value is not null && card.Key != "")
            {
                header.Set(card.Key, card.Value, card.Comment);
            }
        }
        header.Set("EXTNAME", "MODEL");
        header.Set("BUNIT", "electron");
        writer.WriteImage<float>(header, model, [npixY, npixX]);
    }
}
