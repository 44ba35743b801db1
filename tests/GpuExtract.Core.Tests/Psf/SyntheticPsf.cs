using GpuExtract.Core.Psf;

namespace GpuExtract.Core.Tests.Psf;

/// <summary>
/// Small synthetic Gauss-Hermite PSFs with known closed forms: fiber f has x = 100 + 10·f and
/// y = 2000 + 2000·u (u the Legendre argument over [5000, 6000] Å), so y = 2000 exactly at 5500 Å
/// and y runs from 0 to 4000 over the domain; every parameter is constant in λ.
/// </summary>
internal static class SyntheticPsf
{
    public const double DomainMin = 5000;
    public const double DomainMax = 6000;

    /// <summary>The wavelength [Å] where the synthetic traces have y = <paramref name="y"/>.</summary>
    public static double WavelengthAtY(double y) => DomainMin + (y / 2000.0) * (DomainMax - DomainMin) / 2;

    /// <param name="values">Constant parameter values (GHSIGX, GHSIGY default 1; GH-i-j default 0; tails absent unless given).</param>
    /// <param name="fibers">Number of fibers.</param>
    /// <param name="fiberMin">FIBERMIN.</param>
    /// <param name="halfSizeX">HSIZEX.</param>
    /// <param name="halfSizeY">HSIZEY.</param>
    /// <param name="degree">GHDEGX = GHDEGY.</param>
    /// <param name="npixX">CCD columns.</param>
    public static GaussHermitePsfCoefficients Build(IReadOnlyDictionary<string, double> values, int fibers = 3, int fiberMin = 0,
        int halfSizeX = 8, int halfSizeY = 5, int degree = 6, int npixX = 500)
    {
        var x = new double[fibers, 2];
        var y = new double[fibers, 2];
        for (int f = 0; f < fibers; f++)
        {
            x[f, 0] = 100 + 10 * f;
            y[f, 0] = 2000;
            y[f, 1] = 2000;
        }
        var parameters = new Dictionary<string, double[,]>(StringComparer.Ordinal);
        void Set(string name, double v)
        {
            var c = new double[fibers, 2];
            for (int f = 0; f < fibers; f++)
            {
                c[f, 0] = v;
            }
            parameters[name] = c;
        }
        Set("GHSIGX", 1.0);
        Set("GHSIGY", 1.0);
        for (int i = 0; i <= degree; i++)
        {
            for (int j = 0; j <= degree; j++)
            {
                Set(GaussHermitePsfCoefficients.GhName(i, j), 0.0);
            }
        }
        foreach (var (name, v) in values)
        {
            Set(name, v);
        }
        return new GaussHermitePsfCoefficients
        {
            XTrace = x,
            YTrace = y,
            XTraceWaveMin = DomainMin,
            XTraceWaveMax = DomainMax,
            YTraceWaveMin = DomainMin,
            YTraceWaveMax = DomainMax,
            Parameters = parameters,
            WaveMin = DomainMin,
            WaveMax = DomainMax,
            FiberMin = fiberMin,
            NPixX = npixX,
            NPixY = 4000,
            HalfSizeX = halfSizeX,
            HalfSizeY = halfSizeY,
            GhDegX = degree,
            GhDegY = degree,
        };
    }

    /// <summary>
    /// A PSF whose every coefficient varies with λ and fiber (curved traces, 4-term parameters,
    /// tails on), for comparing evaluation paths.
    /// </summary>
    public static GaussHermitePsfCoefficients Random(int seed, int fibers = 6)
    {
        var random = new System.Random(seed);
        var x = new double[fibers, 5];
        var y = new double[fibers, 5];
        for (int f = 0; f < fibers; f++)
        {
            x[f, 0] = 30 + 9.7 * f;
            x[f, 1] = 3.1;
            x[f, 2] = -1.4;
            y[f, 0] = 2000 - 0.8 * f;
            y[f, 1] = 2003;
            y[f, 2] = 4.5;
            y[f, 3] = -1.2;
        }
        var parameters = new Dictionary<string, double[,]>(StringComparer.Ordinal);
        double[,] Series(double c0, double spread)
        {
            var c = new double[fibers, 4];
            for (int f = 0; f < fibers; f++)
            {
                c[f, 0] = c0 * (1 + 0.02 * f);
                for (int k = 1; k < 4; k++)
                {
                    c[f, k] = spread * (random.NextDouble() - 0.5);
                }
            }
            return c;
        }
        parameters["GHSIGX"] = Series(1.05, 0.1);
        parameters["GHSIGY"] = Series(1.12, 0.1);
        for (int j = 0; j <= 6; j++)
        {
            for (int i = 0; i <= 6; i++)
            {
                double scale = i + j == 0 ? 1.0 : 0.08 / (1 + i + j);
                parameters[GaussHermitePsfCoefficients.GhName(i, j)] = Series(i + j == 0 ? 1.0 : scale * (random.NextDouble() - 0.5), scale);
            }
        }
        parameters["TAILAMP"] = Series(0.002, 0.001);
        parameters["TAILCORE"] = Series(1.3, 0.2);
        parameters["TAILXSCA"] = Series(0.9, 0.1);
        parameters["TAILYSCA"] = Series(1.1, 0.1);
        parameters["TAILINDE"] = Series(2.2, 0.2);
        parameters["CONT"] = Series(5, 1);
        return new GaussHermitePsfCoefficients
        {
            XTrace = x,
            YTrace = y,
            XTraceWaveMin = 4990,
            XTraceWaveMax = 6010,
            YTraceWaveMin = 5000,
            YTraceWaveMax = 6000,
            Parameters = parameters,
            WaveMin = 4995,
            WaveMax = 6005,
            FiberMin = 20,
            NPixX = 100,
            NPixY = 4000,
            HalfSizeX = 8,
            HalfSizeY = 5,
            GhDegX = 6,
            GhDegY = 6,
            PsfError = 0.02,
        };
    }
}
