using System.Runtime.Intrinsics;
using GpuExtract.Core.Planning;

namespace GpuExtract.Core.Psf;

/// <summary>
/// The specex Gauss-Hermite PSF (DESIGN §1.1–1.2): trace centres x(λ), y(λ), the reference's
/// inverse λ(y), and spots (pixel-integrated Gauss-Hermite cores plus tails) for any fiber and
/// wavelength, matching specter's GaussHermitePSF (reference README §7).
/// </summary>
/// <remarks>
/// Fibers are absolute numbers FiberMin … FiberMin+FiberCount−1. Thread-safe after construction.
/// </remarks>
public sealed class GaussHermitePsf
{
    /// <summary>Wavelengths per work item of <see cref="EvaluateSpots"/>.</summary>
    private const int WavelengthChunk = 128;

    private readonly TraceSet _x;
    private readonly TraceSet _y;
    private readonly TraceSet _w;
    private readonly SpotGeometry _geometry;
    private readonly int _parameterStride;
    private readonly int _parameterCoefficients;

    /// <summary>
    /// Legendre coefficients of every model parameter (layout <see cref="SpotParameter"/>), transposed
    /// so that one spot's parameters are a vector sum: shape [nfiber, ncoef, _parameterStride].
    /// </summary>
    private readonly double[] _parameters;

    /// <summary>λ at y = −0.5 and y = NPIX_Y − 0.5 per fiber index (the reference's _wmin_spec/_wmax_spec).</summary>
    private readonly double[] _coverageMin;
    private readonly double[] _coverageMax;

    /// <summary>Legendre basis of the inverse trace at every CCD row y = 0 … NPIX_Y−1 (for WDisp/PixelRange).</summary>
    private readonly Lazy<double[]> _rowBasis;

    /// <summary>Per fiber index, λ, x and y at every CCD row; filled on first use (PixelRange).</summary>
    private readonly RowTrace?[] _rowTraces;

    /// <summary>Scratch of <see cref="Spot"/>, one per thread.</summary>
    private readonly ThreadLocal<SpotWorkspace> _spotWorkspace;

    /// <summary>Builds the model from plain coefficients (validated; throws <see cref="PsfFormatException"/>).</summary>
    public GaussHermitePsf(GaussHermitePsfCoefficients coefficients)
        : this(coefficients, "(in-memory PSF coefficients)")
    {
    }

    private GaussHermitePsf(GaussHermitePsfCoefficients c, string source)
    {
        ArgumentNullException.ThrowIfNull(c);
        c.Validate(source);
        Source = source;
        Coefficients = c;
        _geometry = new SpotGeometry(c.HalfSizeX, c.HalfSizeY, c.GhDegX, c.GhDegY, c.NPixX, c.NPixY);
        _x = new TraceSet(c.XTrace, c.XTraceWaveMin, c.XTraceWaveMax);
        _y = new TraceSet(c.YTrace, c.YTraceWaveMin, c.YTraceWaveMax);
        _w = _y.Invert();

        int nfiber = c.FiberCount;
        _parameterStride = (_geometry.ParameterCount + 3) / 4 * 4;
        _parameterCoefficients = c.Parameters["GHSIGX"].GetLength(1);
        _parameters = new double[nfiber * _parameterCoefficients * _parameterStride];
        CopyParameter(c.Parameters["GHSIGX"], SpotParameter.SigmaX);
        CopyParameter(c.Parameters["GHSIGY"], SpotParameter.SigmaY);
        for (int t = 0; t < GaussHermitePsfCoefficients.TailParameters.Length; t++)
        {
            if (c.Parameters.TryGetValue(GaussHermitePsfCoefficients.TailParameters[t], out double[,]? tail))
            {
                CopyParameter(tail, SpotParameter.TailAmp + t);
            }
        }
        for (int j = 0; j <= c.GhDegY; j++)
        {
            for (int i = 0; i <= c.GhDegX; i++)
            {
                CopyParameter(c.Parameters[GaussHermitePsfCoefficients.GhName(i, j)], SpotParameter.GhFirst + j * (c.GhDegX + 1) + i);
            }
        }

        _coverageMin = new double[nfiber];
        _coverageMax = new double[nfiber];
        for (int f = 0; f < nfiber; f++)
        {
            _coverageMin[f] = _w.Evaluate(f, -0.5);
            _coverageMax[f] = _w.Evaluate(f, c.NPixY - 0.5);
        }
        CcdWaveMin = _coverageMin.Min();
        CcdWaveMax = _coverageMax.Max();
        CcdWaveMinAll = _coverageMin.Max();
        CcdWaveMaxAll = _coverageMax.Min();

        _rowBasis = new Lazy<double[]>(() =>
        {
            var rows = new double[c.NPixY];
            for (int r = 0; r < rows.Length; r++)
            {
                rows[r] = r;
            }
            return _w.Basis(rows);
        });
        _rowTraces = new RowTrace?[nfiber];
        SpotGeometry geometry = _geometry;
        _spotWorkspace = new ThreadLocal<SpotWorkspace>(() => new SpotWorkspace(geometry));
    }

    /// <summary>
    /// Reads a specex GAUSS-HERMITE PSF file (PSFVER ≥ 3: HDUs XTRACE, YTRACE, PSF).
    /// Throws <see cref="PsfFormatException"/> naming the file, HDU and value for anything unusable.
    /// </summary>
    public static GaussHermitePsf Load(string path) => new(PsfReader.Read(path), path);

    /// <summary>The file this model was read from, or "(in-memory PSF coefficients)"; for messages.</summary>
    public string Source { get; }

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
    public double CcdWaveMin { get; }

    /// <summary>Largest wavelength any fiber has on the CCD [Å] (psf.wmax).</summary>
    public double CcdWaveMax { get; }

    /// <summary>Smallest wavelength every fiber has on the CCD [Å] (psf.wmin_all).</summary>
    public double CcdWaveMinAll { get; }

    /// <summary>Largest wavelength every fiber has on the CCD [Å] (psf.wmax_all).</summary>
    public double CcdWaveMaxAll { get; }

    /// <summary>Trace centre x [pixel] of <paramref name="fiber"/> at <paramref name="wavelength"/> [Å].</summary>
    public double X(int fiber, double wavelength) => _x.Evaluate(Index(fiber), wavelength);

    /// <summary>Trace centre y [pixel] of <paramref name="fiber"/> at <paramref name="wavelength"/> [Å].</summary>
    public double Y(int fiber, double wavelength) => _y.Evaluate(Index(fiber), wavelength);

    /// <summary>
    /// Wavelength [Å] of <paramref name="fiber"/> at CCD row coordinate <paramref name="y"/> [pixel],
    /// by the reference's inverse fit (see <see cref="TraceSet.Invert"/>), not the exact root.
    /// </summary>
    public double Wavelength(int fiber, double y) => _w.Evaluate(Index(fiber), y);

    /// <summary>Wavelengths [Å] where the fiber's trace enters (y = −0.5) and leaves (y = NPIX_Y − 0.5) the CCD.</summary>
    public (double Min, double Max) WavelengthCoverage(int fiber)
    {
        int f = Index(fiber);
        return (_coverageMin[f], _coverageMax[f]);
    }

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
        _x.EvaluateMany(f, fiberCount, _x.Basis(wavelengths), n, x);
        _y.EvaluateMany(f, fiberCount, _y.Basis(wavelengths), n, y);
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
        double sigmaY = ParameterAt(f, SpotParameter.SigmaY, Legendre.Argument(wavelength, WaveMin, WaveMax));
        return AngstromsPerPixel(RowTraceOf(f).Wavelength, wavelength) * sigmaY;
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
        if (!Covered(f, wavelength, out int emptyY))
        {
            stamp.Clear();
            (xmin, ymin, rows, cols) = (0, emptyY, 0, 0);
            return;
        }
        SpotWorkspace ws = _spotWorkspace.Value!;
        Span<double> basis = stackalloc double[_parameterCoefficients];
        Legendre.Basis(new ReadOnlySpan<double>(in wavelength), WaveMin, WaveMax, _parameterCoefficients, basis);
        EvaluateParameters(f, basis, 1, 0, ws.Parameters);
        GaussHermiteSpot.Render(_geometry, _x.Evaluate(f, wavelength), _y.Evaluate(f, wavelength), ws.Parameters,
            ws, stamp, out xmin, out ymin, out rows, out cols);
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
        var table = new SpotTable(fiberCount * nwave, StampRows, StampCols);
        if (table.Count == 0)
        {
            return table;
        }

        double[] waves = wavelengths.ToArray();
        int nchunk = (nwave + WavelengthChunk - 1) / WavelengthChunk;
        var basis = new SpotBasis(this, waves, nchunk);
        int first = fiberStart - FiberMin;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
        Parallel.For(0, fiberCount * nchunk, options,
            () => new ChunkWorkspace(_geometry),
            (item, _, ws) =>
            {
                EvaluateChunk(first + item / nchunk, item % nchunk, waves, basis, table, (item / nchunk) * nwave, ws);
                return ws;
            },
            _ => { });
        return table;
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
        double wavemin = wmin < CcdWaveMin ? CcdWaveMin : wmin;
        double wavemax = wmax > CcdWaveMax ? CcdWaveMax : wmax;

        int last = specmax - 1;
        int ispecYmin = specmin, ispecYmax = specmin;
        double yLow = _y.Evaluate(specmin, wavemin), yHigh = _y.Evaluate(specmin, wavemax);
        for (int f = specmin + 1; f <= last; f++)
        {
            double yl = _y.Evaluate(f, wavemin);
            if (yl < yLow)
            {
                (yLow, ispecYmin) = (yl, f);
            }
            double yh = _y.Evaluate(f, wavemax);
            if (yh > yHigh)
            {
                (yHigh, ispecYmax) = (yh, f);
            }
        }
        int ymin = Extent(ispecYmin, wavemin).YStart;
        int ymax = Extent(ispecYmax, wavemax).YStop;

        int xmin;
        if (ExtremeX(specmin, wavemin, wavemax, lowestX: true, out double xLow, out double wAtXLow))
        {
            xmin = xLow < 0 ? 0 : Extent(specmin, wAtXLow).XStart;
        }
        else
        {
            xmin = 0; // the reference fails here (min of an empty array); the whole CCD width is the safe answer
        }
        int xmax;
        if (ExtremeX(specmax - 1, wavemin, wavemax, lowestX: false, out double xHigh, out double wAtXHigh))
        {
            xmax = xHigh > NPixX ? NPixX : Extent(specmax - 1, wAtXHigh).XStop;
        }
        else
        {
            xmax = NPixX;
        }
        return new PixelBox(xmin, xmax, ymin, ymax);
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

    private void CopyParameter(double[,] c, int row)
    {
        int ncoef = c.GetLength(1);
        for (int f = 0; f < c.GetLength(0); f++)
        {
            for (int k = 0; k < ncoef; k++)
            {
                _parameters[(f * _parameterCoefficients + k) * _parameterStride + row] = c[f, k];
            }
        }
    }

    /// <summary>One model parameter (row of <see cref="SpotParameter"/>) of fiber index f at Legendre argument u.</summary>
    private double ParameterAt(int f, int row, double u)
    {
        Span<double> c = stackalloc double[_parameterCoefficients];
        for (int k = 0; k < c.Length; k++)
        {
            c[k] = _parameters[(f * _parameterCoefficients + k) * _parameterStride + row];
        }
        return Legendre.Evaluate(c, u);
    }

    /// <summary>
    /// Every model parameter of fiber index f at argument k of a PSF-domain basis [ncoef, n]:
    /// destination[p] = Σ_c coefficient[f, c, p]·basis[c, k], four parameters per vector operation.
    /// </summary>
    private void EvaluateParameters(int f, ReadOnlySpan<double> basis, int n, int k, Span<double> destination)
    {
        ref double coef = ref _parameters[f * _parameterCoefficients * _parameterStride];
        ref double dst = ref destination[0];
        for (int p = 0; p < _parameterStride; p += 4)
        {
            Vector256<double> acc = Vector256.LoadUnsafe(ref coef, (nuint)p) * Vector256.Create(basis[k]);
            for (int c = 1; c < _parameterCoefficients; c++)
            {
                acc = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref coef, (nuint)(c * _parameterStride + p)), Vector256.Create(basis[c * n + k]), acc);
            }
            acc.StoreUnsafe(ref dst, (nuint)p);
        }
    }

    /// <summary>The reference's coverage test of xypix; emptyY is the row origin it reports when not covered.</summary>
    private bool Covered(int f, double wavelength, out int emptyY)
    {
        if (wavelength < _coverageMin[f])
        {
            emptyY = 0;
            return false;
        }
        if (wavelength > _coverageMax[f])
        {
            emptyY = NPixY;
            return false;
        }
        emptyY = 0;
        return true;
    }

    private void EvaluateChunk(int f, int chunk, double[] waves, SpotBasis basis, SpotTable table, int spotOffset, ChunkWorkspace ws)
    {
        int k0 = chunk * WavelengthChunk;
        int n = Math.Min(WavelengthChunk, waves.Length - k0);
        _x.EvaluateMany(f, 1, basis.X(chunk), n, ws.X);
        _y.EvaluateMany(f, 1, basis.Y(chunk), n, ws.Y);
        ReadOnlySpan<double> psfBasis = basis.Parameters(chunk);

        int stampSize = StampRows * StampCols;
        for (int k = 0; k < n; k++)
        {
            int i = spotOffset + k0 + k;
            double x = ws.X[k], y = ws.Y[k];
            table.CenterX[i] = x;
            table.CenterY[i] = y;
            if (!Covered(f, waves[k0 + k], out int emptyY))
            {
                (table.XMin[i], table.YMin[i], table.Rows[i], table.Cols[i]) = (0, emptyY, 0, 0);
                continue; // the table's stamps start as zeros
            }
            EvaluateParameters(f, psfBasis, n, k, ws.Spot.Parameters);
            GaussHermiteSpot.Render(_geometry, x, y, ws.Spot.Parameters, ws.Spot, table.Values.AsSpan(i * stampSize, stampSize),
                out table.XMin[i], out table.YMin[i], out table.Rows[i], out table.Cols[i]);
        }
    }

    /// <summary>The reference xypix's returned slices (after its coverage and CCD-edge handling), without the stamp.</summary>
    private (int XStart, int XStop, int YStart, int YStop) Extent(int f, double wavelength)
    {
        if (!Covered(f, wavelength, out int emptyY))
        {
            return (0, 0, emptyY, emptyY);
        }
        double x = _x.Evaluate(f, wavelength);
        double y = _y.Evaluate(f, wavelength);
        int xlo = (int)(x - HalfSizeX + 0.5);
        int xhi = (int)(x + HalfSizeX + 1.5);
        int ylo = (int)(y - HalfSizeY + 0.5);
        int yhi = (int)(y + HalfSizeY + 1.5);
        if (ylo >= NPixY)
        {
            return (0, 0, NPixY, NPixY);
        }
        if (yhi < 0)
        {
            return (0, 0, 0, 0);
        }
        if (xlo >= NPixX)
        {
            return (NPixX, NPixX, 0, 0);
        }
        if (xhi <= 0)
        {
            return (0, 0, 0, 0);
        }
        if (xlo < 0)
        {
            xlo = 0;
        }
        else if (xhi > NPixX)
        {
            xhi = NPixX;
        }
        if (ylo < 0)
        {
            ylo = 0;
        }
        else if (yhi > NPixY)
        {
            yhi = NPixY;
        }
        return (xlo, xhi, ylo, yhi);
    }

    /// <summary>
    /// The reference xyrange's search for the extreme x of fiber index f: over λ(f, row) for every CCD
    /// row, trimmed to [wavemin, wavemax] only when the first (last) row lies outside it, followed by
    /// wavemin and wavemax; kept where the trace is on the CCD (y ≥ 0.5 for the lowest-x search,
    /// y ≥ −0.5 for the highest, both y &lt; NPIX_Y − 0.5: the reference's asymmetric tests).
    /// First occurrence wins, as numpy.argmin/argmax.
    /// </summary>
    private bool ExtremeX(int f, double wavemin, double wavemax, bool lowestX, out double extremeX, out double wavelengthAtExtreme)
    {
        RowTrace rows = RowTraceOf(f);
        double[] w = rows.Wavelength;
        bool trimLow = w[0] < wavemin;
        double lastKept = double.NaN;
        for (int r = w.Length - 1; r >= 0; r--)
        {
            if (!trimLow || wavemin <= w[r])
            {
                lastKept = w[r];
                break;
            }
        }
        bool trimHigh = !double.IsNaN(lastKept) && wavemax < lastKept;

        bool found = false;
        extremeX = 0;
        wavelengthAtExtreme = 0;
        for (int r = 0; r < w.Length + 2; r++)
        {
            double wr, x, y;
            if (r < w.Length)
            {
                wr = w[r];
                if ((trimLow && !(wavemin <= wr)) || (trimHigh && !(wr <= wavemax)))
                {
                    continue;
                }
                (x, y) = (rows.X[r], rows.Y[r]);
            }
            else
            {
                wr = r == w.Length ? wavemin : wavemax;
                (x, y) = (_x.Evaluate(f, wr), _y.Evaluate(f, wr));
            }
            bool onCcd = (lowestX ? 0 <= y - 0.5 : -0.5 <= y) && y < NPixY - 0.5;
            if (!onCcd)
            {
                continue;
            }
            if (!found || (lowestX ? x < extremeX : x > extremeX))
            {
                (extremeX, wavelengthAtExtreme, found) = (x, wr, true);
            }
        }
        return found;
    }

    /// <summary>numpy.interp(λ, ww, numpy.gradient(ww)) for the row wavelengths ww of one fiber.</summary>
    private static double AngstromsPerPixel(double[] ww, double wavelength)
    {
        int n = ww.Length;
        if (n < 2)
        {
            return double.NaN;
        }
        double Gradient(int i) => i == 0 ? ww[1] - ww[0] : i == n - 1 ? ww[n - 1] - ww[n - 2] : (ww[i + 1] - ww[i - 1]) / 2.0;
        if (!(wavelength >= ww[0]))
        {
            return Gradient(0);
        }
        if (wavelength >= ww[n - 1])
        {
            return Gradient(n - 1);
        }
        int lo = 0, hi = n - 1; // ww[lo] ≤ λ < ww[hi]
        while (hi - lo > 1)
        {
            int mid = (lo + hi) >> 1;
            if (ww[mid] <= wavelength)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        double slope = (Gradient(hi) - Gradient(lo)) / (ww[hi] - ww[lo]);
        return slope * (wavelength - ww[lo]) + Gradient(lo);
    }

    private RowTrace RowTraceOf(int f)
    {
        RowTrace? rows = Volatile.Read(ref _rowTraces[f]);
        if (rows is null)
        {
            int ny = NPixY;
            var w = new double[ny];
            _w.EvaluateMany(f, 1, _rowBasis.Value, ny, w);
            double[] xb = _x.Basis(w);
            double[] yb = _y.Basis(w);
            var x = new double[ny];
            var y = new double[ny];
            _x.EvaluateMany(f, 1, xb, ny, x);
            _y.EvaluateMany(f, 1, yb, ny, y);
            rows = new RowTrace(w, x, y);
            Volatile.Write(ref _rowTraces[f], rows);
        }
        return rows;
    }

    /// <summary>λ(y), x(λ), y(λ) of one fiber at every CCD row y = 0 … NPIX_Y−1.</summary>
    private sealed record RowTrace(double[] Wavelength, double[] X, double[] Y);

    /// <summary>Legendre bases of the x trace, y trace and PSF parameters for each wavelength block of a grid.</summary>
    private sealed class SpotBasis
    {
        private readonly double[] _x;
        private readonly double[] _y;
        private readonly double[] _p;
        private readonly int _nx, _ny, _np;

        public SpotBasis(GaussHermitePsf psf, double[] waves, int nchunk)
        {
            (_nx, _ny, _np) = (psf._x.CoefficientCount, psf._y.CoefficientCount, psf._parameterCoefficients);
            _x = new double[nchunk * _nx * WavelengthChunk];
            _y = new double[nchunk * _ny * WavelengthChunk];
            _p = new double[nchunk * _np * WavelengthChunk];
            for (int c = 0; c < nchunk; c++)
            {
                int k0 = c * WavelengthChunk;
                ReadOnlySpan<double> w = waves.AsSpan(k0, Math.Min(WavelengthChunk, waves.Length - k0));
                Legendre.Basis(w, psf._x.DomainMin, psf._x.DomainMax, _nx, X(c));
                Legendre.Basis(w, psf._y.DomainMin, psf._y.DomainMax, _ny, Y(c));
                Legendre.Basis(w, psf.WaveMin, psf.WaveMax, _np, Parameters(c));
            }
        }

        public Span<double> X(int chunk) => _x.AsSpan(chunk * _nx * WavelengthChunk, _nx * WavelengthChunk);

        public Span<double> Y(int chunk) => _y.AsSpan(chunk * _ny * WavelengthChunk, _ny * WavelengthChunk);

        public Span<double> Parameters(int chunk) => _p.AsSpan(chunk * _np * WavelengthChunk, _np * WavelengthChunk);
    }

    /// <summary>Per-thread buffers of <see cref="EvaluateSpots"/>.</summary>
    private sealed class ChunkWorkspace(in SpotGeometry g)
    {
        public double[] X { get; } = new double[WavelengthChunk];

        public double[] Y { get; } = new double[WavelengthChunk];

        public SpotWorkspace Spot { get; } = new(g);
    }
}
