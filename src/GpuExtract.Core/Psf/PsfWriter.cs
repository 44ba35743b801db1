using GpuExtract.Fits;

namespace GpuExtract.Core.Psf;

/// <summary>
/// Writes <see cref="GaussHermitePsfCoefficients"/> as a specex GAUSS-HERMITE PSFVER 3 file, the
/// layout <see cref="GaussHermitePsf.Load"/> (and the reference code) reads: primary image XTRACE,
/// image YTRACE, binary table PSF with PARAM and COEFF [nfiber, ncoef] columns.
/// </summary>
public static class PsfWriter
{
    /// <summary>
    /// Writes the file atomically (temporary file + rename). The coefficients are validated first
    /// (<see cref="PsfFormatException"/> naming <paramref name="path"/>); every parameter must have the
    /// same number of Legendre coefficients, as the table's COEFF column has one cell size.
    /// </summary>
    public static void Write(string path, GaussHermitePsfCoefficients c) => FitsWriter.WriteFile(path, Hdus(path, c));

    /// <summary>As <see cref="Write(string, GaussHermitePsfCoefficients)"/>, into an output of an <see cref="OutputSet"/>.</summary>
    public static void Write(OutputSet.Output output, GaussHermitePsfCoefficients c)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteFits(Hdus(output.Path, c));
    }

    /// <summary>Validates the coefficients (naming <paramref name="path"/>) and returns the writer of the three HDUs.</summary>
    private static Action<FitsWriter> Hdus(string path, GaussHermitePsfCoefficients c)
    {
        ArgumentNullException.ThrowIfNull(c);
        c.Validate(path);
        int nfiber = c.FiberCount;
        int fiberMax = c.FiberMin + nfiber - 1;

        List<string> names = [.. c.RequiredParameters()];
        names.AddRange(GaussHermitePsfCoefficients.TailParameters.Where(c.Parameters.ContainsKey));
        names.AddRange(c.Parameters.Keys.Where(k => !names.Contains(k)));
        int ncoef = c.Parameters[names[0]].GetLength(1);
        var coefficients = new double[names.Count * nfiber * ncoef];
        for (int row = 0; row < names.Count; row++)
        {
            double[,] p = c.Parameters[names[row]];
            if (p.GetLength(0) != nfiber || p.GetLength(1) != ncoef)
            {
                throw new PsfFormatException(path, "PSF", $"parameter {names[row]} has shape [{p.GetLength(0)}, {p.GetLength(1)}], the table needs [{nfiber}, {ncoef}]");
            }
            Buffer.BlockCopy(p, 0, coefficients, row * nfiber * ncoef * sizeof(double), nfiber * ncoef * sizeof(double));
        }

        var xHeader = new FitsHeader();
        xHeader.Set("EXTNAME", "XTRACE");
        TraceKeywords(xHeader, c.FiberMin, fiberMax, c.XTraceWaveMin, c.XTraceWaveMax);
        xHeader.Set("PSFTYPE", "GAUSS-HERMITE");
        xHeader.Set("PSFVER", 3);

        var yHeader = new FitsHeader();
        yHeader.Set("EXTNAME", "YTRACE");
        TraceKeywords(yHeader, c.FiberMin, fiberMax, c.YTraceWaveMin, c.YTraceWaveMax);

        var psfHeader = new FitsHeader();
        psfHeader.Set("EXTNAME", "PSF");
        psfHeader.Set("PSFTYPE", "GAUSS-HERMITE");
        psfHeader.Set("PSFVER", "3");
        psfHeader.Set("NPIX_X", c.NPixX, "number of columns in input CCD image");
        psfHeader.Set("NPIX_Y", c.NPixY, "number of rows in input CCD image");
        psfHeader.Set("HSIZEX", c.HalfSizeX, "Half size of PSF in fit, NX=2*HSIZEX+1");
        psfHeader.Set("HSIZEY", c.HalfSizeY, "Half size of PSF in fit, NY=2*HSIZEY+1");
        psfHeader.Set("FIBERMIN", c.FiberMin, "first fiber (starting at 0)");
        psfHeader.Set("FIBERMAX", fiberMax, "last fiber (included)");
        psfHeader.Set("NPARAMS", names.Count, "number of PSF parameters");
        psfHeader.Set("LEGDEG", ncoef - 1, "degree of Legendre pol.(wave) for parameters");
        psfHeader.Set("GHDEGX", c.GhDegX, "degree of Hermite polynomial along CCD columns");
        psfHeader.Set("GHDEGY", c.GhDegY, "degree of Hermite polynomial along CCD rows");
        psfHeader.Set("WAVEMIN", c.WaveMin, "minimum wavelength (A), used for the Legendre p");
        psfHeader.Set("WAVEMAX", c.WaveMax, "maximum wavelength (A), used for the Legendre p");
        if (c.PsfError is double psfError)
        {
            psfHeader.Set("PSFERR", psfError, "assumed PSF fractional error");
        }
        var table = new FitsTableBuilder(names.Count)
            .AddStringColumn("PARAM", [.. names], Math.Max(8, names.Max(n => n.Length)))
            .AddColumn("COEFF", coefficients, [nfiber, ncoef]);

        return w =>
        {
            w.WriteImage<double>(xHeader, Flatten(c.XTrace), [nfiber, c.XTrace.GetLength(1)]);
            w.WriteImage<double>(yHeader, Flatten(c.YTrace), [nfiber, c.YTrace.GetLength(1)]);
            w.WriteTable(psfHeader, table);
        };
    }

    private static void TraceKeywords(FitsHeader h, int fiberMin, int fiberMax, double waveMin, double waveMax)
    {
        h.Set("FIBERMIN", fiberMin);
        h.Set("FIBERMAX", fiberMax);
        h.Set("WAVEMIN", waveMin);
        h.Set("WAVEMAX", waveMax);
    }

    private static double[] Flatten(double[,] a)
    {
        var flat = new double[a.Length];
        Buffer.BlockCopy(a, 0, flat, 0, a.Length * sizeof(double));
        return flat;
    }
}
