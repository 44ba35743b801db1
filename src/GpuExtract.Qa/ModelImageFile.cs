using GpuExtract.Core.Extraction;
using GpuExtract.Fits;

namespace GpuExtract.Qa;

/// <summary>The model image that <c>gpuextract extract --model</c> writes: one float image [electron], EXTNAME MODEL, shape [NPIX_Y, NPIX_X].</summary>
public static class ModelImageFile
{
    /// <summary>Reads the MODEL HDU (or the primary HDU when none is named MODEL) and checks its shape.</summary>
    /// <exception cref="ExtractionInputException">the image is not 2-D [npixY, npixX].</exception>
    /// <exception cref="FitsFormatException">the file is not valid FITS.</exception>
    public static float[] Read(string path, int npixX, int npixY)
    {
        using var file = FitsFile.Open(path);
        FitsHdu hdu = file.TryGetHdu("MODEL", out FitsHdu named) ? named : file[0];
        if (hdu.Shape.Length != 2 || hdu.Shape[0] != npixY || hdu.Shape[1] != npixX)
        {
            throw new ExtractionInputException(
                $"{path}, HDU {hdu.Name ?? hdu.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)}: model shape ({string.Join(", ", hdu.Shape)}), expected the image's ({npixY}, {npixX})");
        }
        return hdu.ReadImage<float>();
    }
}
