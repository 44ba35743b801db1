using System.Numerics;
using GpuExtract.Core.Formats;

namespace GpuExtract.Qa;

/// <summary>
/// One quantity of a frame as a fiber × wavelength image, with the colour range the figure uses.
/// </summary>
/// <param name="Name">What it is ("flux", "√ivar", …), for the panel title.</param>
/// <param name="ScaleLabel">The colour scale's label, with units.</param>
/// <param name="Values">Values; shape [Fibers, Wavelengths], row-major; NaN where there is nothing to show.</param>
/// <param name="Fibers">Rows (fibers SpecMin …).</param>
/// <param name="Wavelengths">Columns.</param>
/// <param name="ColorMin">Value at the bottom of the colour scale.</param>
/// <param name="ColorMax">Value at the top of the colour scale.</param>
public sealed record FiberWavelengthImage(string Name, string ScaleLabel, double[] Values, int Fibers, int Wavelengths, double ColorMin, double ColorMax)
{
    /// <summary>Share of the finite values clipped at each end of the flux, √ivar and chi2pix scales (bright sky lines would otherwise take the whole scale).</summary>
    public const double ClipFraction = 0.01;

    /// <summary>Flux [electron/Å], colour range the 1st–99th percentile.</summary>
    public static FiberWavelengthImage Flux(Frame frame) =>
        Percentiles("flux", "flux [electron/Å]", (double[])frame.Flux.Clone(), frame);

    /// <summary>√ivar [Å/electron] (1/σ of the flux), colour range the 1st–99th percentile.</summary>
    public static FiberWavelengthImage SqrtIvar(Frame frame)
    {
        var values = new double[frame.Ivar.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = frame.Ivar[i] >= 0 ? Math.Sqrt(frame.Ivar[i]) : double.NaN;
        }
        return Percentiles("√ivar", "√ivar [Å/electron]", values, frame);
    }

    /// <summary>chi2pix (dimensionless), colour range 0 … the 99th percentile.</summary>
    public static FiberWavelengthImage Chi2Pix(Frame frame)
    {
        FiberWavelengthImage image = Percentiles("chi2pix (χ² per pixel)", "chi2pix", (double[])frame.Chi2Pix.Clone(), frame);
        return image with { ColorMin = 0, ColorMax = Math.Max(image.ColorMax, 1) };
    }

    /// <summary>
    /// The mask as the highest set bit + 1 (0: no bit; 1: SOMEBADPIX, bit 0; 2: ALLBADPIX, bit 1;
    /// 8: BAD2DFIT, bit 7), so that single bits stay apart on a linear scale; range 0 … 8, or more
    /// when higher bits are set.
    /// </summary>
    public static FiberWavelengthImage MaskBits(Frame frame)
    {
        var values = new double[frame.Mask.Length];
        double highest = 8;
        for (int i = 0; i < values.Length; i++)
        {
            uint mask = frame.Mask[i];
            values[i] = mask == 0 ? 0 : 32 - BitOperations.LeadingZeroCount(mask);
            highest = Math.Max(highest, values[i]);
        }
        return new FiberWavelengthImage("mask as highest bit + 1 (0 none, 1 SOMEBADPIX, 2 ALLBADPIX, 8 BAD2DFIT)", "highest bit + 1", values,
            frame.NSpec, frame.NWave, 0, highest);
    }

    /// <summary>The four images of the frame figure: flux, √ivar, chi2pix, mask.</summary>
    public static FiberWavelengthImage[] All(Frame frame) => [Flux(frame), SqrtIvar(frame), Chi2Pix(frame), MaskBits(frame)];

    private static FiberWavelengthImage Percentiles(string name, string label, double[] values, Frame frame)
    {
        var finite = new List<double>(values.Length);
        foreach (double v in values)
        {
            if (double.IsFinite(v))
            {
                finite.Add(v);
            }
        }
        finite.Sort();
        double lo = finite.Count > 0 ? Histogram.Quantile(finite, ClipFraction) : 0;
        double hi = finite.Count > 0 ? Histogram.Quantile(finite, 1 - ClipFraction) : 1;
        if (!(hi > lo))
        {
            hi = lo + 1;
        }
        return new FiberWavelengthImage(name, label, values, frame.NSpec, frame.NWave, lo, hi);
    }
}
