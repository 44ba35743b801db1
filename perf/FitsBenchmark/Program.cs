using System.Diagnostics;
using GpuExtract.Fits;

// FITS image I/O throughput: write and read a DESI-sized 4114 × 4128 float32 image (plain .fits in
// /tmp, warm page cache), compared with raw File.WriteAllBytes / File.ReadAllBytes of the same byte
// count measured in the same run. Usage: dotnet run -c Release --project perf/FitsBenchmark [repeats]
int repeats = args.Length > 0 && int.TryParse(args[0], out int r) ? Math.Max(1, r) : 7;
const int rows = 4128;
const int cols = 4114;
string directory = Path.Combine(Path.GetTempPath(), $"fits-benchmark-{Environment.ProcessId}");
Directory.CreateDirectory(directory);
string fitsPath = Path.Combine(directory, "image.fits");
string rawPath = Path.Combine(directory, "raw.bin");
try
{
    var random = new Random(1);
    float[] image = new float[rows * cols];
    for (int i = 0; i < image.Length; i++)
    {
        image[i] = (float)(random.NextDouble() * 1000.0);
    }
    var header = new FitsHeader();
    header.Set("EXTNAME", "IMAGE");
    header.Set("CAMERA", "r0");

    void WriteFits()
    {
        using var stream = new FileStream(fitsPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        using var writer = new FitsWriter(stream);
        writer.WriteImage(header, image.AsSpan(), [rows, cols]);
    }

    float[] ReadFits()
    {
        using var file = FitsFile.Open(fitsPath);
        return file[0].ReadImage<float>();
    }

    void WriteFitsAtomic() => FitsWriter.WriteFile(fitsPath, writer => writer.WriteImage(header, image.AsSpan(), [rows, cols]));

    WriteFits();
    long bytes = new FileInfo(fitsPath).Length;
    byte[] raw = new byte[bytes];
    random.NextBytes(raw);
    void WriteRaw() => File.WriteAllBytes(rawPath, raw);
    void ReadRaw() => _ = File.ReadAllBytes(rawPath);

    float[] back = ReadFits();
    if (!back.AsSpan().SequenceEqual(image))
    {
        throw new InvalidOperationException("read-back image differs from the one written");
    }

    double Best(Action action)
    {
        action(); // warm-up (JIT, page cache)
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    double mb = bytes / 1e6;
    double fitsWrite = Best(WriteFits);
    double rawWrite = Best(WriteRaw);
    double fitsRead = Best(() => ReadFits());
    double rawRead = Best(ReadRaw);
    double atomicWrite = Best(WriteFitsAtomic);

    Console.WriteLine($"FITS image I/O benchmark: {cols} x {rows} float32, {bytes} bytes ({mb:F1} MB) per file, best of {repeats} (MB = 10^6 bytes)");
    Console.WriteLine($"  {"",-42} {"MB/s",9} {"ratio to raw",13}");
    Console.WriteLine($"  {"write FitsWriter -> FileStream",-42} {mb / fitsWrite,9:F0} {rawWrite / fitsWrite,13:F2}");
    Console.WriteLine($"  {"write raw File.WriteAllBytes",-42} {mb / rawWrite,9:F0} {1.0,13:F2}");
    Console.WriteLine($"  {"read FitsFile.Open + ReadImage<float>",-42} {mb / fitsRead,9:F0} {rawRead / fitsRead,13:F2}");
    Console.WriteLine($"  {"read raw File.ReadAllBytes",-42} {mb / rawRead,9:F0} {1.0,13:F2}");
    Console.WriteLine($"  {"write FitsWriter.WriteFile (atomic, fsync)",-42} {mb / atomicWrite,9:F0} {rawWrite / atomicWrite,13:F2}");
}
finally
{
    Directory.Delete(directory, recursive: true);
}
