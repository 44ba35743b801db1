using System.Globalization;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Simulation;

namespace GpuExtract.Cli.Tests.Batch;

/// <summary>
/// Small simulated frames for batch runs, made once per test class on first use: the synthetic r-camera
/// PSF cut to its first bundle (<see cref="PsfFibers"/> fibers) and the CCD's first
/// <see cref="CcdColumns"/> × <see cref="CcdRows"/> pixels (fibers 0–4 at 5980–6320 Å lie well inside),
/// <see cref="FrameCount"/> preproc images of 5 fibers × 6000–6300 Å (376 bins), each with its own
/// noise seed, and a CSV manifest listing them with per-frame grid and fiber columns. The small CCD and
/// PSF keep reading a frame to milliseconds (a full CCD and 500-fiber PSF take seconds), so the runs
/// spend their time on extraction and on the batch logic under test.
/// </summary>
public sealed class SimulatedBatch : IDisposable
{
    public const int FrameCount = 4;

    public const int CcdColumns = 320, CcdRows = 1600, PsfFibers = 25;

    public const string Grid = "6000,6300,0.8";

    private readonly Lazy<string> manifest;

    public SimulatedBatch()
    {
        Directory.CreateDirectory(Root);
        manifest = new Lazy<string>(Create);
    }

    /// <summary>Simulates the inputs (once, on first use, so that skipped tests cost nothing) and returns the manifest.</summary>
    private string Create()
    {
        GaussHermitePsfCoefficients psf = CutCcd(SyntheticPsf.Coefficients());
        PsfWriter.Write(Path.Combine(Root, "psf-r0.fits"), psf);
        var model = new GaussHermitePsf(psf);
        var lines = new List<string> { "input,psf,output,wmin,wmax,dw,specmin,nspec" };
        for (int i = 0; i < FrameCount; i++)
        {
            var options = new SimulationOptions { FiberMin = 0, FiberCount = 5, WaveMin = 6000, WaveMax = 6300, WaveStep = 0.8, Seed = 100 + i };
            FrameSimulator.Simulate(model, options, "psf-r0.fits").Write(Path.Combine(Root, $"preproc-{i}.fits.gz"));
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"preproc-{i}.fits.gz,psf-r0.fits,{OutputName(i)},{Grid},0,5"));
        }
        string path = Path.Combine(Root, "frames.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>The directory of inputs and manifest (runs write below it).</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"gpuextract-batch-e2e-{Guid.NewGuid():N}");

    /// <summary>The manifest of all frames, outputs relative (so --outdir places them).</summary>
    public string Manifest => manifest.Value;

    /// <summary>Output file name of frame <paramref name="index"/>.</summary>
    public static string OutputName(int index) => $"frame-r0-{index}.fits";

    /// <summary>A fresh directory under <see cref="Root"/> for one run's outputs.</summary>
    public string NewOutputDirectory(string name)
    {
        string path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The same PSF's first <see cref="PsfFibers"/> fibers on a CCD of <see cref="CcdColumns"/> × <see cref="CcdRows"/> pixels.</summary>
    private static GaussHermitePsfCoefficients CutCcd(GaussHermitePsfCoefficients c) => c with
    {
        XTrace = FirstRows(c.XTrace),
        YTrace = FirstRows(c.YTrace),
        Parameters = c.Parameters.ToDictionary(p => p.Key, p => FirstRows(p.Value)),
        NPixX = CcdColumns,
        NPixY = CcdRows,
    };

    /// <summary>Coefficients [fiber, coefficient] of the first <see cref="PsfFibers"/> fibers.</summary>
    private static double[,] FirstRows(double[,] coefficients)
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

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
        catch (IOException)
        {
            // Temporary files only.
        }
    }
}
