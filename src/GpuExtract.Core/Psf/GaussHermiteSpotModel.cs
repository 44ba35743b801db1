using System.Runtime.Intrinsics;

namespace GpuExtract.Core.Psf;

/// <summary>
/// The spot half of the Gauss-Hermite PSF, as specter's gausshermite.py keeps it apart from the traces of
/// psf.py: every model parameter (layout <see cref="SpotParameter"/>) of every fiber as a Legendre series
/// over the PSF table's [WAVEMIN, WAVEMAX], evaluated at a (fiber, λ) and rendered by
/// <see cref="GaussHermiteSpot"/> at the trace centre <see cref="PsfTraces"/> gives. Fibers are indices
/// 0 … FiberCount−1. Thread-safe after construction.
/// </summary>
internal sealed class GaussHermiteSpotModel
{
    /// <summary>Wavelengths per work item of <see cref="EvaluateSpots"/>.</summary>
    private const int WavelengthChunk = 128;

    private readonly PsfTraces _traces;
    private readonly SpotGeometry _geometry;
    private readonly double _waveMin;
    private readonly double _waveMax;
    private readonly int _parameterStride;
    private readonly int _parameterCoefficients;

    /// <summary>
    /// Legendre coefficients of every model parameter (layout <see cref="SpotParameter"/>), transposed
    /// so that one spot's parameters are a vector sum: shape [nfiber, ncoef, _parameterStride].
    /// </summary>
    private readonly double[] _parameters;

    /// <summary>Scratch of <see cref="Spot"/>, one per thread.</summary>
    private readonly ThreadLocal<SpotWorkspace> _spotWorkspace;

    /// <param name="c">Validated PSF coefficients: GHSIGX, GHSIGY, GH-i-j and any TAIL* parameters are read from them.</param>
    /// <param name="geometry">Stamp size, Hermite degrees and CCD size.</param>
    /// <param name="traces">Where each spot is centred.</param>
    public GaussHermiteSpotModel(GaussHermitePsfCoefficients c, in SpotGeometry geometry, PsfTraces traces)
    {
        _traces = traces;
        _geometry = geometry;
        _waveMin = c.WaveMin;
        _waveMax = c.WaveMax;
        _parameterStride = (geometry.ParameterCount + 3) / 4 * 4;
        _parameterCoefficients = c.Parameters["GHSIGX"].GetLength(1);
        _parameters = new double[c.FiberCount * _parameterCoefficients * _parameterStride];
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
        SpotGeometry g = geometry;
        _spotWorkspace = new ThreadLocal<SpotWorkspace>(() => new SpotWorkspace(g));
    }

    /// <summary>One model parameter (row of <see cref="SpotParameter"/>) of fiber index f at <paramref name="wavelength"/> [Å].</summary>
    public double ParameterAt(int f, int row, double wavelength)
    {
        double u = Legendre.Argument(wavelength, _waveMin, _waveMax);
        Span<double> c = stackalloc double[_parameterCoefficients];
        for (int k = 0; k < c.Length; k++)
        {
            c[k] = _parameters[(f * _parameterCoefficients + k) * _parameterStride + row];
        }
        return Legendre.Evaluate(c, u);
    }

    /// <summary>
    /// The spot of fiber index f at <paramref name="wavelength"/> [Å] into <paramref name="stamp"/> (exactly
    /// StampRows·StampCols values); see <see cref="GaussHermitePsf.Spot"/>.
    /// </summary>
    public void Spot(int f, double wavelength, Span<double> stamp, out int xmin, out int ymin, out int rows, out int cols)
    {
        if (!_traces.Covered(f, wavelength, out int emptyY))
        {
            stamp.Clear();
            (xmin, ymin, rows, cols) = (0, emptyY, 0, 0);
            return;
        }
        SpotWorkspace ws = _spotWorkspace.Value!;
        Span<double> basis = stackalloc double[_parameterCoefficients];
        Legendre.Basis(new ReadOnlySpan<double>(in wavelength), _waveMin, _waveMax, _parameterCoefficients, basis);
        EvaluateParameters(f, basis, 1, 0, ws.Parameters);
        GaussHermiteSpot.Render(_geometry, _traces.X.Evaluate(f, wavelength), _traces.Y.Evaluate(f, wavelength), ws.Parameters,
            ws, stamp, out xmin, out ymin, out rows, out cols);
    }

    /// <summary>
    /// Every spot of fiber indices first … first+fiberCount−1 at every wavelength [Å], fiber-major; fibers ×
    /// wavelength blocks run in parallel on <paramref name="threads"/> threads (0: all cores). See
    /// <see cref="GaussHermitePsf.EvaluateSpots"/>.
    /// </summary>
    public SpotTable EvaluateSpots(int first, int fiberCount, ReadOnlySpan<double> wavelengths, int threads)
    {
        int nwave = wavelengths.Length;
        var table = new SpotTable(fiberCount * nwave, _geometry.StampRows, _geometry.StampCols);
        if (table.Count == 0)
        {
            return table;
        }

        double[] waves = wavelengths.ToArray();
        int nchunk = (nwave + WavelengthChunk - 1) / WavelengthChunk;
        var basis = new SpotBasis(this, waves, nchunk);
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

    private void EvaluateChunk(int f, int chunk, double[] waves, SpotBasis basis, SpotTable table, int spotOffset, ChunkWorkspace ws)
    {
        int k0 = chunk * WavelengthChunk;
        int n = Math.Min(WavelengthChunk, waves.Length - k0);
        _traces.X.EvaluateMany(f, 1, basis.X(chunk), n, ws.X);
        _traces.Y.EvaluateMany(f, 1, basis.Y(chunk), n, ws.Y);
        ReadOnlySpan<double> psfBasis = basis.Parameters(chunk);

        int stampSize = _geometry.StampRows * _geometry.StampCols;
        for (int k = 0; k < n; k++)
        {
            int i = spotOffset + k0 + k;
            double x = ws.X[k], y = ws.Y[k];
            table.CenterX[i] = x;
            table.CenterY[i] = y;
            if (!_traces.Covered(f, waves[k0 + k], out int emptyY))
            {
                (table.XMin[i], table.YMin[i], table.Rows[i], table.Cols[i]) = (0, emptyY, 0, 0);
                continue; // the table's stamps start as zeros
            }
            EvaluateParameters(f, psfBasis, n, k, ws.Spot.Parameters);
            GaussHermiteSpot.Render(_geometry, x, y, ws.Spot.Parameters, ws.Spot, table.Values.AsSpan(i * stampSize, stampSize),
                out table.XMin[i], out table.YMin[i], out table.Rows[i], out table.Cols[i]);
        }
    }

    /// <summary>Legendre bases of the x trace, y trace and PSF parameters for each wavelength block of a grid.</summary>
    private sealed class SpotBasis
    {
        private readonly double[] _x;
        private readonly double[] _y;
        private readonly double[] _p;
        private readonly int _nx, _ny, _np;

        public SpotBasis(GaussHermiteSpotModel model, double[] waves, int nchunk)
        {
            TraceSet xTrace = model._traces.X, yTrace = model._traces.Y;
            (_nx, _ny, _np) = (xTrace.CoefficientCount, yTrace.CoefficientCount, model._parameterCoefficients);
            _x = new double[nchunk * _nx * WavelengthChunk];
            _y = new double[nchunk * _ny * WavelengthChunk];
            _p = new double[nchunk * _np * WavelengthChunk];
            for (int c = 0; c < nchunk; c++)
            {
                int k0 = c * WavelengthChunk;
                ReadOnlySpan<double> w = waves.AsSpan(k0, Math.Min(WavelengthChunk, waves.Length - k0));
                Legendre.Basis(w, xTrace.DomainMin, xTrace.DomainMax, _nx, X(c));
                Legendre.Basis(w, yTrace.DomainMin, yTrace.DomainMax, _ny, Y(c));
                Legendre.Basis(w, model._waveMin, model._waveMax, _np, Parameters(c));
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
