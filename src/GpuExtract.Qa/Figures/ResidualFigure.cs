using GpuExtract.Qa.Rendering;
using ScottPlot;

namespace GpuExtract.Qa.Figures;

/// <summary>Figure 3: data, model and (data − model)·√ivar over a CCD region, and the residuals' histogram against N(0, 1).</summary>
public static class ResidualFigure
{
    /// <summary>Writes <paramref name="basePath"/>.png and .svg; returns their paths.</summary>
    /// <param name="residuals">The region's data, model and residuals.</param>
    /// <param name="title">The figure's title (the files and fibers).</param>
    /// <param name="basePath">Output path without extension.</param>
    /// <param name="width">Width [pixel].</param>
    /// <param name="height">Height [pixel].</param>
    public static string[] Write(PixelResiduals residuals, string title, string basePath, int width, int height)
    {
        var figure = new Figure(title, width, height);
        var box = residuals.Region;
        double left = box.XMin - 0.5, right = box.XMax - 0.5, bottom = box.YMin - 0.5, top = box.YMax - 0.5;
        var panels = new (double[] Values, string Name, string Label, IColormap Map, double Min, double Max)[]
        {
            (residuals.Data, "data", "IMAGE [electron]", new ScottPlot.Colormaps.Viridis(), residuals.ColorMin, residuals.ColorMax),
            (residuals.Model, "model", "model [electron]", new ScottPlot.Colormaps.Viridis(), residuals.ColorMin, residuals.ColorMax),
            (residuals.Residual, "(data − model)·√ivar (grey: weight 0)", "residual [σ]", new ScottPlot.Colormaps.Balance(), -PixelResiduals.HistogramLimit, PixelResiduals.HistogramLimit),
        };
        for (int i = 0; i < panels.Length; i++)
        {
            var (values, name, label, map, min, max) = panels[i];
            Plot plot = figure.AddPanel(i % 2 * 0.5, i / 2 * 0.5, 0.5, 0.5);
            Panels.Image(plot, values, box.Height, box.Width, left, right, bottom, top, map, min, max, label);
            plot.Title(name);
            plot.XLabel("CCD column x [pixel]");
            plot.YLabel("CCD row y [pixel]");
        }
        Panels.HistogramAgainstNormal(figure.AddPanel(0.5, 0.5, 0.5, 0.5), residuals.Histogram,
            "(data − model)·√ivar [σ]", "pixels per bin [count]", "residuals of the used pixels");
        return figure.Write(basePath);
    }
}
