using GpuExtract.Core.Planning;

namespace GpuExtract.Core.Simulation;

/// <summary>
/// Pixel values and inverse variances of a noiseless image: IMAGE = Poisson(model) + N(0, RDNOISE²),
/// IVAR = 1/(RDNOISE² + max(model or IMAGE, 0)), the DESI preproc recipe with gain 1. Each CCD row
/// draws from its own <see cref="RandomStream"/>(seed, row), so the pixels do not depend on the
/// number of threads.
/// </summary>
public static class PixelNoise
{
    /// <summary>
    /// Fills <paramref name="image"/> and <paramref name="ivar"/> inside <paramref name="region"/>
    /// (pixels outside are left as they are).
    /// </summary>
    /// <param name="model">Expected electrons per pixel; shape [NPIX_Y, NPIX_X].</param>
    /// <param name="npixX">Columns of the CCD.</param>
    /// <param name="region">Pixels to simulate.</param>
    /// <param name="seed">Noise seed.</param>
    /// <param name="readNoise">Gaussian read noise σ [electron].</param>
    /// <param name="ivarFromImage">Use the noisy value instead of the model in IVAR (DESI's preproc does).</param>
    /// <param name="image">Output pixel values [electron]; shape as <paramref name="model"/>.</param>
    /// <param name="ivar">Output inverse variance [electron⁻²]; 0 where the variance would be 0 (no read noise, no light).</param>
    /// <param name="threads">Worker threads; 0 = all cores.</param>
    public static void Apply(double[] model, int npixX, PixelBox region, long seed, double readNoise, bool ivarFromImage,
        float[] image, float[] ivar, int threads = 0)
    {
        if (!(readNoise >= 0) || !double.IsFinite(readNoise))
        {
            throw new SimulationInputException($"read noise {readNoise} e must be ≥ 0");
        }
        double readVariance = readNoise * readNoise;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
        Parallel.For(region.YMin, region.YMax, options, y =>
        {
            var random = new RandomStream(seed, y);
            int offset = y * npixX;
            for (int x = region.XMin; x < region.XMax; x++)
            {
                double expected = Math.Max(model[offset + x], 0.0);
                double counts = random.NextPoisson(expected) + (readNoise > 0 ? readNoise * random.NextGaussian() : 0.0);
                float value = (float)counts;
                double variance = readVariance + Math.Max(ivarFromImage ? value : expected, 0.0);
                image[offset + x] = value;
                ivar[offset + x] = variance > 0 ? (float)(1.0 / variance) : 0f;
            }
        });
    }
}
