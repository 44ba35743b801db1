using System.CommandLine;
using System.Globalization;
using GpuExtract.Core.Psf;
using GpuExtract.Fits;

namespace GpuExtract.Cli.Commands;

/// <summary><c>gpuextract info FILE</c>: the HDUs of a FITS file, a header, and a PSF summary.</summary>
public sealed class InfoCommand : DocumentedCommand
{
    private readonly Argument<string> fileArgument = new("FILE") { Description = "a FITS file (.fits or .fits.gz)" };
    private readonly Option<string?> header = new("--header") { HelpName = "N|NAME", Description = "print the header of HDU number N or EXTNAME NAME" };
    private readonly Option<bool> verify = new("--verify") { Description = "verify DATASUM/CHECKSUM of every HDU" };

    public InfoCommand() : base("info", "List the HDUs of a FITS file (and summarise a PSF)")
    {
        Add(fileArgument);
        Add(header);
        Add(verify);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        string path = parse.GetRequiredValue(fileArgument);
        bool verifyChecksums = parse.GetValue(verify);
        using var file = FitsFile.Open(path, verifyChecksums);
        string? headerName = parse.GetValue(header);
        if (headerName is not null)
        {
            FitsHdu hdu = int.TryParse(headerName, NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                ? (index < file.Hdus.Count ? file[index] : throw new UsageException($"{path} has {file.Hdus.Count} HDUs; there is no HDU {index}"))
                : file[headerName];
            foreach (var card in hdu.Header)
            {
                Console.WriteLine(FormatCard(card));
            }
            return 0;
        }
        Console.WriteLine($"{path}: {file.Hdus.Count} HDUs");
        Console.WriteLine($"{"#",3}  {"EXTNAME",-18} {"TYPE",-16} {"BITPIX",6}  SHAPE / COLUMNS");
        foreach (var hdu in file.Hdus)
        {
            Console.WriteLine($"{hdu.Index,3}  {hdu.Name ?? "",-18} {KindName(hdu),-16} {hdu.Bitpix,6}  {Describe(hdu)}");
            if (verifyChecksums)
            {
                hdu.VerifyChecksum();
            }
        }
        if (verifyChecksums)
        {
            Console.WriteLine("checksums: all HDUs verify");
        }
        if (file.TryGetHdu("PSF", out _) && file.TryGetHdu("XTRACE", out _))
        {
            Console.WriteLine();
            Console.WriteLine(PsfSummary(GaussHermitePsf.Load(path)));
        }
        return 0;
    }

    /// <summary>Fibers, wavelength range, stamp half sizes, GH degrees, Legendre degree and PSFERR.</summary>
    public static string PsfSummary(GaussHermitePsf psf) => string.Create(CultureInfo.InvariantCulture,
        $"PSF: GAUSS-HERMITE, fibers {psf.FiberMin}-{psf.FiberMin + psf.FiberCount - 1} ({psf.FiberCount}), " +
        $"wavelengths {psf.WaveMin:0.###}-{psf.WaveMax:0.###} A, HSIZEX {psf.HalfSizeX}, HSIZEY {psf.HalfSizeY}, " +
        $"GHDEGX {psf.GhDegX}, GHDEGY {psf.GhDegY}, Legendre degree {psf.Coefficients.Parameters["GHSIGX"].GetLength(1) - 1}, PSFERR {psf.PsfError:0.####}, " +
        $"CCD {psf.NPixX} x {psf.NPixY}");

    private static string KindName(FitsHdu hdu) => hdu.Kind switch
    {
        HduKind.Image when hdu.Index == 0 => "primary image",
        HduKind.Image => "image",
        HduKind.BinaryTable => "binary table",
        HduKind.CompressedImage => "compressed image",
        HduKind.AsciiTable => "ascii table",
        _ => hdu.Kind.ToString(),
    };

    private static string Describe(FitsHdu hdu)
    {
        switch (hdu.Kind)
        {
            case HduKind.BinaryTable:
            case HduKind.AsciiTable:
                var table = hdu.ReadTable();
                return $"{table.RowCount} rows: " + string.Join(", ", table.Columns.Select(c => $"{c.Name}({c.Format})"));
            case HduKind.CompressedImage:
                return $"({string.Join(", ", hdu.Shape)}) {hdu.Header.GetStringOrNull("ZCMPTYPE") ?? "?"}";
            default:
                return hdu.Shape.Length == 0 ? "no data" : $"({string.Join(", ", hdu.Shape)})";
        }
    }

    private static string FormatCard(FitsCard card) => card.Value switch
    {
        null => card.Key,
        string s when card.Key is "COMMENT" or "HISTORY" => $"{card.Key} {s}",
        string s => $"{card.Key,-8} = '{s}'" + Comment(card),
        bool b => $"{card.Key,-8} = {(b ? "T" : "F")}" + Comment(card),
        double d => $"{card.Key,-8} = {d.ToString("R", CultureInfo.InvariantCulture)}" + Comment(card),
        IFormattable f => $"{card.Key,-8} = {f.ToString(null, CultureInfo.InvariantCulture)}" + Comment(card),
        var v => $"{card.Key,-8} = {v}" + Comment(card),
    };

    private static string Comment(FitsCard card) => string.IsNullOrEmpty(card.Comment) ? "" : " / " + card.Comment;
}
