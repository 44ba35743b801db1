namespace GpuExtract.Core.Psf;

/// <summary>
/// The contents of a specex GAUSS-HERMITE PSF (PSFVER 3) as plain arrays: what
/// <see cref="GaussHermitePsf.Load"/> reads, what <see cref="PsfWriter.Write"/> writes, and what a
/// simulator or test builds from scratch. All coefficient arrays are [nfiber, ncoef] Legendre
/// coefficients in u = (λ − min)·(2/(max − min)) − 1 over their own wavelength domain.
/// </summary>
public sealed record GaussHermitePsfCoefficients
{
    /// <summary>Parameters the spot model needs besides GH-i-j.</summary>
    public static readonly string[] SigmaParameters = ["GHSIGX", "GHSIGY"];

    /// <summary>Tail parameters; optional (absent means no tail).</summary>
    public static readonly string[] TailParameters = ["TAILAMP", "TAILCORE", "TAILXSCA", "TAILYSCA", "TAILINDE"];

    /// <summary>Trace centre x(λ) [pixel]; shape [nfiber, ncoef] (HDU XTRACE).</summary>
    public required double[,] XTrace { get; init; }

    /// <summary>XTRACE's WAVEMIN [Å].</summary>
    public required double XTraceWaveMin { get; init; }

    /// <summary>XTRACE's WAVEMAX [Å].</summary>
    public required double XTraceWaveMax { get; init; }

    /// <summary>Trace centre y(λ) [pixel]; shape [nfiber, ncoef] (HDU YTRACE).</summary>
    public required double[,] YTrace { get; init; }

    /// <summary>YTRACE's WAVEMIN [Å].</summary>
    public required double YTraceWaveMin { get; init; }

    /// <summary>YTRACE's WAVEMAX [Å].</summary>
    public required double YTraceWaveMax { get; init; }

    /// <summary>
    /// PSF parameters by PARAM name (GHSIGX, GHSIGY [pixel], GH-i-j, TAIL*, and any others, which
    /// are kept but unused); each [nfiber, ncoef] over [<see cref="WaveMin"/>, <see cref="WaveMax"/>].
    /// Written in enumeration order after the model's own parameters.
    /// </summary>
    public required IReadOnlyDictionary<string, double[,]> Parameters { get; init; }

    /// <summary>The PSF table's WAVEMIN [Å] (domain of every parameter).</summary>
    public required double WaveMin { get; init; }

    /// <summary>The PSF table's WAVEMAX [Å].</summary>
    public required double WaveMax { get; init; }

    /// <summary>First fiber number (FIBERMIN); fibers are FiberMin … FiberMin+FiberCount−1.</summary>
    public int FiberMin { get; init; }

    /// <summary>CCD columns (NPIX_X).</summary>
    public required int NPixX { get; init; }

    /// <summary>CCD rows (NPIX_Y).</summary>
    public required int NPixY { get; init; }

    /// <summary>Half width of a spot stamp in columns (HSIZEX); stamps have 2·HSIZEX+1 columns.</summary>
    public required int HalfSizeX { get; init; }

    /// <summary>Half height of a spot stamp in rows (HSIZEY).</summary>
    public required int HalfSizeY { get; init; }

    /// <summary>Hermite degree along columns (GHDEGX).</summary>
    public required int GhDegX { get; init; }

    /// <summary>Hermite degree along rows (GHDEGY).</summary>
    public required int GhDegY { get; init; }

    /// <summary>PSFERR, the model's fractional error; null when the file has none (0.01 is then used).</summary>
    public double? PsfError { get; init; }

    /// <summary>Number of fibers (rows of the trace arrays).</summary>
    public int FiberCount => XTrace.GetLength(0);

    /// <summary>The name of Hermite coefficient i (along columns), j (along rows): "GH-i-j".</summary>
    public static string GhName(int i, int j) => $"GH-{i}-{j}";

    /// <summary>Names of every parameter the spot model reads (tails excluded), in file order.</summary>
    public IEnumerable<string> RequiredParameters()
    {
        foreach (string name in SigmaParameters)
        {
            yield return name;
        }
        for (int j = 0; j <= GhDegY; j++)
        {
            for (int i = 0; i <= GhDegX; i++)
            {
                yield return GhName(i, j);
            }
        }
    }

    /// <summary>
    /// Checks that the model can use these coefficients; throws <see cref="PsfFormatException"/>
    /// naming <paramref name="source"/>, the HDU and the offending value otherwise.
    /// </summary>
    public void Validate(string source)
    {
        Require(XTrace is not null && XTrace.Length > 0, source, "XTRACE", "no trace coefficients");
        Require(YTrace is not null && YTrace.Length > 0, source, "YTRACE", "no trace coefficients");
        int nfiber = XTrace!.GetLength(0);
        Require(YTrace!.GetLength(0) == nfiber, source, "YTRACE", $"{YTrace.GetLength(0)} fibers but XTRACE has {nfiber}");
        RequireDomain(source, "XTRACE", XTraceWaveMin, XTraceWaveMax);
        RequireDomain(source, "YTRACE", YTraceWaveMin, YTraceWaveMax);
        RequireDomain(source, "PSF", WaveMin, WaveMax);
        RequireFinite(source, "XTRACE", XTrace);
        RequireFinite(source, "YTRACE", YTrace);
        Require(NPixX > 0 && NPixY > 0, source, "PSF", $"NPIX_X = {NPixX}, NPIX_Y = {NPixY} must be positive");
        Require(HalfSizeX >= 0 && HalfSizeY >= 0 && HalfSizeX <= 1000 && HalfSizeY <= 1000,
            source, "PSF", $"HSIZEX = {HalfSizeX}, HSIZEY = {HalfSizeY} out of range 0…1000");
        Require(GhDegX >= 0 && GhDegY >= 0 && GhDegX <= HermiteIntegrals.MaxDegree && GhDegY <= HermiteIntegrals.MaxDegree,
            source, "PSF", $"GHDEGX = {GhDegX}, GHDEGY = {GhDegY} out of range 0…{HermiteIntegrals.MaxDegree}");
        Require(PsfError is null || double.IsFinite(PsfError.Value), source, "PSF", $"PSFERR = {PsfError}");
        Require(Parameters is not null, source, "PSF", "no parameter table");

        int ncoef = -1;
        foreach (string name in RequiredParameters().Concat(TailParameters))
        {
            if (!Parameters!.TryGetValue(name, out double[,]? c))
            {
                Require(Array.IndexOf(TailParameters, name) >= 0, source, "PSF", $"parameter {name} missing from PARAM column");
                continue;
            }
            Require(c.GetLength(0) == nfiber, source, "PSF", $"parameter {name} has {c.GetLength(0)} fibers but the traces have {nfiber}");
            Require(c.GetLength(1) > 0 && (ncoef < 0 || c.GetLength(1) == ncoef),
                source, "PSF", $"parameter {name} has {c.GetLength(1)} coefficients per fiber, others {ncoef}");
            ncoef = c.GetLength(1);
            RequireFinite(source, "PSF", c, name);
        }
    }

    private static void Require(bool condition, string source, string hdu, string problem)
    {
        if (!condition)
        {
            throw new PsfFormatException(source, hdu, problem);
        }
    }

    private static void RequireDomain(string source, string hdu, double min, double max)
    {
        Require(double.IsFinite(min) && double.IsFinite(max) && max > min, source, hdu, $"wavelength domain WAVEMIN = {min}, WAVEMAX = {max} is not an interval");
    }

    private static void RequireFinite(string source, string hdu, double[,] c, string? name = null)
    {
        foreach (double v in c)
        {
            Require(double.IsFinite(v), source, hdu, $"{(name is null ? "coefficient" : $"parameter {name} coefficient")} {v} is not finite");
        }
    }
}
