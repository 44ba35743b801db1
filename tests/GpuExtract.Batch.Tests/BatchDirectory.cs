namespace GpuExtract.Batch.Tests;

/// <summary>A fresh temporary directory for one test, deleted afterwards.</summary>
internal sealed class BatchDirectory : IDisposable
{
    public BatchDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"gpuextract-batch-{Guid.NewGuid():N}");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is not worth failing a test for.
        }
    }
}
