using GpuExtract.Core.Psf;

namespace GpuExtract.Core.Tests.Psf;

/// <summary>The shared real PSF, loaded once for all tests.</summary>
internal static class ReferencePsf
{
    private static readonly Dictionary<string, GaussHermitePsf> Cache = [];

    public static GaussHermitePsf Load(string path)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(path, out var psf))
            {
                psf = GaussHermitePsf.Load(path);
                Cache[path] = psf;
            }
            return psf;
        }
    }
}
