using GpuExtract.Core.Psf;

namespace GpuExtract.Core.Simulation;

/// <summary>
/// A built-in DESI-like GAUSS-HERMITE PSF (PSFVER 3) for users, the demo and tests without DESI data:
/// 500 fibers in 20 bundles of 25 on a 4114 × 4128 CCD, r-camera traces (5543–7826 Å, about 1.9 px/Å,
/// with the real curvature and "smile"), GHSIGX ≈ 1.04 px and GHSIGY ≈ 1.12 px varying smoothly with
/// fiber and wavelength, and the real PSF's typical non-Gaussian Hermite terms; no tail unless asked.
/// Every figure is in <see cref="SyntheticPsfShape"/>, measured on a real PSF; nothing is random.
/// </summary>
public static class SyntheticPsf
{
    /// <summary>CCD columns and rows of a DESI camera.</summary>
    public const int NPixX = 4114, NPixY = 4128;

    /// <summary>Half sizes of the spot stamp, as specex writes them for DESI: 17 columns × 11 rows.</summary>
    public const int HalfSizeX = 8, HalfSizeY = 5;

    /// <summary>The name the simulator records in PSFFILE for this PSF when it is not written to a file.</summary>
    public const string BuiltInName = "built-in synthetic r-camera PSF";

    private static readonly Lazy<GaussHermitePsf> DefaultModel = new(() => Create());

    /// <summary>The default synthetic PSF, built once per process (building one takes ~0.5 s: trace inversion).</summary>
    public static GaussHermitePsf Default => DefaultModel.Value;

    /// <summary>A synthetic PSF as a model, ready to evaluate spots.</summary>
    public static GaussHermitePsf Create(SyntheticPsfOptions? options = null) => new(Coefficients(options));

    /// <summary>The synthetic PSF's coefficients, as <see cref="PsfWriter.Write"/> writes them.</summary>
    public static GaussHermitePsfCoefficients Coefficients(SyntheticPsfOptions? options = null)
    {
        options ??= new SyntheticPsfOptions();
        if (options.GhDegX is < 0 or > 6 || options.GhDegY is < 0 or > 6)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"GHDEGX = {options.GhDegX}, GHDEGY = {options.GhDegY}: the synthetic PSF has Hermite terms up to degree 6");
        }
        int nfiber = FiberLayout.FiberCount;
        int ncoef = SyntheticPsfShape.ParameterDegree + 1;
        var parameters = new Dictionary<string, double[,]>(StringComparer.Ordinal);

        // The real file's order: GHSIGX, GHSIGY, GH-i-j with i fastest, the tail, then bookkeeping rows.
        parameters["GHSIGX"] = new double[nfiber, ncoef];
        parameters["GHSIGY"] = new double[nfiber, ncoef];
        for (int j = 0; j <= options.GhDegY; j++)
        {
            for (int i = 0; i <= options.GhDegX; i++)
            {
                parameters[GaussHermitePsfCoefficients.GhName(i, j)] = new double[nfiber, ncoef];
            }
        }
        foreach (var term in SyntheticPsfShape.Terms)
        {
            if (!parameters.TryGetValue(term.Parameter, out double[,]? values))
            {
                continue; // a GH term above the chosen degrees
            }
            for (int fiber = 0; fiber < nfiber; fiber++)
            {
                double s = FiberLayout.Position(fiber);
                values[fiber, term.Coefficient] = term.A + s * (term.B + s * term.C);
            }
        }
        parameters["TAILAMP"] = Constant(nfiber, ncoef, options.TailAmplitude);
        parameters["TAILCORE"] = Constant(nfiber, ncoef, options.TailCore);
        parameters["TAILXSCA"] = Constant(nfiber, ncoef, options.TailXScale);
        parameters["TAILYSCA"] = Constant(nfiber, ncoef, options.TailYScale);
        parameters["TAILINDE"] = Constant(nfiber, ncoef, options.TailIndex);
        var bundle = new double[nfiber, ncoef];
        for (int fiber = 0; fiber < nfiber; fiber++)
        {
            bundle[fiber, 0] = fiber / FiberLayout.BundleSize;
        }
        // specex's bookkeeping rows, kept so readers meet the "other parameters" a real file has.
        parameters["BUNDLE"] = bundle;
        parameters["STATUS"] = new double[nfiber, ncoef];
        parameters["CONT"] = new double[nfiber, ncoef];
        for (int fiber = 0; fiber < nfiber; fiber++)
        {
            parameters["GH-0-0"][fiber, 0] = 1.0;
        }

        return new GaussHermitePsfCoefficients
        {
            XTrace = Trace(SyntheticPsfShape.XTrace, addLayout: true),
            XTraceWaveMin = SyntheticPsfShape.TraceWaveMin,
            XTraceWaveMax = SyntheticPsfShape.TraceWaveMax,
            YTrace = Trace(SyntheticPsfShape.YTrace, addLayout: false),
            YTraceWaveMin = SyntheticPsfShape.TraceWaveMin,
            YTraceWaveMax = SyntheticPsfShape.TraceWaveMax,
            Parameters = parameters,
            WaveMin = SyntheticPsfShape.ParameterWaveMin,
            WaveMax = SyntheticPsfShape.ParameterWaveMax,
            FiberMin = 0,
            NPixX = NPixX,
            NPixY = NPixY,
            HalfSizeX = HalfSizeX,
            HalfSizeY = HalfSizeY,
            GhDegX = options.GhDegX,
            GhDegY = options.GhDegY,
            PsfError = null, // as the real file: readers then use specter's default 0.01
        };
    }

    /// <summary>Trace coefficients [nfiber, 7]: cubic-in-s figures, plus the fiber layout on coefficient 0 of x.</summary>
    private static double[,] Trace(double[,] cubics, bool addLayout)
    {
        int nfiber = FiberLayout.FiberCount;
        int ncoef = cubics.GetLength(0);
        var trace = new double[nfiber, ncoef];
        for (int fiber = 0; fiber < nfiber; fiber++)
        {
            double s = FiberLayout.Position(fiber);
            for (int k = 0; k < ncoef; k++)
            {
                trace[fiber, k] = cubics[k, 0] + s * (cubics[k, 1] + s * (cubics[k, 2] + s * cubics[k, 3]));
            }
            if (addLayout)
            {
                trace[fiber, 0] += FiberLayout.Column(fiber);
            }
        }
        return trace;
    }

    private static double[,] Constant(int nfiber, int ncoef, double value)
    {
        var values = new double[nfiber, ncoef];
        for (int fiber = 0; fiber < nfiber; fiber++)
        {
            values[fiber, 0] = value;
        }
        return values;
    }
}
