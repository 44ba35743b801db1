using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;

namespace GpuExtract.Core.Simulation;

/// <summary>
/// The noiseless CCD image of a set of spectra: each simulation bin's photons land at the bin's
/// centre wavelength with the PSF's spot there, image = Σ_spots photons·stamp (specter's
/// <c>psf.project</c> forward model). Spots are evaluated once each, one bundle-sized chunk of
/// fibers at a time (25 fibers × nsim spots ≈ 90 MB for a full r grid, instead of 1.8 GB for a frame).
/// </summary>
/// <remarks>
/// Chunks are scattered in a fixed order, even chunks first, then odd; within a pass the chunks'
/// columns are disjoint (neighbouring bundles' traces are ≥ 190 px apart), so they run in parallel
/// without locks and every pixel receives its terms in the same order whatever the thread count:
/// the image is bit-for-bit reproducible. Should the columns of a pass overlap (an unusual PSF),
/// that pass runs its chunks one after the other in the same order.
/// </remarks>
public static class PhotonProjection
{
    /// <summary>Fibers per chunk, aligned on multiples of this (DESI bundles).</summary>
    public const int ChunkFibers = FiberLayout.BundleSize;

    /// <summary>
    /// Adds the projection of <paramref name="truth"/> through <paramref name="psf"/> to <paramref name="image"/>
    /// and returns the box of pixels touched (empty when no spot lands on the CCD).
    /// </summary>
    /// <param name="psf">The PSF; must cover the truth's fibers.</param>
    /// <param name="truth">Photons per simulation bin of each fiber.</param>
    /// <param name="image">Noiseless image [electron], accumulated; shape [NPIX_Y, NPIX_X].</param>
    /// <param name="threads">Worker threads; 0 = all cores.</param>
    public static PixelBox Project(GaussHermitePsf psf, SimulatedTruth truth, double[] image, int threads = 0)
    {
        if (image.Length != (long)psf.NPixX * psf.NPixY)
        {
            throw new ArgumentException($"image has {image.Length} pixels, the PSF's CCD {psf.NPixX} × {psf.NPixY}", nameof(image));
        }
        threads = threads > 0 ? threads : Environment.ProcessorCount;
        List<Chunk> chunks = Chunks(psf, truth);
        var box = new Bounds();
        for (int pass = 0; pass < 2; pass++)
        {
            var passChunks = new List<Chunk>();
            for (int i = pass; i < chunks.Count; i += 2)
            {
                passChunks.Add(chunks[i]);
            }
            int parallelChunks = ColumnsDisjoint(passChunks) ? Math.Clamp(passChunks.Count, 1, threads) : 1;
            int innerThreads = Math.Max(1, threads / parallelChunks);
            var bounds = new Bounds[passChunks.Count];
            Parallel.For(0, passChunks.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelChunks },
                i => bounds[i] = ScatterChunk(psf, truth, passChunks[i], image, innerThreads));
            foreach (var b in bounds)
            {
                box.Include(b);
            }
        }
        return box.ToPixelBox();
    }

    /// <summary>Fibers [Start, Start+Count) of the truth (indices into it) and the CCD columns their spots may reach.</summary>
    private readonly record struct Chunk(int Start, int Count, int XMin, int XMax);

    private static List<Chunk> Chunks(GaussHermitePsf psf, SimulatedTruth truth)
    {
        var chunks = new List<Chunk>();
        int index = 0;
        while (index < truth.FiberCount)
        {
            int fiber = truth.FiberMin + index;
            int count = Math.Min(ChunkFibers - Modulo(fiber, ChunkFibers), truth.FiberCount - index);
            // Columns of a stamp are trunc(x − HSIZEX + 0.5) … trunc(x + HSIZEX + 1.5) − 1; a margin of one
            // column each side covers floor versus trunc.
            double xmin = double.PositiveInfinity, xmax = double.NegativeInfinity;
            for (int f = fiber; f < fiber + count; f++)
            {
                foreach (double wavelength in truth.Wavelengths)
                {
                    double x = psf.X(f, wavelength);
                    xmin = Math.Min(xmin, x);
                    xmax = Math.Max(xmax, x);
                }
            }
            int columnMin = (int)Math.Floor(xmin) - psf.HalfSizeX - 1;
            int columnMax = (int)Math.Floor(xmax) + psf.HalfSizeX + 3;
            chunks.Add(new Chunk(index, count, columnMin, columnMax));
            index += count;
        }
        return chunks;
    }

    private static bool ColumnsDisjoint(List<Chunk> chunks)
    {
        for (int i = 0; i < chunks.Count; i++)
        {
            for (int j = i + 1; j < chunks.Count; j++)
            {
                if (chunks[i].XMin < chunks[j].XMax && chunks[j].XMin < chunks[i].XMax)
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static Bounds ScatterChunk(GaussHermitePsf psf, SimulatedTruth truth, Chunk chunk, double[] image, int threads)
    {
        int nsim = truth.Grid.Count;
        SpotTable spots = psf.EvaluateSpots(truth.FiberMin + chunk.Start, chunk.Count, truth.Wavelengths, threads);
        int npixX = psf.NPixX;
        int stampRows = spots.StampRows, stampCols = spots.StampCols;
        double[] values = spots.Values;
        var bounds = new Bounds();
        for (int fiber = 0; fiber < chunk.Count; fiber++)
        {
            ReadOnlySpan<double> photons = truth.PhotonsOf(chunk.Start + fiber);
            for (int w = 0; w < nsim; w++)
            {
                int spot = fiber * nsim + w; // EvaluateSpots is fiber-major
                double weight = photons[w];
                int rows = spots.Rows[spot], cols = spots.Cols[spot];
                if (weight == 0 || rows == 0 || cols == 0)
                {
                    continue;
                }
                int xmin = spots.XMin[spot], ymin = spots.YMin[spot];
                bounds.Include(xmin, xmin + cols, ymin, ymin + rows);
                for (int r = 0; r < rows; r++)
                {
                    ReadOnlySpan<double> stampRow = values.AsSpan((spot * stampRows + r) * stampCols, cols);
                    Span<double> imageRow = image.AsSpan((ymin + r) * npixX + xmin, cols);
                    for (int c = 0; c < cols; c++)
                    {
                        imageRow[c] += weight * stampRow[c];
                    }
                }
            }
        }
        return bounds;
    }

    private static int Modulo(int a, int n) => ((a % n) + n) % n;

    /// <summary>A growing box of pixels, half-open.</summary>
    private struct Bounds()
    {
        private int _xmin = int.MaxValue, _xmax = int.MinValue, _ymin = int.MaxValue, _ymax = int.MinValue;

        public void Include(int xmin, int xmax, int ymin, int ymax)
        {
            _xmin = Math.Min(_xmin, xmin);
            _xmax = Math.Max(_xmax, xmax);
            _ymin = Math.Min(_ymin, ymin);
            _ymax = Math.Max(_ymax, ymax);
        }

        public void Include(Bounds other)
        {
            if (other._xmin <= other._xmax)
            {
                Include(other._xmin, other._xmax, other._ymin, other._ymax);
            }
        }

        public readonly PixelBox ToPixelBox() => _xmin <= _xmax ? new PixelBox(_xmin, _xmax, _ymin, _ymax) : new PixelBox(0, 0, 0, 0);
    }
}
