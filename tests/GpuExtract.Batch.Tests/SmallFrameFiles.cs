using GpuExtract.Core.Extraction;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Simulation;

namespace GpuExtract.Batch.Tests;

/// <summary>
/// Small simulated inputs on disk, made once per test class: the synthetic r-camera PSF cut to its first
/// 25 fibers and a 320 × 1600 pixel CCD, and <see cref="FrameCount"/> preproc images of fibers 0–4 over
/// 6000–6300 Å, each with its own noise seed. Small enough that reading and planning take milliseconds.
/// </summary>
public sealed class SmallFrameFiles : IDisposable
{
    public const int FrameCount = 3;

    private const int CcdColumns = 320, CcdRows = 1600, PsfFibers = 25;

    private readonly BatchDirectory directory = new();

    public SmallFrameFiles()
    {
        GaussHermitePsfCoefficients c = SyntheticPsf.Coefficients();
        GaussHermitePsfCoefficients cut = c with
        {
            XTrace = FirstFibers(c.XTrace),
            YTrace = FirstFibers(c.YTrace),
            Parameters = c.Parameters.ToDictionary(p => p.Key, p => FirstFibers(p.Value)),
            NPixX = CcdColumns,
            NPixY = CcdRows,
        };
        PsfWriter.Write(Psf, cut);
        var model = new GaussHermitePsf(cut);
        for (int i = 0; i < FrameCount; i++)
        {
            var options = new SimulationOptions { FiberMin = 0, FiberCount = 5, WaveMin = 6000, WaveMax = 6300, WaveStep = 0.8, Seed = 200 + i, Threads = 1 };
            FrameSimulator.Simulate(model, options, "psf.fits").Write(Preproc(i));
        }
    }

    /// <summary>The PSF file.</summary>
    public string Psf => directory.File("psf.fits");

    /// <summary>Preproc file of frame <paramref name="index"/>.</summary>
    public string Preproc(int index) => directory.File($"preproc-{index}.fits");

    /// <summary>A manifest entry for frame <paramref name="index"/>; its output (never written here) is in <paramref name="outdir"/>.</summary>
    public ManifestEntry Entry(int index, string outdir) =>
        new(index, index + 2, Preproc(index), Psf, Path.Combine(outdir, $"frame-{index}.fits"), null, FrameSettings.None);

    /// <summary>The simulated fibers and grid, in patches of 50 bins.</summary>
    public static ExtractionOptions Options => new()
    {
        Wavelengths = ExtractionOptions.LinearGrid(6000, 6300, 0.8),
        SpecMin = 0,
        NSpec = 5,
    };

    private static double[,] FirstFibers(double[,] coefficients)
    {
        var rows = new double[PsfFibers, coefficients.GetLength(1)];
        for (int f = 0; f < PsfFibers; f++)
        {
            for (int k = 0; k < coefficients.GetLength(1); k++)
            {
                rows[f, k] = coefficients[f, k];
            }
        }
        return rows;
    }

    public void Dispose() => directory.Dispose();
}
