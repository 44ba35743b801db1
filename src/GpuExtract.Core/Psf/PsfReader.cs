namespace GpuExtract.Core.Psf;

/// <summary>Reads specex GAUSS-HERMITE PSF files (PSFVER ≥ 3) into <see cref="GaussHermitePsfCoefficients"/>.</summary>
internal static class PsfReader
{
    public static GaussHermitePsfCoefficients Read(string path) =>
        throw new PsfFormatException(path, "primary", "FITS reading is not available yet");
}
