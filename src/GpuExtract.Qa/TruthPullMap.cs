using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Validation;

namespace GpuExtract.Qa;

/// <summary>
/// Pulls (flux − R·truth)·√ivar of every bin of a simulated frame (<see cref="TruthPulls.PerBin"/>, the
/// demo's check), their mean and standard deviation per fiber, and their histogram. Correct flux, ivar
/// and resolution give N(0, 1).
/// </summary>
public sealed class TruthPullMap
{
    /// <summary>Pull histogram range [σ] and bins.</summary>
    public const double HistogramLimit = 5;
    public const int HistogramBins = 50;

    private TruthPullMap(Frame frame, double[] pulls, double[] fiberMean, double[] fiberStd, Histogram histogram)
    {
        SpecMin = frame.SpecMin;
        Fibers = frame.NSpec;
        Wavelength = frame.Wavelength;
        Pulls = pulls;
        FiberMean = fiberMean;
        FiberStandardDeviation = fiberStd;
        Histogram = histogram;
    }

    /// <summary>First fiber.</summary>
    public int SpecMin { get; }

    /// <summary>Number of fibers.</summary>
    public int Fibers { get; }

    /// <summary>Bin centres [Å]; shape [nwave].</summary>
    public double[] Wavelength { get; }

    /// <summary>Pulls [σ]; NaN for bins left out (ivar 0, masked, within ndiag of the grid's ends); shape [Fibers, nwave].</summary>
    public double[] Pulls { get; }

    /// <summary>Mean pull of each fiber [σ]; shape [Fibers].</summary>
    public double[] FiberMean { get; }

    /// <summary>Standard deviation of each fiber's pulls [σ]; shape [Fibers].</summary>
    public double[] FiberStandardDeviation { get; }

    /// <summary>Histogram of all pulls over ±<see cref="HistogramLimit"/>.</summary>
    public Histogram Histogram { get; }

    /// <summary>The pulls of <paramref name="frame"/> against <paramref name="truth"/>.</summary>
    /// <exception cref="ExtractionInputException">the truth does not cover the frame's fibers, or its grid the frame's (with ndiag bins to spare).</exception>
    public static TruthPullMap Compute(Frame frame, TruthSpectra truth)
    {
        double[] pulls;
        try
        {
            // As the demo: leave out ndiag bins at each end, where R's columns run off the grid.
            pulls = TruthPulls.PerBin(frame, truth.Wavelengths, truth.FluxDensityOf(frame.SpecMin, frame.NSpec), edgeBins: frame.DiagonalCount);
        }
        catch (ArgumentException error)
        {
            throw new ExtractionInputException($"truth does not fit the frame: {error.Message}");
        }
        int nwave = frame.NWave;
        var mean = new double[frame.NSpec];
        var std = new double[frame.NSpec];
        for (int spec = 0; spec < frame.NSpec; spec++)
        {
            var fiber = Histogram.Of(pulls.AsSpan(spec * nwave, nwave), -HistogramLimit, HistogramLimit, 1);
            mean[spec] = fiber.Mean;
            std[spec] = fiber.StandardDeviation;
        }
        return new TruthPullMap(frame, pulls, mean, std, Histogram.Of(pulls, -HistogramLimit, HistogramLimit, HistogramBins));
    }
}
