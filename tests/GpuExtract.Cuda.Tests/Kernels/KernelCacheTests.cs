using System.Collections.Concurrent;
using System.Security.Cryptography;
using GpuExtract.Cuda.Kernels;

namespace GpuExtract.Cuda.Tests.Kernels;

public sealed class KernelCacheTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"gpuextract-cache-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>A compiler that counts its calls and returns bytes derived from (source, architecture, identity).</summary>
    private sealed class CountingCompiler(string identity) : IKernelCompiler
    {
        public int Calls;

        public string Identity => identity;

        public CompiledKernel Compile(KernelSource source, int architecture)
        {
            Interlocked.Increment(ref Calls);
            return new CompiledKernel(KernelImageKind.Cubin, SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{source.Text}|{architecture}|{identity}")));
        }
    }

    private static KernelSource Source(string text, string header = "#pragma once") =>
        new("test.cu", text, new Dictionary<string, string> { ["common.cuh"] = header });

    [Fact]
    public void Key_ChangesWithSourceHeaderArchitectureAndCompiler()
    {
        KernelSource source = Source("extern \"C\" __global__ void k() {}");
        string key = KernelCache.Key(source, 90, "nvrtc-12.4");
        string[] others =
        [
            KernelCache.Key(Source("extern \"C\" __global__ void k() { }"), 90, "nvrtc-12.4"),
            KernelCache.Key(Source("extern \"C\" __global__ void k() {}", "#pragma once // changed"), 90, "nvrtc-12.4"),
            KernelCache.Key(source, 80, "nvrtc-12.4"),
            KernelCache.Key(source, 90, "nvrtc-12.6"),
        ];
        Assert.Equal(key, KernelCache.Key(Source("extern \"C\" __global__ void k() {}"), 90, "nvrtc-12.4"));
        foreach (string other in others)
        {
            Assert.NotEqual(key, other);
        }
        Assert.Equal(others.Length, others.Distinct().Count());
        Assert.StartsWith("test-sm90-", key);
    }

    [Fact]
    public void GetOrCompile_CompilesOnceThenReadsTheSameBytesFromDisk()
    {
        var compiler = new CountingCompiler("fake-1");
        KernelSource source = Source("extern \"C\" __global__ void k() {}");
        CompiledKernel first = new KernelCache(_directory).GetOrCompile(source, 90, compiler, out bool firstHit);
        // A second cache object on the same directory stands for a second process.
        CompiledKernel second = new KernelCache(_directory).GetOrCompile(source, 90, compiler, out bool secondHit);
        Assert.False(firstHit);
        Assert.True(secondHit);
        Assert.Equal(1, compiler.Calls);
        Assert.Equal(first.Image, second.Image);
        Assert.Equal(KernelImageKind.Cubin, second.Kind);
        // A different architecture is a different entry.
        new KernelCache(_directory).GetOrCompile(source, 80, compiler, out bool otherHit);
        Assert.False(otherHit);
        Assert.Equal(2, compiler.Calls);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("flip-payload-byte")]
    [InlineData("garbage")]
    public void DamagedEntry_IsRecompiledAndReplaced(string damage)
    {
        var compiler = new CountingCompiler("fake-1");
        KernelSource source = Source("extern \"C\" __global__ void k() {}");
        var cache = new KernelCache(_directory);
        CompiledKernel original = cache.GetOrCompile(source, 90, compiler, out _);
        string path = Path.Combine(_directory, KernelCache.Key(source, 90, compiler.Identity));
        byte[] bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "truncate":
                File.WriteAllBytes(path, bytes[..(bytes.Length - 5)]);
                break;
            case "flip-payload-byte":
                bytes[^1] ^= 0x40;
                File.WriteAllBytes(path, bytes);
                break;
            default:
                File.WriteAllText(path, "not a kernel");
                break;
        }
        var reader = new KernelCache(_directory);
        CompiledKernel again = reader.GetOrCompile(source, 90, compiler, out bool hit);
        Assert.False(hit);
        Assert.Equal(2, compiler.Calls);
        Assert.Equal(original.Image, again.Image);
        Assert.Contains(reader.Warnings, w => w.Contains("damaged", StringComparison.Ordinal));
        Assert.True(new KernelCache(_directory).TryRead(KernelCache.Key(source, 90, compiler.Identity), out _), "the entry was not replaced");
    }

    [Fact]
    public async Task ConcurrentWritersAndReaders_NeverSeeAPartialEntry()
    {
        // Writers replace one entry over and over with 2 MB payloads that each carry their own pattern; readers
        // read it continuously. Every read must be a miss (before the first write) or one complete payload.
        const string key = "race-sm90-0.bin";
        const int writers = 4, readers = 4, writesEach = 12, size = 2 << 20;
        var payloads = new byte[writers * writesEach][];
        for (int i = 0; i < payloads.Length; i++)
        {
            payloads[i] = new byte[size];
            new Random(i).NextBytes(payloads[i]);
            payloads[i][0] = (byte)i;
        }
        var failures = new ConcurrentQueue<string>();
        int reads = 0, hits = 0;
        using var done = new CancellationTokenSource();
        var readerTasks = Enumerable.Range(0, readers).Select(_ => Task.Run(() =>
        {
            var cache = new KernelCache(_directory);
            // At least one read, even for a reader the thread pool starts only after the writers are done.
            bool last;
            do
            {
                last = done.IsCancellationRequested;
                Interlocked.Increment(ref reads);
                if (!cache.TryRead(key, out CompiledKernel? kernel))
                {
                    continue;
                }
                Interlocked.Increment(ref hits);
                byte[] image = kernel!.Image;
                if (image.Length != size || !image.AsSpan().SequenceEqual(payloads[image[0]]))
                {
                    failures.Enqueue($"read {image.Length} bytes that match no payload");
                }
            }
            while (!last);
            if (cache.Warnings.Count > 0)
            {
                failures.Enqueue(string.Join("; ", cache.Warnings));
            }
        })).ToArray();
        var writerTasks = Enumerable.Range(0, writers).Select(w => Task.Run(() =>
        {
            var cache = new KernelCache(_directory);
            for (int i = 0; i < writesEach; i++)
            {
                if (!cache.Write(key, new CompiledKernel(KernelImageKind.Cubin, payloads[w * writesEach + i])))
                {
                    failures.Enqueue(string.Join("; ", cache.Warnings));
                }
            }
        })).ToArray();
        await Task.WhenAll(writerTasks);
        await done.CancelAsync();
        await Task.WhenAll(readerTasks);
        Assert.True(failures.IsEmpty, string.Join("\n", failures));
        Assert.True(hits > 0, $"readers never saw the entry in {reads} reads");
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void UnwritableDirectory_StillReturnsTheCompiledKernelWithAWarning()
    {
        Directory.CreateDirectory(_directory);
        string blocked = Path.Combine(_directory, "a-file");
        File.WriteAllText(blocked, "x"); // a file where the cache directory should be
        var cache = new KernelCache(blocked);
        var compiler = new CountingCompiler("fake-1");
        CompiledKernel kernel = cache.GetOrCompile(Source("extern \"C\" __global__ void k() {}"), 90, compiler, out bool hit);
        Assert.False(hit);
        Assert.NotEmpty(kernel.Image);
        Assert.Contains(cache.Warnings, w => w.Contains("not writable", StringComparison.Ordinal));
    }
}
