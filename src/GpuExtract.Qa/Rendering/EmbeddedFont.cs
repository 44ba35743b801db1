using ScottPlot;
using SkiaSharp;

namespace GpuExtract.Qa.Rendering;

/// <summary>
/// The one typeface every figure uses: DejaVu Sans, embedded in this assembly (Fonts/LICENSE.txt).
/// Containers and compute nodes have no system fonts, and SkiaSharp's NoDependencies build then
/// draws no text at all; the embedded face also makes figures look the same on every machine.
/// </summary>
public static class EmbeddedFont
{
    /// <summary>The family name figures ask for.</summary>
    public const string Family = "DejaVu Sans";

    private const string ResourceName = "GpuExtract.Qa.Fonts.DejaVuSans.ttf";
    private static readonly Lock Gate = new();
    private static SKTypeface? _typeface;

    /// <summary>The embedded typeface (loaded once).</summary>
    public static SKTypeface Typeface
    {
        get
        {
            lock (Gate)
            {
                if (_typeface is null)
                {
                    using Stream stream = typeof(EmbeddedFont).Assembly.GetManifestResourceStream(ResourceName)
                        ?? throw new InvalidOperationException($"embedded font {ResourceName} is missing from {typeof(EmbeddedFont).Assembly.GetName().Name}");
                    _typeface = SKTypeface.FromStream(stream)
                        ?? throw new InvalidOperationException($"embedded font {ResourceName} cannot be read by SkiaSharp");
                }
                return _typeface;
            }
        }
    }

    /// <summary>
    /// Makes ScottPlot resolve every font name to the embedded face (ScottPlot asks for the default
    /// family by name, and for other names when a label has glyphs the default lacks). Idempotent.
    /// </summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (!Fonts.FontResolvers.OfType<Resolver>().Any())
            {
                Fonts.FontResolvers.Insert(0, new Resolver());
            }
            Fonts.Default = Family;
            Fonts.Sans = Family;
        }
    }

    /// <summary>Answers every request with the embedded face; weight and slant are not synthesised.</summary>
    private sealed class Resolver : IFontResolver
    {
        public SKTypeface CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing width) => Typeface;

        public SKTypeface CreateTypeface(string fontName, bool bold, bool italic) => Typeface;
    }
}
