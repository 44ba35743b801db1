using System.CommandLine;
using System.Globalization;
using System.Text;
using GpuExtract.Cli.Syntax;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Psf;

namespace GpuExtract.Cli.Commands;

/// <summary><c>gpuextract psf spot</c>: one PSF stamp with its origin and trace centre.</summary>
public sealed class PsfSpotCommand : DocumentedCommand
{
    private readonly Option<string> psfFile = new("--psf", "-p") { HelpName = "FILE", Description = "GAUSS-HERMITE PSF file", Required = true };
    private readonly Option<int> fiberOption = new("--fiber", "-f") { HelpName = "F", Description = "fiber number", Required = true, CustomParser = OptionParsers.Integer() };
    private readonly Option<double> wavelengthOption = new("--wavelength", "-w") { HelpName = "W", Description = "wavelength [A]", Required = true, CustomParser = OptionParsers.Number() };
    private readonly Option<bool> json = new("--json") { Description = "print JSON: {fiber, wavelength, x, y, xmin, ymin, stamp[rows][cols]}" };

    public PsfSpotCommand() : base("spot", "Print the PSF spot (stamp, origin, centre) of one fiber and wavelength")
    {
        Add(psfFile);
        Add(fiberOption);
        Add(wavelengthOption);
        Add(json);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        string path = parse.GetRequiredValue(psfFile);
        var psf = GaussHermitePsf.Load(path);
        int fiber = parse.GetValue(fiberOption);
        double wavelength = parse.GetValue(wavelengthOption);
        if (fiber < psf.FiberMin || fiber >= psf.FiberMin + psf.FiberCount)
        {
            throw new ExtractionInputException($"{path}: fiber {fiber} is not in the PSF (fibers {psf.FiberMin}-{psf.FiberMin + psf.FiberCount - 1})");
        }
        if (wavelength < psf.WaveMin || wavelength > psf.WaveMax)
        {
            throw new ExtractionInputException($"{path}: wavelength {wavelength} A is outside the PSF's range {psf.WaveMin}-{psf.WaveMax} A");
        }
        int stampRows = 2 * psf.HalfSizeY + 1;
        int stampCols = 2 * psf.HalfSizeX + 1;
        var stamp = new double[stampRows * stampCols];
        psf.Spot(fiber, wavelength, stamp, out int xmin, out int ymin, out int rows, out int cols);
        double x = psf.X(fiber, wavelength);
        double y = psf.Y(fiber, wavelength);
        Console.Write(parse.GetValue(json)
            ? Json(fiber, wavelength, x, y, xmin, ymin, stamp, rows, cols, stampCols)
            : Table(fiber, wavelength, x, y, xmin, ymin, stamp, rows, cols, stampCols));
        return 0;
    }

    private static string Json(int fiber, double wavelength, double x, double y, int xmin, int ymin, double[] stamp, int rows, int cols, int stride)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{{\"fiber\":{fiber},\"wavelength\":{R(wavelength)},\"x\":{R(x)},\"y\":{R(y)},\"xmin\":{xmin},\"ymin\":{ymin},\"stamp\":[");
        for (int r = 0; r < rows; r++)
        {
            text.Append(r == 0 ? "[" : ",[");
            for (int c = 0; c < cols; c++)
            {
                text.Append(c == 0 ? "" : ",").Append(R(stamp[r * stride + c]));
            }
            text.Append(']');
        }
        return text.Append("]}\n").ToString();
    }

    private static string Table(int fiber, double wavelength, double x, double y, int xmin, int ymin, double[] stamp, int rows, int cols, int stride)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"fiber {fiber}, wavelength {R(wavelength)} A: centre x {x:0.000000}, y {y:0.000000}; stamp {rows} rows x {cols} columns from (xmin {xmin}, ymin {ymin})\n");
        for (int r = 0; r < rows; r++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{ymin + r,5} ");
            for (int c = 0; c < cols; c++)
            {
                text.Append(CultureInfo.InvariantCulture, $" {stamp[r * stride + c],9:0.000000}");
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
