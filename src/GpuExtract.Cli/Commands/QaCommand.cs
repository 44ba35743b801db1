using System.CommandLine;
using System.Globalization;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Validation;
using GpuExtract.Qa;

namespace GpuExtract.Cli.Commands;

/// <summary>
/// <c>gpuextract qa FRAME</c>: quick-look figures of a frame file as PNG and SVG (<see cref="QuickLook"/>):
/// spectra, fiber × wavelength images and resolution FWHM always; residuals with the preproc and the PSF
/// (the frame projected through it) or a model image; pulls against a simulation's truth.
/// </summary>
public sealed class QaCommand : DocumentedCommand
{
    private readonly Argument<string> frameArgument = new("FRAME") { Description = "the frame file" };
    private readonly Option<string?> preproc = new("--preproc") { HelpName = "PREPROC", Description = "the preproc image the frame was extracted from (residuals; its TRUTH, if any, gives the pulls)" };
    private readonly Option<string?> psf = new("--psf") { HelpName = "PSF", Description = "the PSF: residuals of the frame projected through it, placed on the fibers' traces" };
    private readonly Option<string?> model = new("--model") { HelpName = "MODEL", Description = "a model image (extract --model) for the residuals instead of the projection" };
    private readonly Option<string?> truth = new("--truth") { HelpName = "TRUTH", Description = "a file with TRUTH and TRUTHWAVE (simulate --truth) for the pulls (default: the preproc's)" };
    private readonly Option<int[]?> fibers = new("--fibers") { HelpName = "LIST", Description = "fibers to draw, e.g. 0,12,24 or 10-14 (default: first, middle, last)", CustomParser = ParseFibers };
    private readonly Option<PixelBox?> region = new("--region") { HelpName = "X0:X1,Y0:Y1", Description = "CCD columns X0..X1-1 and rows Y0..Y1-1 for the residuals (default: around the fibers)", CustomParser = ParseRegion };
    private readonly Option<string> output = new("--output", "-o") { HelpName = "DIR", Description = "directory for the figures", DefaultValueFactory = _ => "." };

    public QaCommand() : base("qa", "Quick-look figures of a frame: spectra, images, residuals, pulls, resolution (PNG and SVG)")
    {
        Details = "Writes DIR/STEM-spectra, -images, -resolution and, with --preproc and --psf or --model, -residuals, and with a truth,\n"
            + "-pulls (.png and .svg each), STEM being FRAME's name without extensions. Figures need no system fonts.";
        Add(frameArgument);
        foreach (Option option in (Option[])[preproc, psf, model, truth, fibers, region, output])
        {
            Add(option);
        }
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        string framePath = parse.GetRequiredValue(frameArgument);
        string? preprocPath = parse.GetValue(preproc), psfPath = parse.GetValue(psf), modelPath = parse.GetValue(model), truthPath = parse.GetValue(truth);
        if (modelPath is not null && preprocPath is null)
        {
            throw new UsageException("--model needs --preproc: the residuals are the image minus the model");
        }
        Frame frame = FrameFile.Read(framePath);
        PreprocImage? image = preprocPath is null ? null : PreprocImage.Read(preprocPath);
        GaussHermitePsf? psfModel = psfPath is null ? null : GaussHermitePsf.Load(psfPath);
        float[]? modelImage = modelPath is null ? null : ModelImageFile.Read(modelPath, image!.NPixX, image.NPixY);
        string? truthSource = truthPath ?? (preprocPath is not null && TruthSpectra.IsIn(preprocPath) ? preprocPath : null);
        TruthSpectra? truthSpectra = truthSource is null ? null : TruthSpectra.Read(truthSource);
        if (truthPath is null && truthSpectra is not null
            && (frame.SpecMin < truthSpectra.FiberMin || frame.SpecMin + frame.NSpec > truthSpectra.FiberMin + truthSpectra.FiberCount))
        {
            // The preproc's own truth, for other fibers than the frame's: no pulls, but not an error (--truth makes it one).
            Console.Error.WriteLine($"gpuextract qa: {preprocPath}'s TRUTH covers fibers {truthSpectra.FiberMin}-{truthSpectra.FiberMin + truthSpectra.FiberCount - 1}, "
                + $"the frame {frame.SpecMin}-{frame.SpecMin + frame.NSpec - 1}: no pull figure");
            truthSpectra = null;
            truthSource = null;
        }
        var input = new QuickLookInput
        {
            Frame = frame,
            FrameName = framePath,
            Fibers = parse.GetValue(fibers),
            Image = image,
            Model = modelImage,
            ModelName = Path.GetFileName(modelPath ?? psfPath ?? ""),
            Psf = psfModel,
            Region = parse.GetValue(region),
            Truth = truthSpectra,
            TruthName = Path.GetFileName(truthSource ?? ""),
        };
        if (image is null && psfModel is not null)
        {
            Console.Error.WriteLine("gpuextract qa: --psf without --preproc: no residual figure (it needs the image)");
        }
        foreach (string path in QuickLook.Write(input, parse.GetRequiredValue(output)))
        {
            Console.WriteLine(path);
        }
        return 0;
    }

    /// <summary>Comma-separated fibers and A-B ranges: <c>0,12,24</c>, <c>10-14</c>.</summary>
    private static int[]? ParseFibers(System.CommandLine.Parsing.ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        var list = new List<int>();
        foreach (string item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var range = Syntax.FiberRange.TryParse(item);
            if (range is null || range.Count > 500)
            {
                result.AddError($"option --fibers expects fibers and ranges like 0,12,24 or 10-14, got '{text}'");
                return null;
            }
            list.AddRange(Enumerable.Range(range.First, range.Count));
        }
        return list.Distinct().ToArray();
    }

    /// <summary><c>X0:X1,Y0:Y1</c>, half-open CCD pixel ranges.</summary>
    private static PixelBox? ParseRegion(System.CommandLine.Parsing.ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        string[] axes = text.Split(',', StringSplitOptions.TrimEntries);
        if (axes.Length == 2 && TryRange(axes[0], out int x0, out int x1) && TryRange(axes[1], out int y0, out int y1))
        {
            return new PixelBox(x0, x1, y0, y1);
        }
        result.AddError($"option --region expects X0:X1,Y0:Y1 with X0 < X1 and Y0 < Y1 (CCD pixels), got '{text}'");
        return null;
    }

    private static bool TryRange(string text, out int lo, out int hi)
    {
        string[] parts = text.Split(':', StringSplitOptions.TrimEntries);
        hi = 0;
        return parts.Length == 2
            & int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out lo)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out hi)
            && hi > lo;
    }
}
