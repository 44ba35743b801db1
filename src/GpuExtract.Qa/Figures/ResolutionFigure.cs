using GpuExtract.Qa.Rendering;

namespace GpuExtract.Qa.Figures;

/// <summary>Figure 5: FWHM of the resolution kernel (from RESOLUTION) along wavelength, one line per fiber.</summary>
public static class ResolutionFigure
{
    /// <summary>Writes <paramref name="basePath"/>.png and .svg; returns their paths.</summary>
    /// <param name="wavelength">Bin centres [Å]; shape [nwave].</param>
    /// <param name="fwhm">Per fiber: its number and FWHM [Å] (<see cref="ResolutionWidth.Fwhm"/>); shape [nwave] each.</param>
    /// <param name="fileName">The frame's file name, for the title.</param>
    /// <param name="basePath">Output path without extension.</param>
    /// <param name="width">Width [pixel].</param>
    /// <param name="height">Height [pixel].</param>
    public static string[] Write(double[] wavelength, IReadOnlyList<(int Fiber, double[] Fwhm)> fwhm, string fileName, string basePath, int width, int height)
    {
        var figure = new Figure($"{fileName}: resolution FWHM, {FrameFibers.Describe(fwhm.Select(f => f.Fiber).ToList())}", width, height);
        var plot = figure.AddPanel(0, 0, 1, 1);
        for (int i = 0; i < fwhm.Count; i++)
        {
            // NaN (kernel off the grid, ivar 0) breaks the line there rather than joining across.
            var line = plot.Add.ScatterLine(wavelength, fwhm[i].Fwhm, Panels.LineColors[i % Panels.LineColors.Length]);
            line.LineWidth = 1.5f;
            line.LegendText = $"fiber {fwhm[i].Fiber}";
        }
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.Title("FWHM of each bin's resolution kernel (row of R from RESOLUTION)");
        plot.XLabel("wavelength [Å]");
        plot.YLabel("FWHM [Å]");
        return figure.Write(basePath);
    }
}
