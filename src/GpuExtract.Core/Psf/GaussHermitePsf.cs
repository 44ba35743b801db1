namespace GpuExtract.Core.Psf;

// Placeholder so the extraction contracts compile; the PSF work replaces this file with the model.
public sealed class GaussHermitePsf
{
}
