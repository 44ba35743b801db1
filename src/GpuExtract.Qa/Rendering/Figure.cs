using GpuExtract.Fits;
using ScottPlot;
using SkiaSharp;

namespace GpuExtract.Qa.Rendering;

/// <summary>
/// A figure: a title line over panels (ScottPlot plots) placed on a grid of fractions of the area below
/// the title, written as PNG and SVG of the same size. Text uses <see cref="EmbeddedFont"/>.
/// </summary>
public sealed class Figure
{
    /// <summary>Height of the title strip [pixel].</summary>
    public const int TitleHeight = 34;

    private readonly List<(Plot Plot, double X, double Y, double Width, double Height)> _panels = [];

    /// <param name="title">The figure's title: the file and the fibers.</param>
    /// <param name="width">Width [pixel].</param>
    /// <param name="height">Height [pixel].</param>
    public Figure(string title, int width, int height)
    {
        if (width < 100 || height < 100)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"figure size {width} × {height} is below 100 × 100 pixels");
        }
        EmbeddedFont.Install();
        Title = title;
        Width = width;
        Height = height;
    }

    public string Title { get; }

    /// <summary>A line of small text under the panels (notes, provenance); null = none.</summary>
    public string? Footer { get; init; }

    /// <summary>Height of the footer strip [pixel] when there is a footer.</summary>
    public const int FooterHeight = 26;

    public int Width { get; }

    public int Height { get; }

    /// <summary>
    /// A new panel at (<paramref name="x"/>, <paramref name="y"/>) of size <paramref name="width"/> ×
    /// <paramref name="height"/>, all fractions (0 … 1) of the area below the title, y from the top.
    /// </summary>
    public Plot AddPanel(double x, double y, double width, double height)
    {
        var plot = new Plot();
        // Panels share one canvas: a panel must not clear what the title and the other panels drew.
        plot.RenderManager.ClearCanvasBeforeEachRender = false;
        plot.Axes.Title.Label.FontSize = 14;
        plot.Axes.Title.Label.Bold = false;
        _panels.Add((plot, x, y, width, height));
        return plot;
    }

    /// <summary>Writes <paramref name="basePath"/>.png and <paramref name="basePath"/>.svg (each atomically); returns both paths.</summary>
    public string[] Write(string basePath)
    {
        string png = basePath + ".png", svg = basePath + ".svg";
        AtomicFile.Write(png, stream =>
        {
            using var surface = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul))
                ?? throw new InvalidOperationException($"SkiaSharp cannot make a {Width} × {Height} surface");
            Draw(surface.Canvas);
            using SKImage image = surface.Snapshot();
            using SKData data = image.Encode(SKEncodedImageFormat.Png, 100);
            data.SaveTo(stream);
        });
        AtomicFile.Write(svg, stream =>
        {
            // SKSvgCanvas writes the document when it is disposed, into a managed stream it must outlive.
            using (var wrapper = new SKManagedWStream(stream))
            {
                using SKCanvas canvas = SKSvgCanvas.Create(SKRect.Create(Width, Height), wrapper);
                Draw(canvas);
            }
        });
        return [png, svg];
    }

    private void Draw(SKCanvas canvas)
    {
        canvas.Clear(SKColors.White);
        using (var font = new SKFont(EmbeddedFont.Typeface, 17))
        using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
        {
            canvas.DrawText(Title, Width / 2f, TitleHeight - 10, SKTextAlign.Center, font, paint);
        }
        float areaHeight = Height - TitleHeight - (Footer is null ? 0 : FooterHeight);
        if (Footer is not null)
        {
            using var font = new SKFont(EmbeddedFont.Typeface, 12);
            using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            canvas.DrawText(Footer, Width / 2f, Height - 9, SKTextAlign.Center, font, paint);
        }
        foreach (var (plot, x, y, w, h) in _panels)
        {
            var origin = new Pixel((float)(x * Width), (float)(TitleHeight + y * areaHeight));
            var size = new PixelSize((float)(w * Width), (float)(h * areaHeight));
            plot.Render(canvas, new PixelRect(origin, size));
        }
    }
}
