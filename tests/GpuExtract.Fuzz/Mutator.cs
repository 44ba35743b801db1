using System.Globalization;
using System.IO.Compression;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;

namespace GpuExtract.Fuzz;

/// <summary>
/// Seeded mutations of a <see cref="FuzzInput"/>: byte flips, truncations, header card edits (NAXISn, BITPIX,
/// PCOUNT/THEAP, Z* keywords, TFORM/TDIM and the PSF's own keywords), extreme pixel values, PSF trace and
/// parameter edits, option edits, and gzip streams. Case i of seed s is always the same case.
/// </summary>
public static class Mutator
{
    /// <summary>Values written into header cards: zero, negatives, huge, non-integers, non-numbers.</summary>
    private static readonly string[] CardValues =
    [
        "0", "-1", "1", "2", "3", "7", "8", "16", "-32", "-64", "64", "999", "30000", "100000", "2147483647", "2147483648",
        "-2147483648", "9223372036854775807", "1E300", "-1E300", "1E-300", "0.5", "NaN", "'X'", "'1PE(100)'", "'2000D'",
        "'(7,500)'", "'(500,7)'", "'RICE_1'", "'GZIP_2'", "'HCOMPRESS_1'", "'PLIO_1'", "T", "F", "''", "5000.0001", "1E6",
    ];

    /// <summary>Keywords whose cards are edited (those present in the chosen HDU).</summary>
    private static readonly string[] Keywords =
    [
        "NAXIS", "NAXIS1", "NAXIS2", "NAXIS3", "BITPIX", "PCOUNT", "GCOUNT", "THEAP", "TFIELDS", "TFORM1", "TFORM2", "TFORM3", "TDIM1",
        "TDIM2", "TTYPE1", "TTYPE2", "ZNAXIS", "ZNAXIS1", "ZNAXIS2", "ZBITPIX", "ZTILE1", "ZTILE2", "ZCMPTYPE", "ZNAME1", "ZVAL1",
        "ZNAME2", "ZVAL2", "ZIMAGE", "BSCALE", "BZERO", "EXTNAME", "XTENSION", "SIMPLE", "WAVEMIN", "WAVEMAX", "HSIZEX", "HSIZEY",
        "GHDEGX", "GHDEGY", "FIBERMIN", "FIBERMAX", "NPIX_X", "NPIX_Y", "PSFERR", "PSFTYPE", "PSFVER", "END",
    ];

    /// <summary>Pixel values: non-finite, beyond any CCD, at the acceptance bounds, denormal and ordinary.</summary>
    private static readonly float[] PixelValues =
    [
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, 3e38f, -3e38f, float.MaxValue, 8.7e36f, 1e30f, 1e20f, 1.0001e10f,
        1e10f, -1e10f, 1e5f, -1e5f, 0f, -0f, 1e-45f, 1e-38f, -1f, 1f,
    ];

    /// <summary>Values written into PSF coefficients (traces and parameters).</summary>
    private static readonly double[] CoefficientValues =
    [
        0, -1, 1, 1e6, -1e6, 1e300, -1e300, 1e-300, 1e4, -1e4, 100, -100, 0.01, double.NaN, double.PositiveInfinity, double.Epsilon,
    ];

    /// <summary>The kinds of mutation and their relative frequency.</summary>
    private static readonly (string Kind, int Weight)[] Kinds =
    [
        ("bit-flip", 12), ("header-bit-flip", 8), ("truncate", 6), ("card-edit", 22), ("pixels", 14),
        ("psf-coefficient", 18), ("options", 10), ("gzip", 5), ("gzip-corrupt", 3), ("clean", 2),
    ];

    /// <summary>Case <paramref name="index"/> of run <paramref name="seed"/> on <paramref name="input"/>.</summary>
    public static FuzzCase Create(FuzzInput input, long seed, int index, string scratch)
    {
        var random = new Random(HashCode.Combine(seed, index, input.Name.Length));
        string kind = PickKind(random);
        byte[] preproc = input.Preproc;
        byte[] psf = input.Psf;
        Func<ExtractionOptions> options = () => input.Options;
        bool gzip = false;
        FuzzTarget target = random.Next(2) == 0 ? FuzzTarget.Preproc : FuzzTarget.Psf;
        string description;
        switch (kind)
        {
            case "bit-flip":
            case "header-bit-flip":
                {
                    byte[] bytes = (target == FuzzTarget.Preproc ? preproc : psf).ToArray();
                    int flips = 1 + random.Next(4);
                    var at = new List<string>();
                    RawFits layout = RawFits.Parse(bytes);
                    for (int i = 0; i < flips; i++)
                    {
                        int offset = kind == "header-bit-flip" && layout.Hdus.Count > 0
                            ? (int)(layout.Hdus[random.Next(layout.Hdus.Count)].HeaderStart + random.Next(2880))
                            : random.Next(bytes.Length);
                        offset = Math.Min(offset, bytes.Length - 1);
                        int bit = random.Next(8);
                        bytes[offset] ^= (byte)(1 << bit);
                        at.Add($"{offset}:{bit}");
                    }
                    description = $"bits {string.Join(",", at)}";
                    (preproc, psf) = target == FuzzTarget.Preproc ? (bytes, psf) : (preproc, bytes);
                    break;
                }
            case "truncate":
                {
                    byte[] source = target == FuzzTarget.Preproc ? preproc : psf;
                    int length = random.Next(3) == 0 ? random.Next(source.Length) : source.Length - 1 - random.Next(Math.Min(source.Length - 1, 5760));
                    description = $"to {length} of {source.Length} bytes";
                    (preproc, psf) = target == FuzzTarget.Preproc ? (source[..length], psf) : (preproc, source[..length]);
                    break;
                }
            case "card-edit":
                {
                    byte[] bytes = (target == FuzzTarget.Preproc ? preproc : psf).ToArray();
                    description = EditCard(bytes, random);
                    (preproc, psf) = target == FuzzTarget.Preproc ? (bytes, psf) : (preproc, bytes);
                    break;
                }
            case "pixels":
                target = FuzzTarget.Preproc;
                (preproc, description) = EditPixels(input, random, scratch);
                break;
            case "psf-coefficient":
                {
                    target = FuzzTarget.Psf;
                    byte[] bytes = psf.ToArray();
                    description = EditCoefficient(bytes, random);
                    psf = bytes;
                    break;
                }
            case "options":
                target = FuzzTarget.Options;
                (options, description) = EditOptions(input.Options, random);
                break;
            case "gzip":
            case "gzip-corrupt":
                {
                    target = FuzzTarget.Preproc;
                    gzip = true;
                    byte[] compressed = Gzip(preproc);
                    description = "gzip";
                    if (kind == "gzip-corrupt")
                    {
                        int offset = random.Next(compressed.Length);
                        compressed[offset] ^= (byte)(1 << random.Next(8));
                        description = $"gzip, bit flipped at byte {offset}";
                    }
                    preproc = compressed;
                    break;
                }
            default:
                description = "unmutated";
                break;
        }
        return new FuzzCase(index, input.Name, kind, description, target, preproc, gzip, psf, options);
    }

    private static string PickKind(Random random)
    {
        int total = Kinds.Sum(k => k.Weight);
        int pick = random.Next(total);
        foreach (var (kind, weight) in Kinds)
        {
            if ((pick -= weight) < 0)
            {
                return kind;
            }
        }
        return Kinds[0].Kind;
    }

    private static string EditCard(byte[] bytes, Random random)
    {
        RawFits layout = RawFits.Parse(bytes);
        if (layout.Hdus.Count == 0)
        {
            return "no header to edit";
        }
        RawHdu hdu = layout.Hdus[random.Next(layout.Hdus.Count)];
        string[] present = Keywords.Where(hdu.Cards.ContainsKey).ToArray();
        if (present.Length == 0)
        {
            return "no known keyword in the HDU";
        }
        string key = present[random.Next(present.Length)];
        long card = hdu.Cards[key];
        if (key == "END")
        {
            // Overwrite END: the header then runs into the data.
            System.Text.Encoding.ASCII.GetBytes("COMMENT ".PadRight(80), bytes.AsSpan((int)card, 80));
            return $"HDU at {hdu.HeaderStart}: END removed";
        }
        string value = random.Next(4) == 0 && long.TryParse(hdu.Text(key), out long current)
            ? (current + random.Next(-3, 4)).ToString(CultureInfo.InvariantCulture)
            : CardValues[random.Next(CardValues.Length)];
        RawHdu.SetCard(bytes, card, value);
        return $"HDU at {hdu.HeaderStart}: {key} = {value}";
    }

    private static (byte[] Bytes, string Description) EditPixels(FuzzInput input, Random random, string scratch)
    {
        PreprocImage image = input.Image;
        float[] pixels = image.Image.ToArray();
        float[] ivar = image.Ivar.ToArray();
        int[] mask = image.Mask.ToArray();
        int plane = random.Next(3);
        float value = PixelValues[random.Next(PixelValues.Length)];
        int mode = random.Next(4);
        int count = mode switch { 0 => 1, 1 => 1 + random.Next(50), 2 => image.NPixX, _ => pixels.Length };
        int start = mode == 2 ? random.Next(image.NPixY) * image.NPixX : 0;
        for (int i = 0; i < count; i++)
        {
            int at = mode is 0 or 1 ? random.Next(pixels.Length) : start + i;
            switch (plane)
            {
                case 0:
                    pixels[at] = value;
                    break;
                case 1:
                    ivar[at] = value;
                    break;
                default:
                    mask[at] = float.IsFinite(value) ? (int)Math.Clamp(value, int.MinValue, int.MaxValue) : -1;
                    break;
            }
        }
        var edited = new PreprocImage
        {
            NPixX = image.NPixX,
            NPixY = image.NPixY,
            Image = pixels,
            Ivar = ivar,
            Mask = mask,
            Header = image.Header,
            Fibermap = image.Fibermap,
        };
        string path = Path.Combine(scratch, "pixels-edit.fits");
        edited.Write(path);
        string planeName = plane switch { 0 => "IMAGE", 1 => "IVAR", _ => "MASK" };
        string where = mode switch { 0 => "1 pixel", 1 => $"{count} pixels", 2 => $"row {start / image.NPixX}", _ => "every pixel" };
        return (File.ReadAllBytes(path), $"{planeName} = {value.ToString(CultureInfo.InvariantCulture)} at {where}");
    }

    private static string EditCoefficient(byte[] bytes, Random random)
    {
        RawFits layout = RawFits.Parse(bytes);
        double value = CoefficientValues[random.Next(CoefficientValues.Length)];
        bool scale = random.Next(4) == 0;
        double factor = random.Next(2) == 0 ? -1 : 1e3;
        int choice = random.Next(3);
        long offset;
        string what;
        if (choice < 2)
        {
            string name = choice == 0 ? "XTRACE" : "YTRACE";
            RawHdu? hdu = layout.Find(name);
            if (hdu is null)
            {
                return $"{name} not found";
            }
            long n = hdu.DataBytes / 8;
            long element = random.Next((int)Math.Max(n, 1));
            offset = hdu.DataStart + element * 8;
            what = $"{name}[{element}]";
            if (random.Next(5) == 0)
            {
                // A flat or runaway trace: every coefficient of one fiber.
                long? ncoef = hdu.Integer("NAXIS1");
                long fiber = element / Math.Max(ncoef ?? 1, 1);
                for (long k = 0; k < (ncoef ?? 1); k++)
                {
                    RawHdu.WriteDouble(bytes, hdu.DataStart + (fiber * (ncoef ?? 1) + k) * 8, k == 0 ? value : 0);
                }
                return $"{name} fiber {fiber} = [{value}, 0, …]";
            }
        }
        else
        {
            RawHdu? hdu = layout.Find("PSF");
            long? rows = hdu?.Integer("NAXIS2");
            if (hdu is null || rows is null or <= 0)
            {
                return "PSF table not found";
            }
            int row = random.Next((int)rows.Value);
            // GHSIGX and GHSIGY (rows 0, 1) are edited as often as all the others together.
            if (random.Next(2) == 0)
            {
                row = random.Next(2);
            }
            long cells = 1;
            string? tform = null;
            for (int i = 1; i <= (hdu.Integer("TFIELDS") ?? 0); i++)
            {
                if (hdu.Text($"TTYPE{i}") == "COEFF")
                {
                    tform = hdu.Text($"TFORM{i}");
                }
            }
            if (tform is not null && long.TryParse(new string(tform.TakeWhile(char.IsDigit).ToArray()), out long repeat))
            {
                cells = repeat;
            }
            int element = random.Next((int)Math.Max(cells, 1));
            offset = hdu.CellOffset("COEFF", row, element);
            what = $"COEFF row {row} element {element}";
            if (offset < 0)
            {
                return "COEFF not found";
            }
        }
        if (offset + 8 > bytes.Length)
        {
            return $"{what} beyond the file";
        }
        double written = scale ? RawHdu.ReadDouble(bytes, offset) * factor : value;
        RawHdu.WriteDouble(bytes, offset, written);
        return $"{what} = {written.ToString(CultureInfo.InvariantCulture)}";
    }

    private static (Func<ExtractionOptions> Options, string Description) EditOptions(ExtractionOptions o, Random random)
    {
        double w0 = o.Wavelengths[0], w1 = o.Wavelengths[^1];
        switch (random.Next(9))
        {
            case 0:
                {
                    double dw = new[] { 1e-12, 1e-3, 0.01, 0.05, 0.2, 0.5, 2, 30, 100, -0.8, 0, double.NaN }[random.Next(12)];
                    return (() => o with { Wavelengths = ExtractionOptions.LinearGrid(w0, w1, dw) }, $"dw = {dw}");
                }
            case 1:
                {
                    double a = w0 + random.Next(-3000, 3000), b = w1 + random.Next(-3000, 3000);
                    return (() => o with { Wavelengths = ExtractionOptions.LinearGrid(a, b, 0.8) }, $"w = {a},{b},0.8");
                }
            case 2:
                {
                    double v = new[] { 1e9, -1, double.NaN, 10, 10.5, 0, 3 }[random.Next(7)];
                    return random.Next(2) == 0 ? (() => o with { PixPadFrac = v }, $"pixpad-frac = {v}") : (() => o with { WavePadFrac = v }, $"wavepad-frac = {v}");
                }
            case 3:
                {
                    int v = new[] { 0, 1, 2, 1000, 1_000_000, int.MaxValue, -5 }[random.Next(7)];
                    return (() => o with { NWaveStep = v }, $"nwavestep = {v}");
                }
            case 4:
                {
                    int v = new[] { 0, 1, 5, 6, -1 }[random.Next(5)];
                    return (() => o with { NSubBundles = v }, $"nsubbundles = {v}");
                }
            case 5:
                {
                    (int s, int n) = new[] { (-1, 5), (4, 1), (0, 6), (3, 3), (int.MaxValue, 5), (0, int.MaxValue), (0, 0) }[random.Next(7)];
                    return (() => o with { SpecMin = s, NSpec = n }, $"specmin {s}, nspec {n}");
                }
            case 6:
                {
                    double v = new[] { double.NaN, 1e300, -1, 1e-300, 1e6 }[random.Next(5)];
                    return (() => o with { Regularize = v }, $"regularize = {v}");
                }
            case 7:
                {
                    double v = new[] { double.NaN, 1e300, -1, 0, 1e6 }[random.Next(5)];
                    return (() => o with { PsfError = v }, $"psferr = {v}");
                }
            default:
                {
                    int v = new[] { 1, 2, 500, 0, -3 }[random.Next(5)];
                    return (() => o with { BundleSize = v, NSubBundles = Math.Min(o.NSubBundles, Math.Max(v, 1)) }, $"bundlesize = {v}");
                }
        }
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest))
        {
            gz.Write(bytes);
        }
        return output.ToArray();
    }
}
