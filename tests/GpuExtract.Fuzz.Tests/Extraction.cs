using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Psf;
using GpuExtract.Cpu;
using GpuExtract.Cpu.LinearAlgebra;

namespace GpuExtract.Fuzz.Tests;

/// <summary>In-process extraction of small inputs, and copies of them with edits.</summary>
internal static class Extraction
{
    public static FrameExtraction.Result Run(PreprocImage image, GaussHermitePsfCoefficients psf, ExtractionOptions options, int threads = 1)
    {
        using var backend = new CpuBackend(threads, LapackProvider.CreateFactory(LapackChoice.Auto, out _));
        return FrameExtraction.Run(image, new GaussHermitePsf(psf), options, backend);
    }

    /// <summary>A copy of <paramref name="image"/> whose IMAGE and IVAR the caller may edit.</summary>
    public static PreprocImage Copy(PreprocImage image) => new()
    {
        NPixX = image.NPixX,
        NPixY = image.NPixY,
        Image = image.Image.ToArray(),
        Ivar = image.Ivar.ToArray(),
        Mask = image.Mask.ToArray(),
        Header = image.Header,
        FileName = "edited-preproc.fits",
    };

    /// <summary>Index of the brightest unmasked pixel: certainly under a spot.</summary>
    public static int Brightest(PreprocImage image)
    {
        int best = 0;
        for (int i = 0; i < image.Image.Length; i++)
        {
            if (image.Ivar[i] > 0 && image.Image[i] > image.Image[best])
            {
                best = i;
            }
        }
        return best;
    }

    /// <summary>Copies of the coefficients with a parameter, trace or keyword changed.</summary>
    public static GaussHermitePsfCoefficients With(GaussHermitePsfCoefficients c, Action<Dictionary<string, double[,]>, double[,], double[,]>? edit = null,
        int? halfSizeX = null, int? halfSizeY = null, (double Min, double Max)? yDomain = null)
    {
        var parameters = c.Parameters.ToDictionary(p => p.Key, p => (double[,])p.Value.Clone(), StringComparer.Ordinal);
        var x = (double[,])c.XTrace.Clone();
        var y = (double[,])c.YTrace.Clone();
        edit?.Invoke(parameters, x, y);
        return c with
        {
            XTrace = x,
            YTrace = y,
            YTraceWaveMin = yDomain?.Min ?? c.YTraceWaveMin,
            YTraceWaveMax = yDomain?.Max ?? c.YTraceWaveMax,
            Parameters = parameters,
            HalfSizeX = halfSizeX ?? c.HalfSizeX,
            HalfSizeY = halfSizeY ?? c.HalfSizeY,
        };
    }
}
