using GpuExtract.Qa.Rendering;
using ScottPlot;

namespace GpuExtract.Qa.Figures;

/// <summary>Figure 1: the spectra of a few fibers, one panel each: flux, a ±1σ band from ivar, masked bins marked.</summary>
public static class SpectraFigure
{
    /// <summary>Writes <paramref name="basePath"/>.png and .svg; returns their paths.</summary>
    /// <param name="spectra">The fibers to draw (at least one).</param>
    /// <param name="fileName">The frame's file name, for the title.</param>
    /// <param name="basePath">Output path without extension.</param>
    /// <param name="width">Width [pixel].</param>
    /// <param name="height">Height [pixel].</param>
    public static string[] Write(IReadOnlyList<FiberSpectrum> spectra, string fileName, string basePath, int width, int height)
    {
        if (spectra.Count == 0)
        {
            throw new ArgumentException("no fiber to draw", nameof(spectra));
        }
        string fibers = FrameFibers.Describe(spectra.Select(s => s.Fiber).ToList());
        var figure = new Figure($"{fileName}: flux ± 1σ, {fibers}", width, height);
        double rowHeight = 1.0 / spectra.Count;
        for (int i = 0; i < spectra.Count; i++)
        {
            Draw(figure.AddPanel(0, i * rowHeight, 1, rowHeight), spectra[i]);
        }
        return figure.Write(basePath);
    }

    private static void Draw(Plot plot, FiberSpectrum spectrum)
    {
        int n = spectrum.Wavelength.Length;
        var lower = new double[n];
        var upper = new double[n];
        for (int j = 0; j < n; j++)
        {
            // No band where ivar is 0 (σ undefined): the band closes onto the flux there.
            double sigma = double.IsFinite(spectrum.Sigma[j]) ? spectrum.Sigma[j] : 0;
            lower[j] = spectrum.Flux[j] - sigma;
            upper[j] = spectrum.Flux[j] + sigma;
        }
        var band = plot.Add.FillY(spectrum.Wavelength, lower, upper);
        band.FillColor = Panels.LineColors[5].WithAlpha(0.45);
        band.LineWidth = 0;
        band.LegendText = "±1σ (1/√ivar)";
        var flux = plot.Add.ScatterLine(spectrum.Wavelength, spectrum.Flux, Panels.LineColors[0]);
        flux.LineWidth = 1;
        flux.LegendText = "flux";
        if (spectrum.MaskedBins.Length > 0)
        {
            double[] xs = spectrum.MaskedBins.Select(j => spectrum.Wavelength[j]).ToArray();
            double[] ys = spectrum.MaskedBins.Select(j => spectrum.Flux[j]).ToArray();
            var masked = plot.Add.Markers(xs, ys, MarkerShape.Eks, 7, Panels.LineColors[1]);
            masked.LegendText = "masked (MASK ≠ 0)";
        }
        plot.ShowLegend(Alignment.UpperRight);
        var (bottom, top) = spectrum.FluxRange();
        plot.Axes.SetLimitsX(spectrum.Wavelength[0], spectrum.Wavelength[^1]);
        plot.Axes.SetLimitsY(bottom, top);
        plot.Title($"fiber {spectrum.Fiber}: {spectrum.MaskedBins.Length} masked bin(s) of {n}; y range: 1st–{100 * FiberSpectrum.UpperQuantile:0}th percentile of the flux, padded (bright lines run off the top)");
        plot.XLabel("wavelength [Å]");
        plot.YLabel("flux [electron/Å]");
    }
}
