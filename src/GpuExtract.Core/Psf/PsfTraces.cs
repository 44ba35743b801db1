using GpuExtract.Core.Planning;

namespace GpuExtract.Core.Psf;

/// <summary>
/// The trace geometry of a PSF, as specter's psf.py keeps it apart from the spot model: trace centres x(λ),
/// y(λ), the reference's inverse λ(y), each fiber's wavelength coverage of the CCD, the dispersion in Å per
/// pixel, and the pixel range of a block of spots (xyrange). Fibers are indices 0 … TraceCount−1 here; the
/// absolute fiber numbers belong to <see cref="GaussHermitePsf"/>. Thread-safe after construction.
/// </summary>
internal sealed class PsfTraces
{
    private readonly TraceSet _w;
    private readonly SpotGeometry _geometry;

    /// <summary>λ at y = −0.5 and y = NPIX_Y − 0.5 per fiber index (the reference's _wmin_spec/_wmax_spec).</summary>
    private readonly double[] _coverageMin;
    private readonly double[] _coverageMax;

    /// <summary>Legendre basis of the inverse trace at every CCD row y = 0 … NPIX_Y−1 (for WDisp/PixelRange).</summary>
    private readonly Lazy<double[]> _rowBasis;

    /// <summary>Per fiber index, λ, x and y at every CCD row; filled on first use (PixelRange).</summary>
    private readonly RowTrace?[] _rowTraces;

    /// <param name="c">Validated PSF coefficients: XTRACE and YTRACE are read from them.</param>
    /// <param name="geometry">Stamp half sizes and CCD size: where a spot's pixels lie.</param>
    public PsfTraces(GaussHermitePsfCoefficients c, in SpotGeometry geometry)
    {
        _geometry = geometry;
        X = new TraceSet(c.XTrace, c.XTraceWaveMin, c.XTraceWaveMax);
        Y = new TraceSet(c.YTrace, c.YTraceWaveMin, c.YTraceWaveMax);
        _w = Y.Invert();

        int nfiber = c.FiberCount;
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
    }

    /// <summary>Trace centres x(λ) [pixel] (HDU XTRACE).</summary>
    public TraceSet X { get; }

    /// <summary>Trace centres y(λ) [pixel] (HDU YTRACE).</summary>
    public TraceSet Y { get; }

    /// <summary>Smallest wavelength any fiber has on the CCD [Å] (the reference's psf.wmin).</summary>
    public double CcdWaveMin { get; }

    /// <summary>Largest wavelength any fiber has on the CCD [Å] (psf.wmax).</summary>
    public double CcdWaveMax { get; }

    /// <summary>Smallest wavelength every fiber has on the CCD [Å] (psf.wmin_all).</summary>
    public double CcdWaveMinAll { get; }

    /// <summary>Largest wavelength every fiber has on the CCD [Å] (psf.wmax_all).</summary>
    public double CcdWaveMaxAll { get; }

    /// <summary>Wavelength [Å] of fiber index f at CCD row coordinate y [pixel], by the inverse fit (<see cref="TraceSet.Invert"/>).</summary>
    public double Wavelength(int f, double y) => _w.Evaluate(f, y);

    /// <summary>Wavelengths [Å] where fiber index f's trace enters (y = −0.5) and leaves (y = NPIX_Y − 0.5) the CCD.</summary>
    public (double Min, double Max) Coverage(int f) => (_coverageMin[f], _coverageMax[f]);

    /// <summary>
    /// Trace centres of fiber indices f … f+fiberCount−1 at every wavelength [Å]: x, y [pixel] of shape
    /// [fiberCount, wavelengths.Length] (the Legendre basis is computed once for the grid).
    /// </summary>
    public void Evaluate(int f, int fiberCount, ReadOnlySpan<double> wavelengths, Span<double> x, Span<double> y)
    {
        int n = wavelengths.Length;
        X.EvaluateMany(f, fiberCount, X.Basis(wavelengths), n, x);
        Y.EvaluateMany(f, fiberCount, Y.Basis(wavelengths), n, y);
    }

    /// <summary>The reference's coverage test of xypix; emptyY is the row origin it reports when not covered.</summary>
    public bool Covered(int f, double wavelength, out int emptyY)
    {
        if (wavelength < _coverageMin[f])
        {
            emptyY = 0;
            return false;
        }
        if (wavelength > _coverageMax[f])
        {
            emptyY = _geometry.NPixY;
            return false;
        }
        emptyY = 0;
        return true;
    }

    /// <summary>
    /// Å per pixel along the trace of fiber index f at <paramref name="wavelength"/>, as the reference's
    /// PSF.wdisp takes it: numpy.gradient of λ(y) at the rows y = 0 … NPIX_Y−1, linearly interpolated
    /// (numpy.interp).
    /// </summary>
    public double AngstromsPerPixel(int f, double wavelength) => AngstromsPerPixel(RowTraceOf(f).Wavelength, wavelength);

    /// <summary>
    /// The reference's psf.xyrange over fiber indices specmin … specmax−1 and [wmin, wmax] [Å]; see
    /// <see cref="GaussHermitePsf.PixelRange"/>.
    /// </summary>
    public PixelBox PixelRange(int specmin, int specmax, double wmin, double wmax)
    {
        double wavemin = wmin < CcdWaveMin ? CcdWaveMin : wmin;
        double wavemax = wmax > CcdWaveMax ? CcdWaveMax : wmax;

        int last = specmax - 1;
        int ispecYmin = specmin, ispecYmax = specmin;
        double yLow = Y.Evaluate(specmin, wavemin), yHigh = Y.Evaluate(specmin, wavemax);
        for (int f = specmin + 1; f <= last; f++)
        {
            double yl = Y.Evaluate(f, wavemin);
            if (yl < yLow)
            {
                (yLow, ispecYmin) = (yl, f);
            }
            double yh = Y.Evaluate(f, wavemax);
            if (yh > yHigh)
            {
                (yHigh, ispecYmax) = (yh, f);
            }
        }
        int ymin = Extent(ispecYmin, wavemin).YStart;
        int ymax = Extent(ispecYmax, wavemax).YStop;

        int npixX = _geometry.NPixX;
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
            xmax = xHigh > npixX ? npixX : Extent(specmax - 1, wAtXHigh).XStop;
        }
        else
        {
            xmax = npixX;
        }
        return new PixelBox(xmin, xmax, ymin, ymax);
    }

    /// <summary>The reference xypix's returned slices (after its coverage and CCD-edge handling), without the stamp.</summary>
    private (int XStart, int XStop, int YStart, int YStop) Extent(int f, double wavelength)
    {
        if (!Covered(f, wavelength, out int emptyY))
        {
            return (0, 0, emptyY, emptyY);
        }
        int npixX = _geometry.NPixX, npixY = _geometry.NPixY;
        double x = X.Evaluate(f, wavelength);
        double y = Y.Evaluate(f, wavelength);
        int xlo = (int)(x - _geometry.HalfSizeX + 0.5);
        int xhi = (int)(x + _geometry.HalfSizeX + 1.5);
        int ylo = (int)(y - _geometry.HalfSizeY + 0.5);
        int yhi = (int)(y + _geometry.HalfSizeY + 1.5);
        if (ylo >= npixY)
        {
            return (0, 0, npixY, npixY);
        }
        if (yhi < 0)
        {
            return (0, 0, 0, 0);
        }
        if (xlo >= npixX)
        {
            return (npixX, npixX, 0, 0);
        }
        if (xhi <= 0)
        {
            return (0, 0, 0, 0);
        }
        if (xlo < 0)
        {
            xlo = 0;
        }
        else if (xhi > npixX)
        {
            xhi = npixX;
        }
        if (ylo < 0)
        {
            ylo = 0;
        }
        else if (yhi > npixY)
        {
            yhi = npixY;
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

        int npixY = _geometry.NPixY;
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
                (x, y) = (X.Evaluate(f, wr), Y.Evaluate(f, wr));
            }
            bool onCcd = (lowestX ? 0 <= y - 0.5 : -0.5 <= y) && y < npixY - 0.5;
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
            int ny = _geometry.NPixY;
            var w = new double[ny];
            _w.EvaluateMany(f, 1, _rowBasis.Value, ny, w);
            double[] xb = X.Basis(w);
            double[] yb = Y.Basis(w);
            var x = new double[ny];
            var y = new double[ny];
            X.EvaluateMany(f, 1, xb, ny, x);
            Y.EvaluateMany(f, 1, yb, ny, y);
            rows = new RowTrace(w, x, y);
            Volatile.Write(ref _rowTraces[f], rows);
        }
        return rows;
    }

    /// <summary>λ(y), x(λ), y(λ) of one fiber at every CCD row y = 0 … NPIX_Y−1.</summary>
    private sealed record RowTrace(double[] Wavelength, double[] X, double[] Y);
}
