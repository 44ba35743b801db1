using GpuExtract.Core.Planning;

namespace GpuExtract.Core.Psf;

/// <summary>
/// The specex Gauss-Hermite PSF (DESIGN §1.1–1.2): trace centres x(λ), y(λ), the reference's
/// inverse λ(y), and spots (pixel-integrated Gauss-Hermite cores plus tails) for any fiber and
/// wavelength, matching specter's GaussHermitePSF (reference README §7).
/// </summary>
/// <remarks>
/// Fibers are absolute numbers FiberMin … FiberMin+FiberCount−1. Thread-safe after construction.
/// As specter separates psf.py from gausshermite.py, the trace geometry is <see cref="PsfTraces"/> and the
/// spot model <see cref="GaussHermiteSpotModel"/>; this type checks arguments, maps fiber numbers to
/// indices and hands each question to one of them.
/// </remarks>
public sealed class GaussHermitePsf
{
    private readonly SpotGeometry _geometry;
    private readonly PsfTraces _traces;
    private readonly GaussHermiteSpotModel _spots;

    /// <summary>Builds the model from plain coefficients (validated; throws <see cref="PsfFormatException"/>).</summary>
    public GaussHermitePsf(GaussHermitePsfCoefficients coefficients)
        : this(coefficients, "(in-memory PSF coefficients)")
    {
    }

    private GaussHermitePsf(GaussHermitePsfCoefficients c, string source)
    {
        ArgumentNullException.ThrowIfNull(c);
        c.Validate(source);
        Coefficients = c;
        _geometry = new SpotGeometry(c.HalfSizeX, c.HalfSizeY, c.GhDegX, c.GhDegY, c.NPixX, c.NPixY);
        _traces = new PsfTraces(c, _geometry);
        _spots = new GaussHermiteSpotModel(c, _geometry, _traces);
    }

    /// <summary>
    /// Reads a specex GAUSS-HERMITE PSF file (PSFVER ≥ 3: HDUs XTRACE, YTRACE, PSF).
    /// Throws <see cref="PsfFormatException"/> naming the file, HDU and value for anything unusable.
    /// </summary>
    public static GaussHermitePsf Load(string path) => new(PsfReader.Read(path), path);

    /// <summary>The coefficients this model was built from.</summary>
    public GaussHermitePsfCoefficients Coefficients { get; }

    /// <summary>First fiber number (FIBERMIN).</summary>
    public int FiberMin => Coefficients.FiberMin;

    /// <summary>Number of fibers.</summary>
    public int FiberCount => Coefficients.FiberCount;

    /// <summary>CCD columns (NPIX_X).</summary>
    public int NPixX => Coefficients.NPixX;

    /// <summary>CCD rows (NPIX_Y).</summary>
    public int NPixY => Coefficients.NPixY;

    /// <summary>HSIZEX: stamps have 2·HSIZEX+1 columns.</summary>
    public int HalfSizeX => Coefficients.HalfSizeX;

    /// <summary>HSIZEY: stamps have 2·HSIZEY+1 rows.</summary>
    public int HalfSizeY => Coefficients.HalfSizeY;

    /// <summary>Full stamp height [pixels] = 2·HSIZEY+1.</summary>
    public int StampRows => _geometry.StampRows;

    /// <summary>Full stamp width [pixels] = 2·HSIZEX+1.</summary>
    public int StampCols => _geometry.StampCols;

    /// <summary>Hermite degree along columns.</summary>
    public int GhDegX => Coefficients.GhDegX;

    /// <summary>Hermite degree along rows.</summary>
    public int GhDegY => Coefficients.GhDegY;

    /// <summary>PSFERR, the fractional model error (0.01 when the file has none).</summary>
    public double PsfError => Coefficients.PsfError ?? 0.01;

    /// <summary>PSF table domain start WAVEMIN [Å].</summary>
    public double WaveMin => Coefficients.WaveMin;

    /// <summary>PSF table domain end WAVEMAX [Å].</summary>
    public double WaveMax => Coefficients.WaveMax;

    /// <summary>Smallest wavelength any fiber has on the CCD [Å] (the reference's psf.wmin).</summary>
    public double CcdWaveMin => _traces.CcdWaveMin;

    /// <summary>Largest wavelength any fiber has on the CCD [Å] (psf.wmax).</summary>
    public double CcdWaveMax => _traces.CcdWaveMax;

    /// <summary>Smallest wavelength every fiber has on the CCD [Å] (psf.wmin_all).</summary>
    public double CcdWaveMinAll => _traces.CcdWaveMinAll;

    /// <summary>Largest wavelength every fiber has on the CCD [Å] (psf.wmax_all).</summary>
    public double CcdWaveMaxAll => _traces.CcdWaveMaxAll;

    /// <summary>Trace centre x [pixel] of <paramref name="fiber"/> at <paramref name="wavelength"/> [Å].</summary>
    public double X(int fiber, double wavelength) => _traces.X.Evaluate(Index(fiber), wavelength);

    /// <summary>Trace centre y [pixel] of <paramref name="fiber"/> at <paramref name="wavelength"/> [Å].</summary>
    public double Y(int fiber, double wavelength) => _traces.Y.Evaluate(Index(fiber), wavelength);

    /// <summary>
    /// Wavelength [Å] of <paramref name="fiber"/> at CCD row coordinate <paramref name="y"/> [pixel],
    /// by the reference's inverse fit (see <see cref="TraceSet.Invert"/>), not the exact root.
    /// </summary>
    public double Wavelength(int fiber, double y) => _traces.Wavelength(Index(fiber), y);

    /// <summary>Wavelengths [Å] where the fiber's trace enters (y = −0.5) and leaves (y = NPIX_Y − 0.5) the CCD.</summary>
    public (double Min, double Max) WavelengthCoverage(int fiber) => _traces.Coverage(Index(fiber));

    /// <summary>
    /// Trace centres of fibers fiberStart … fiberStart+fiberCount−1 at every wavelength [Å]:
    /// <paramref name="x"/>, <paramref name="y"/> [pixel] of shape [fiberCount, wavelengths.Length]
    /// (the Legendre basis is computed once for the grid).
    /// </summary>
    public void EvaluateTraces(int fiberStart, int fiberCount, ReadOnlySpan<double> wavelengths, Span<double> x, Span<double> y)
    {
        int n = wavelengths.Length;
        if (fiberCount <= 0 || n == 0)
        {
            return;
        }
        int f = Index(fiberStart);
        Index(fiberStart + fiberCount - 1);
        if (x.Length < fiberCount * n || y.Length < fiberCount * n)
        {
            throw new ArgumentException($"x and y need {fiberCount} × {n} values");
        }
        _traces.Evaluate(f, fiberCount, wavelengths, x, y);
    }

    /// <summary>
    /// PSF parameter <paramref name="name"/> of fibers fiberStart … fiberStart+fiberCount−1 at every
    /// wavelength [Å]; shape [fiberCount, wavelengths.Length].
    /// </summary>
    public double[] EvaluateParameter(string name, int fiberStart, int fiberCount, ReadOnlySpan<double> wavelengths)
    {
        if (!Coefficients.Parameters.TryGetValue(name, out double[,]? c))
        {
            throw new KeyNotFoundException($"PSF has no parameter {name}");
        }
        var values = new double[Math.Max(0, fiberCount) * wavelengths.Length];
        if (values.Length == 0)
        {
            return values;
        }
        int f = Index(fiberStart);
        Index(fiberStart + fiberCount - 1);
        var set = new TraceSet(c, WaveMin, WaveMax);
        set.EvaluateMany(f, fiberCount, set.Basis(wavelengths), wavelengths.Length, values);
        return values;
    }

    /// <summary>PSF parameter <paramref name="name"/> (e.g. GHSIGX) of a fiber at a wavelength [Å].</summary>
    public double Parameter(string name, int fiber, double wavelength)
    {
        if (!Coefficients.Parameters.TryGetValue(name, out double[,]? c))
        {
            throw new KeyNotFoundException($"PSF has no parameter {name}");
        }
        int f = Index(fiber);
        Span<double> row = stackalloc double[c.GetLength(1)];
        for (int k = 0; k < row.Length; k++)
        {
            row[k] = c[f, k];
        }
        return Legendre.Evaluate(row, Legendre.Argument(wavelength, WaveMin, WaveMax));
    }

    /// <summary>
    /// Dispersion σ [Å] of the spot in wavelength, as the reference's PSF.wdisp: GHSIGY [pixel] times
    /// the Å per pixel, which it takes as numpy.gradient of λ(y) at the rows y = 0 … NPIX_Y−1,
    /// linearly interpolated (numpy.interp) at <paramref name="wavelength"/>.
    /// </summary>
    public double WDisp(int fiber, double wavelength)
    {
        int f = Index(fiber);
        double sigmaY = _spots.ParameterAt(f, SpotParameter.SigmaY, wavelength);
        return _traces.AngstromsPerPixel(f, wavelength) * sigmaY;
    }

    /// <summary>
    /// The spot of <paramref name="fiber"/> at <paramref name="wavelength"/>: stamp values written to
    /// <paramref name="stamp"/> (StampRows·StampCols values, layout as <see cref="SpotTable"/>: the
    /// CCD-clipped stamp at the top left with row stride StampCols, the rest 0). A wavelength outside
    /// the fiber's coverage, or a stamp entirely off the CCD, gives rows = cols = 0 (as the reference).
    /// </summary>
    public void Spot(int fiber, double wavelength, Span<double> stamp, out int xmin, out int ymin, out int rows, out int cols)
    {
        int f = Index(fiber);
        if (stamp.Length < StampRows * StampCols)
        {
            throw new ArgumentException($"stamp has {stamp.Length} values, needs {StampRows * StampCols}", nameof(stamp));
        }
        stamp = stamp[..(StampRows * StampCols)];
        _spots.Spot(f, wavelength, stamp, out xmin, out ymin, out rows, out cols);
    }

    /// <summary>
    /// Every spot of fibers fiberStart … fiberStart+fiberCount−1 at every wavelength [Å]; spot index
    /// (fiber − fiberStart)·wavelengths.Length + k. Parameters are evaluated per (fiber, wavelength
    /// block) as products with a Legendre basis computed once for the grid; fibers × blocks run in
    /// parallel on <paramref name="threads"/> threads (0: all cores).
    /// </summary>
    public SpotTable EvaluateSpots(int fiberStart, int fiberCount, ReadOnlySpan<double> wavelengths, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fiberCount);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        if (fiberCount > 0)
        {
            Index(fiberStart);
            Index(fiberStart + fiberCount - 1);
        }
        int nwave = wavelengths.Length;
        if ((long)fiberCount * nwave * StampRows * StampCols > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(wavelengths), $"{fiberCount} fibers × {nwave} wavelengths of {StampRows}×{StampCols} stamps exceed one array; evaluate fewer at a time");
        }
        return _spots.EvaluateSpots(fiberStart - FiberMin, fiberCount, wavelengths, threads);
    }

    /// <summary>
    /// The reference's psf.xyrange((fiberStart, fiberEndExclusive), (wmin, wmax)): rows from the spots
    /// of the fiber with the smallest y at wmin and the fiber with the largest y at wmax, columns
    /// from the spot of the first fiber where its x is smallest and of the last fiber where its x is
    /// largest, both searched over the CCD rows' wavelengths within [wmin, wmax] plus wmin and wmax
    /// themselves. Wavelengths are first clamped to [CcdWaveMin, CcdWaveMax].
    /// </summary>
    /// <remarks>
    /// The older specter source in public archives slices y(None, w)[specmin:specmax+1], one fiber
    /// past the range; the reference data do not (SIMYMIN of both preproc files, reference README
    /// §2.2, is the spot row of the range's own lowest fiber), so only fiberStart … fiberEndExclusive−1
    /// are searched here. PixelRangeTests checks both documented regions.
    /// </remarks>
    public PixelBox PixelRange(int fiberStart, int fiberEndExclusive, double wmin, double wmax)
    {
        int specmin = Index(fiberStart);
        int specmax = Index(fiberEndExclusive - 1) + 1;
        if (specmax <= specmin)
        {
            throw new ArgumentException($"empty fiber range {fiberStart}…{fiberEndExclusive - 1}");
        }
        return _traces.PixelRange(specmin, specmax, wmin, wmax);
    }

    /// <summary>Index 0 … FiberCount−1 of an absolute fiber number.</summary>
    private int Index(int fiber)
    {
        int f = fiber - FiberMin;
        if ((uint)f >= (uint)FiberCount)
        {
            throw new ArgumentOutOfRangeException(nameof(fiber), fiber, $"PSF fibers are {FiberMin}…{FiberMin + FiberCount - 1}");
        }
        return f;
    }
}
