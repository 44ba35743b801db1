using System.Globalization;
using GpuExtract.Fits;

namespace GpuExtract.Core.Psf;

/// <summary>
/// Reads specex GAUSS-HERMITE PSF files, PSFVER ≥ 3: image HDUs XTRACE and YTRACE (Legendre
/// coefficients [nfiber, ncoef] of the trace centres, each with its own WAVEMIN/WAVEMAX) and the
/// binary table PSF (one row per parameter: PARAM name, COEFF [nfiber, ncoef]; header HSIZEX,
/// HSIZEY, GHDEGX, GHDEGY, FIBERMIN, FIBERMAX, NPIX_X, NPIX_Y, WAVEMIN, WAVEMAX, optional PSFERR).
/// PSFTYPE and PSFVER are read from the primary header (as the reference does), else from PSF's.
/// </summary>
internal static class PsfReader
{
    public static GaussHermitePsfCoefficients Read(string path)
    {
        FitsFile file;
        try
        {
            file = FitsFile.Open(path);
        }
        catch (FitsFormatException e)
        {
            throw new PsfFormatException(path, e.HduName ?? (e.HduIndex is int i ? $"#{i}" : "(file)"), $"not a readable FITS file: {e.Detail}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PsfFormatException(path, "(file)", $"cannot read the file: {e.Message}", e);
        }

        using (file)
        {
            try
            {
                return Read(path, file);
            }
            catch (FitsFormatException e)
            {
                throw new PsfFormatException(path, e.HduName ?? (e.HduIndex is int i ? $"#{i}" : "(file)"), e.Detail, e);
            }
        }
    }

    private static GaussHermitePsfCoefficients Read(string path, FitsFile file)
    {
        FitsHdu primary = file[0];
        string primaryName = primary.Name ?? "primary";
        bool hasPsf = file.TryGetHdu("PSF", out FitsHdu psf);

        // PSFTYPE: the primary header's when present (the reference requires it there), else PSF's.
        FitsHdu typeHdu = primary.Header.Contains("PSFTYPE") || !hasPsf ? primary : psf;
        object? psfType = typeHdu.Header.Find("PSFTYPE")?.Value;
        if (psfType is not string type || type.Trim() != "GAUSS-HERMITE")
        {
            throw new PsfFormatException(path, typeHdu.Name ?? "primary",
                psfType is null ? "keyword PSFTYPE missing (need 'GAUSS-HERMITE')" : $"PSFTYPE = '{psfType}', only 'GAUSS-HERMITE' is supported");
        }
        FitsHdu versionHdu = primary.Header.Contains("PSFVER") || !hasPsf ? primary : psf;
        object? version = versionHdu.Header.Find("PSFVER")?.Value;
        double? psfVer = version switch
        {
            long l => l,
            double d => d,
            string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) => v,
            _ => null,
        };
        if (psfVer is not double ver || ver < 3)
        {
            throw new PsfFormatException(path, versionHdu.Name ?? "primary",
                version is null ? "keyword PSFVER missing (need ≥ 3)" : $"PSFVER = {version}, only specex PSFVER ≥ 3 (HDUs XTRACE, YTRACE, PSF) is supported");
        }
        if (!hasPsf)
        {
            throw new PsfFormatException(path, "PSF", "HDU PSF (the parameter table) missing");
        }
        if (psf.Header.Find("PSFTYPE")?.Value is string tableType && tableType.Trim() != "GAUSS-HERMITE")
        {
            throw new PsfFormatException(path, "PSF", $"PSFTYPE = '{tableType}', only 'GAUSS-HERMITE' is supported");
        }

        var (xTrace, xMin, xMax) = ReadTrace(path, file, "XTRACE");
        var (yTrace, yMin, yMax) = ReadTrace(path, file, "YTRACE");

        FitsHeader h = psf.Header;
        int fiberMin = Int(path, "PSF", h, "FIBERMIN");
        int fiberMax = Int(path, "PSF", h, "FIBERMAX");
        int nfiber = fiberMax - fiberMin + 1;
        if (nfiber <= 0 || nfiber != xTrace.GetLength(0))
        {
            throw new PsfFormatException(path, "PSF", $"FIBERMIN = {fiberMin}, FIBERMAX = {fiberMax} give {nfiber} fibers but XTRACE has {xTrace.GetLength(0)}");
        }

        FitsTable table = psf.ReadTable();
        foreach (string column in (string[])["PARAM", "COEFF"])
        {
            if (!table.HasColumn(column))
            {
                throw new PsfFormatException(path, "PSF", $"column {column} missing from the parameter table (columns: {string.Join(", ", table.Columns.Select(c => c.Name))})");
            }
        }
        string[] names = table.GetStrings("PARAM");
        FitsColumn coeff = table.Column("COEFF");
        int repeat = coeff.Repeat;
        int ncoef = coeff.CellShape.Length == 2 ? coeff.CellShape[1] : repeat / nfiber;
        if (ncoef <= 0 || (long)nfiber * ncoef != repeat || (coeff.CellShape.Length == 2 && coeff.CellShape[0] != nfiber))
        {
            throw new PsfFormatException(path, "PSF", $"COEFF cells of shape [{string.Join(", ", coeff.CellShape)}] do not hold {nfiber} fibers × Legendre coefficients");
        }
        if (names.Length != table.RowCount)
        {
            throw new PsfFormatException(path, "PSF", $"PARAM holds {names.Length} names for {table.RowCount} rows");
        }
        double[] values = table.GetColumn<double>("COEFF");
        var parameters = new Dictionary<string, double[,]>(StringComparer.Ordinal);
        for (int row = 0; row < names.Length; row++)
        {
            var c = new double[nfiber, ncoef];
            Buffer.BlockCopy(values, row * repeat * sizeof(double), c, 0, repeat * sizeof(double));
            parameters[names[row].Trim()] = c;
        }

        var coefficients = new GaussHermitePsfCoefficients
        {
            XTrace = xTrace,
            XTraceWaveMin = xMin,
            XTraceWaveMax = xMax,
            YTrace = yTrace,
            YTraceWaveMin = yMin,
            YTraceWaveMax = yMax,
            Parameters = parameters,
            WaveMin = Double(path, "PSF", h, "WAVEMIN"),
            WaveMax = Double(path, "PSF", h, "WAVEMAX"),
            FiberMin = fiberMin,
            NPixX = Int(path, "PSF", h, "NPIX_X"),
            NPixY = Int(path, "PSF", h, "NPIX_Y"),
            HalfSizeX = Int(path, "PSF", h, "HSIZEX"),
            HalfSizeY = Int(path, "PSF", h, "HSIZEY"),
            GhDegX = Int(path, "PSF", h, "GHDEGX"),
            GhDegY = Int(path, "PSF", h, "GHDEGY"),
            PsfError = h.Contains("PSFERR") ? Double(path, "PSF", h, "PSFERR") : null,
        };
        coefficients.Validate(path);
        return coefficients;
    }

    /// <summary>A trace HDU: 2-D float image [nfiber, ncoef] with WAVEMIN/WAVEMAX.</summary>
    private static (double[,] Coefficients, double WaveMin, double WaveMax) ReadTrace(string path, FitsFile file, string name)
    {
        if (!file.TryGetHdu(name, out FitsHdu hdu))
        {
            throw new PsfFormatException(path, name, $"HDU {name} (trace coefficients) missing");
        }
        if (hdu.Shape.Length != 2 || hdu.Shape[0] <= 0 || hdu.Shape[1] <= 0)
        {
            throw new PsfFormatException(path, name, $"trace coefficients must be a 2-D image [nfiber, ncoef], found shape [{string.Join(", ", hdu.Shape)}]");
        }
        double[] flat = hdu.ReadImage<double>();
        var c = new double[hdu.Shape[0], hdu.Shape[1]];
        Buffer.BlockCopy(flat, 0, c, 0, flat.Length * sizeof(double));
        return (c, Double(path, name, hdu.Header, "WAVEMIN"), Double(path, name, hdu.Header, "WAVEMAX"));
    }

    private static int Int(string path, string hdu, FitsHeader header, string key)
    {
        object? value = header.Find(key)?.Value;
        return value switch
        {
            long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
            double d when d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue => (int)d,
            null => throw new PsfFormatException(path, hdu, $"keyword {key} missing"),
            _ => throw new PsfFormatException(path, hdu, $"keyword {key} = {value} is not an integer"),
        };
    }

    private static double Double(string path, string hdu, FitsHeader header, string key)
    {
        object? value = header.Find(key)?.Value;
        return value switch
        {
            long l => l,
            double d => d,
            null => throw new PsfFormatException(path, hdu, $"keyword {key} missing"),
            _ => throw new PsfFormatException(path, hdu, $"keyword {key} = {value} is not a number"),
        };
    }
}
