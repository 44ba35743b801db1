using GpuExtract.Qa.Rendering;
using ScottPlot;

namespace GpuExtract.Qa.Figures;

/// <summary>Figure 4: the pulls (flux − R·truth)·√ivar as a fiber × wavelength image, each fiber's mean and standard deviation, and their histogram against N(0, 1).</summary>
public static class PullFigure
{
    /// <summary>Writes <paramref name="basePath"/>.png and .svg; returns their paths.</summary>
    /// <param name="pulls">The frame's pulls.</param>
    /// <param name="fileName">The frame's file name, for the title.</param>
    /// <param name="truthName">The file the truth came from, for the title.</param>
    /// <param name="basePath">Output path without extension.</param>
    /// <param name="width">Width [pixel].</param>
    /// <param name="height">Height [pixel].</param>
    public static string[] Write(TruthPullMap pulls, string fileName, string truthName, string basePath, int width, int height)
    {
        int last = pulls.SpecMin + pulls.Fibers - 1;
        string fibers = pulls.Fibers == 1 ? $"fiber {pulls.SpecMin}" : $"fibers {pulls.SpecMin}-{last}";
        var figure = new Figure($"{fileName}: pulls (flux − R·truth)·√ivar against {truthName}, {fibers}", width, height);
        int nwave = pulls.Wavelength.Length;
        double half = nwave > 1 ? (pulls.Wavelength[^1] - pulls.Wavelength[0]) / (nwave - 1) / 2 : 0.5;

        Plot image = figure.AddPanel(0, 0, 1, 0.5);
        Panels.Image(image, pulls.Pulls, pulls.Fibers, nwave, pulls.Wavelength[0] - half, pulls.Wavelength[^1] + half,
            pulls.SpecMin - 0.5, last + 0.5, new ScottPlot.Colormaps.Balance(), -PixelResiduals.HistogramLimit, PixelResiduals.HistogramLimit, "pull [σ]");
        image.Title("pull per bin (grey: left out: ivar 0, masked, or within ndiag of the ends)");
        image.XLabel("wavelength [Å]");
        image.YLabel("fiber [number]");
        image.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

        Plot perFiber = figure.AddPanel(0, 0.5, 0.5, 0.5);
        double[] fiberNumbers = Enumerable.Range(pulls.SpecMin, pulls.Fibers).Select(f => (double)f).ToArray();
        var mean = perFiber.Add.Scatter(fiberNumbers, pulls.FiberMean, Panels.LineColors[0]);
        mean.LegendText = "mean";
        var std = perFiber.Add.Scatter(fiberNumbers, pulls.FiberStandardDeviation, Panels.LineColors[1]);
        std.LegendText = "standard deviation";
        perFiber.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Dashed);
        perFiber.Add.HorizontalLine(1, 1, Colors.Gray, LinePattern.Dashed);
        perFiber.ShowLegend(Alignment.MiddleRight);
        perFiber.Title("each fiber's pulls (expected: mean 0, standard deviation 1)");
        perFiber.XLabel("fiber [number]");
        perFiber.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        perFiber.YLabel("pull statistic [σ]");

        Panels.HistogramAgainstNormal(figure.AddPanel(0.5, 0.5, 0.5, 0.5), pulls.Histogram, "pull [σ]", "bins per histogram bin [count]",
            "all pulls");
        return figure.Write(basePath);
    }
}
