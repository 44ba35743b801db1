namespace GpuExtract.Cuda.Pipeline;

/// <summary>
/// Where a batch's results lie in the one device area that is downloaded, in one copy, at the end of the batch
/// [byte offsets]: the patch status and eigensolver info (int32); flux, ivar, the resolution band (held to the
/// CPU's results to 1e-12) and the pixmask fraction (compared with 1 − 1e-9 for ALLBADPIX) as float64; then
/// chi2pix and the model pixels as float32, the type the frame and model files store them in, so the download
/// carries no more than the files keep.
/// </summary>
internal readonly record struct BatchOutputLayout(long Status, long EigenInfo, long Flux, long Ivar, long Resolution, long Chi2Pix, long Pixmask, long Model, long Bytes)
{
    /// <summary>The layout for <paramref name="patches"/> patches, <paramref name="eigenCount"/> eigen-decompositions, <paramref name="rows"/> output rows and <paramref name="modelPixels"/> model pixels.</summary>
    public static BatchOutputLayout For(int patches, int eigenCount, int rows, int diagonals, long modelPixels)
    {
        long status = 0;
        long eigenInfo = status + patches * sizeof(int);
        long flux = Align(eigenInfo + (long)eigenCount * sizeof(int));
        long ivar = flux + (long)rows * sizeof(double);
        long resolution = ivar + (long)rows * sizeof(double);
        long pixmask = resolution + (long)rows * diagonals * sizeof(double);
        long chi2Pix = pixmask + (long)rows * sizeof(double);
        long model = chi2Pix + (long)rows * sizeof(float);
        long bytes = Align(model + modelPixels * sizeof(float));
        return new BatchOutputLayout(status, eigenInfo, flux, ivar, resolution, chi2Pix, pixmask, model, bytes);
    }

    private static long Align(long offset) => (offset + 7) / 8 * 8;
}
