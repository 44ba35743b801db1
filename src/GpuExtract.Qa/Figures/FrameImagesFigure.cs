using GpuExtract.Core.Formats;
using GpuExtract.Qa.Rendering;
using ScottPlot;

namespace GpuExtract.Qa.Figures;

/// <summary>Figure 2: fiber × wavelength images of flux, √ivar, chi2pix and the mask bits, stacked.</summary>
public static class FrameImagesFigure
{
    /// <summary>Writes <paramref name="basePath"/>.png and .svg; returns their paths.</summary>
    /// <param name="frame">The frame (its fibers and wavelengths place the images).</param>
    /// <param name="images">The images, drawn top to bottom (<see cref="FiberWavelengthImage.All"/>).</param>
    /// <param name="fileName">The frame's file name, for the title.</param>
    /// <param name="basePath">Output path without extension.</param>
    /// <param name="width">Width [pixel].</param>
    /// <param name="height">Height [pixel].</param>
    public static string[] Write(Frame frame, IReadOnlyList<FiberWavelengthImage> images, string fileName, string basePath, int width, int height)
    {
        var figure = new Figure($"{fileName}: fiber × wavelength images, {FrameFibers.DescribeAll(frame)}", width, height);
        double half = frame.NWave > 1 ? (frame.Wavelength[^1] - frame.Wavelength[0]) / (frame.NWave - 1) / 2 : 0.5;
        double left = frame.Wavelength[0] - half, right = frame.Wavelength[^1] + half;
        double rowHeight = 1.0 / images.Count;
        for (int i = 0; i < images.Count; i++)
        {
            FiberWavelengthImage image = images[i];
            Plot plot = figure.AddPanel(0, i * rowHeight, 1, rowHeight);
            IColormap colormap = image.Name.StartsWith("mask", StringComparison.Ordinal) ? new ScottPlot.Colormaps.Turbo() : new ScottPlot.Colormaps.Viridis();
            Panels.Image(plot, image.Values, image.Fibers, image.Wavelengths, left, right, frame.SpecMin - 0.5, frame.SpecMin + frame.NSpec - 0.5,
                colormap, image.ColorMin, image.ColorMax, image.ScaleLabel);
            plot.Title(image.Name);
            plot.XLabel("wavelength [Å]");
            plot.YLabel("fiber [number]");
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        }
        return figure.Write(basePath);
    }
}
