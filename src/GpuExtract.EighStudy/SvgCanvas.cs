using System.Globalization;
using System.Security;
using System.Text;

namespace GpuExtract.EighStudy;

/// <summary>
/// A minimal SVG 1.1 writer: lines, polylines, circles, rectangles and text in user units (pixels, origin top
/// left), numbers in invariant culture with two decimals, text XML-escaped. Enough for the eigh study's plots;
/// no plotting package is available to .NET here.
/// </summary>
public sealed class SvgCanvas(double width, double height)
{
    private readonly StringBuilder _body = new();

    public double Width { get; } = width;

    public double Height { get; } = height;

    public void Line(double x1, double y1, double x2, double y2, string stroke, double strokeWidth = 1, string? dash = null) =>
        _body.Append($"<line x1=\"{F(x1)}\" y1=\"{F(y1)}\" x2=\"{F(x2)}\" y2=\"{F(y2)}\" stroke=\"{Escape(stroke)}\" stroke-width=\"{F(strokeWidth)}\"{Dash(dash)}/>\n");

    /// <summary>An open polyline through <paramref name="points"/> (nothing for fewer than 2).</summary>
    public void Polyline(IReadOnlyList<(double X, double Y)> points, string stroke, double strokeWidth = 1.5, string? dash = null)
    {
        if (points.Count < 2)
        {
            return;
        }
        _body.Append("<polyline fill=\"none\" stroke=\"").Append(Escape(stroke)).Append("\" stroke-width=\"").Append(F(strokeWidth)).Append('"')
            .Append(Dash(dash)).Append(" points=\"");
        for (int i = 0; i < points.Count; i++)
        {
            _body.Append(i == 0 ? "" : " ").Append(F(points[i].X)).Append(',').Append(F(points[i].Y));
        }
        _body.Append("\"/>\n");
    }

    public void Circle(double cx, double cy, double r, string fill, string? stroke = null) =>
        _body.Append($"<circle cx=\"{F(cx)}\" cy=\"{F(cy)}\" r=\"{F(r)}\" fill=\"{Escape(fill)}\"{(stroke is null ? "" : $" stroke=\"{Escape(stroke)}\"")}/>\n");

    public void Rect(double x, double y, double w, double h, string fill, string? stroke = null) =>
        _body.Append($"<rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(w)}\" height=\"{F(h)}\" fill=\"{Escape(fill)}\"{(stroke is null ? "" : $" stroke=\"{Escape(stroke)}\"")}/>\n");

    /// <summary>An × of half-size <paramref name="size"/> centred on (x, y).</summary>
    public void Cross(double x, double y, double size, string stroke, double strokeWidth = 2)
    {
        Line(x - size, y - size, x + size, y + size, stroke, strokeWidth);
        Line(x - size, y + size, x + size, y - size, stroke, strokeWidth);
    }

    /// <summary>Text at (x, y) (baseline); <paramref name="anchor"/> start, middle or end; <paramref name="rotate"/> degrees about (x, y).</summary>
    public void Text(double x, double y, string text, double size = 12, string anchor = "start", double rotate = 0, bool bold = false)
    {
        _body.Append($"<text x=\"{F(x)}\" y=\"{F(y)}\" font-size=\"{F(size)}\" text-anchor=\"{anchor}\"");
        if (rotate != 0)
        {
            _body.Append($" transform=\"rotate({F(rotate)} {F(x)} {F(y)})\"");
        }
        if (bold)
        {
            _body.Append(" font-weight=\"bold\"");
        }
        _body.Append('>').Append(Escape(text)).Append("</text>\n");
    }

    /// <summary>The document: XML declaration, svg root with a white background, the elements in drawing order.</summary>
    public string ToXml() =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{F(Width)}\" height=\"{F(Height)}\" viewBox=\"0 0 {F(Width)} {F(Height)}\" font-family=\"sans-serif\">\n" +
        $"<rect x=\"0\" y=\"0\" width=\"{F(Width)}\" height=\"{F(Height)}\" fill=\"white\"/>\n" +
        _body + "</svg>\n";

    private static string Dash(string? dash) => string.IsNullOrEmpty(dash) ? "" : $" stroke-dasharray=\"{Escape(dash)}\"";

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
