using GpuExtract.Core.Psf;

namespace GpuExtract.Batch;

/// <summary>
/// The PSFs a rank loaded last, by file, so frames that share a PSF (DESI extracts a night's science
/// frames with one nightly PSF per camera) build it once: building a 500-fiber PSF model costs far more
/// than reading a preproc image's few megabytes. A file changed since (size or time) is loaded again.
/// The models are shared read-only between the read-ahead task and the extraction.
/// </summary>
public sealed class PsfCache(int capacity = 8)
{
    private readonly LinkedList<(string Key, GaussHermitePsf Psf)> recent = new();
    private readonly Lock gate = new();

    /// <summary>The PSF in <paramref name="path"/>, from the cache when the same file was loaded recently.</summary>
    /// <param name="path">A GAUSS-HERMITE PSF file.</param>
    /// <param name="reused">Whether the model came from the cache.</param>
    public GaussHermitePsf Load(string path, out bool reused)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"PSF file {path} does not exist", path);
        }
        string key = $"{file.FullName}|{file.Length}|{file.LastWriteTimeUtc.Ticks}";
        lock (gate)
        {
            for (var node = recent.First; node is not null; node = node.Next)
            {
                if (node.Value.Key == key)
                {
                    recent.Remove(node);
                    recent.AddFirst(node);
                    reused = true;
                    return node.Value.Psf;
                }
            }
        }
        GaussHermitePsf psf = GaussHermitePsf.Load(path);
        lock (gate)
        {
            recent.AddFirst((key, psf));
            while (recent.Count > capacity)
            {
                recent.RemoveLast();
            }
        }
        reused = false;
        return psf;
    }
}
