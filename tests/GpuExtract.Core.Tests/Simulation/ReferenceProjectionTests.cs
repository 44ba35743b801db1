using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Simulation;
using GpuExtract.Fits;
using GpuExtract.Testing;

namespace GpuExtract.Core.Tests.Simulation;

public class ReferenceProjectionTests
{
    /// <summary>
    /// The reference's `small` preproc holds the input spectra (TRUTH) and specter's projection of them
    /// through the real PSF (NOISELESS). Projecting the same TRUTH with our code must give the same image.
    /// </summary>
    [SkippableFact]
    public void Projection_MatchesSpecterOnTheReferenceTruth()
    {
        string? preprocPath = TestEnvironment.SharedFile("reference/small-preproc.fits.gz", out string why);
        Skip.If(preprocPath is null, why);
        string? psfPath = TestEnvironment.SharedFile("data/psf-r0-00051060.fits", out why);
        Skip.If(psfPath is null, why);

        using var file = FitsFile.Open(preprocPath!);
        FitsHeader header = file["IMAGE"].Header;
        int specMin = (int)header.GetInt("SPECMIN"), nspec = (int)header.GetInt("NSPEC");
        var grid = new SimulationGrid(header.GetDouble("WMIN"), header.GetDouble("WMAX"), header.GetDouble("DW"), header.GetDouble("SIMPAD"));
        double[] truthWave = file["TRUTHWAVE"].ReadImage<double>();
        Assert.Equal(truthWave.Length, grid.Count);
        for (int j = 0; j < grid.Count; j++)
        {
            Assert.True(Math.Abs(truthWave[j] - grid.Wavelengths[j]) < 1e-9, $"TRUTHWAVE[{j}] = {truthWave[j]}, ours {grid.Wavelengths[j]}");
        }
        // TRUTH is photons per 0.8 Å bin divided by 0.8 (README §3.1).
        double[] photons = file["TRUTH"].ReadImage<double>();
        for (int i = 0; i < photons.Length; i++)
        {
            photons[i] *= 0.8;
        }
        var targets = new FiberTarget[nspec];
        for (int i = 0; i < nspec; i++)
        {
            targets[i] = TargetCatalog.ForFiber(specMin + i); // only the count matters to the projection
        }
        var truth = new SimulatedTruth { FiberMin = specMin, Grid = grid, Photons = photons, Targets = targets };

        FitsHdu noiselessHdu = file["NOISELESS"];
        double[] reference = noiselessHdu.ReadImage<double>();
        var box = new PixelBox((int)noiselessHdu.Header.GetInt("XMIN"), (int)noiselessHdu.Header.GetInt("XMAX"),
            (int)noiselessHdu.Header.GetInt("YMIN"), (int)noiselessHdu.Header.GetInt("YMAX"));

        GaussHermitePsf psf = GaussHermitePsf.Load(psfPath!);
        var image = new double[psf.NPixX * psf.NPixY];
        PixelBox touched = PhotonProjection.Project(psf, truth, image);
        Assert.True(touched.XMin >= box.XMin && touched.XMax <= box.XMax && touched.YMin >= box.YMin && touched.YMax <= box.YMax,
            $"our spots cover {touched}, beyond the reference region {box}");

        double peak = reference.Max(), worst = 0;
        for (int y = box.YMin; y < box.YMax; y++)
        {
            for (int x = box.XMin; x < box.XMax; x++)
            {
                double difference = Math.Abs(image[y * psf.NPixX + x] - reference[(y - box.YMin) * box.Width + x - box.XMin]);
                worst = Math.Max(worst, difference);
            }
        }
        // Same spots (the PSF tests match specter's stamps to ~1e-12) summed in another order: measured 2.4e-10 e at a 2606 e peak.
        Assert.True(worst <= 1e-11 * peak, $"largest difference {worst} e against a peak of {peak} e");
    }
}
