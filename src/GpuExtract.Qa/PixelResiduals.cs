using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Planning;

namespace GpuExtract.Qa;

/// <summary>
/// Data, model and normalised residual (data − model)·√weight over a region of the CCD, with the
/// residuals' histogram. The weight is the extraction's (IVAR where MASK &amp; 0x2FF is 0 and the pixel
/// is finite, <see cref="PreprocImage.ComputeWeights"/>); residuals are NaN where it is 0. For a
/// right model they follow N(0, 1), a little narrower because the model was fitted to the same pixels.
/// </summary>
public sealed class PixelResiduals
{
    /// <summary>Residual histogram range [σ] and bins.</summary>
    public const double HistogramLimit = 5;
    public const int HistogramBins = 50;

    private PixelResiduals(PixelBox region, double[] data, double[] model, double[] residual, Histogram histogram, double colorMin, double colorMax)
    {
        Region = region;
        Data = data;
        Model = model;
        Residual = residual;
        Histogram = histogram;
        ColorMin = colorMin;
        ColorMax = colorMax;
    }

    /// <summary>CCD columns XMin … XMax − 1 and rows YMin … YMax − 1.</summary>
    public PixelBox Region { get; }

    /// <summary>Pixel values [electron]; shape [Region.Height, Region.Width].</summary>
    public double[] Data { get; }

    /// <summary>Model [electron]; shape [Region.Height, Region.Width].</summary>
    public double[] Model { get; }

    /// <summary>(data − model)·√weight [σ]; NaN where the weight is 0; shape [Region.Height, Region.Width].</summary>
    public double[] Residual { get; }

    /// <summary>Histogram of the finite residuals over ±<see cref="HistogramLimit"/>.</summary>
    public Histogram Histogram { get; }

    /// <summary>Colour range shared by the data and model images [electron] (1st–99th percentile of the used data pixels).</summary>
    public double ColorMin { get; }

    public double ColorMax { get; }

    /// <summary>Residuals of a full-CCD <paramref name="model"/> against <paramref name="image"/> over <paramref name="region"/>.</summary>
    /// <param name="image">The preproc image.</param>
    /// <param name="model">Model [electron]; shape [image.NPixY, image.NPixX] (the <c>extract --model</c> image).</param>
    /// <param name="region">Pixels to show; clipped to the CCD.</param>
    /// <exception cref="ExtractionInputException">the model's shape differs from the image's, or the region is empty.</exception>
    public static PixelResiduals Compute(PreprocImage image, ReadOnlySpan<float> model, PixelBox region)
    {
        if (model.Length != image.NPixX * image.NPixY)
        {
            throw new ExtractionInputException(
                $"model has {model.Length} pixels, the image {image.NPixY} × {image.NPixX} = {image.NPixX * image.NPixY}");
        }
        PixelBox box = ClipToCcd(image, region);
        var values = new double[box.PixelCount];
        for (int y = box.YMin, at = 0; y < box.YMax; y++)
        {
            for (int x = box.XMin; x < box.XMax; x++, at++)
            {
                values[at] = model[y * image.NPixX + x];
            }
        }
        return FromRegionModel(image, values, box);
    }

    /// <summary>The region of the CCD that <paramref name="region"/> covers.</summary>
    /// <exception cref="ExtractionInputException">no pixel of the region is on the CCD.</exception>
    public static PixelBox ClipToCcd(PreprocImage image, PixelBox region)
    {
        var box = new PixelBox(Math.Max(region.XMin, 0), Math.Min(region.XMax, image.NPixX), Math.Max(region.YMin, 0), Math.Min(region.YMax, image.NPixY));
        if (box.PixelCount == 0)
        {
            throw new ExtractionInputException(
                $"region x {region.XMin}:{region.XMax}, y {region.YMin}:{region.YMax} has no pixel on the {image.NPixX} × {image.NPixY} CCD");
        }
        return box;
    }

    /// <summary>Residuals of a model given over <paramref name="box"/> alone (shape [box.Height, box.Width]), e.g. <see cref="ProjectedModel"/>.</summary>
    /// <param name="image">The preproc image.</param>
    /// <param name="model">Model [electron]; shape [box.Height, box.Width].</param>
    /// <param name="box">Region on the CCD (<see cref="ClipToCcd"/>).</param>
    public static PixelResiduals FromRegionModel(PreprocImage image, double[] model, PixelBox box)
    {
        if (model.Length != box.PixelCount || box.XMin < 0 || box.YMin < 0 || box.XMax > image.NPixX || box.YMax > image.NPixY)
        {
            throw new ArgumentException($"model of {model.Length} pixels for region {box} of a {image.NPixX} × {image.NPixY} CCD");
        }
        float[] weights = image.ComputeWeights();
        var data = new double[box.PixelCount];
        var residual = new double[box.PixelCount];
        var used = new List<double>(box.PixelCount);
        int at = 0;
        for (int y = box.YMin; y < box.YMax; y++)
        {
            for (int x = box.XMin; x < box.XMax; x++, at++)
            {
                int pixel = y * image.NPixX + x;
                data[at] = image.Image[pixel];
                double w = weights[pixel];
                residual[at] = w > 0 ? (data[at] - model[at]) * Math.Sqrt(w) : double.NaN;
                if (w > 0)
                {
                    used.Add(data[at]);
                }
            }
        }
        used.Sort();
        double lo = used.Count > 0 ? Histogram.Quantile(used, 0.01) : 0;
        double hi = used.Count > 0 ? Histogram.Quantile(used, 0.99) : 1;
        return new PixelResiduals(box, data, model, residual,
            Histogram.Of(residual, -HistogramLimit, HistogramLimit, HistogramBins), lo, hi > lo ? hi : lo + 1);
    }
}
