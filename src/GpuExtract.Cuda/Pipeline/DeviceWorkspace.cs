using System.Runtime.InteropServices;
using GpuExtract.Cuda.Device;

namespace GpuExtract.Cuda.Pipeline;

/// <summary>
/// The device and pinned host memory the batches work in, kept from batch to batch and frame to frame: each
/// named device buffer is allocated once and only reallocated when a batch needs it larger, and one page-locked
/// host buffer receives every batch's outputs. A frame's batches are cut to the same memory budget, so after the
/// first batch of the first frame the pipeline makes no cuMemAlloc at all. Owned by the backend; freed on
/// dispose, or by <see cref="Release"/> when a batch ran out of memory and is retried in halves.
/// </summary>
internal sealed class DeviceWorkspace(IComputeDevice device) : IDisposable
{
    /// <summary>
    /// Allocation granularity [bytes]: small, because what is held counts against the batch budget exactly as
    /// <see cref="BatchLayout.BytesFor"/> counts it. Batches are cut to one budget, so sizes settle after the first.
    /// </summary>
    private const long Granule = 256;

    private readonly Dictionary<string, (DevicePointer Pointer, long Bytes)> _buffers = new(StringComparer.Ordinal);
    private IntPtr _host;
    private long _hostBytes;

    /// <summary>Device memory held now [bytes] (counts as available to the next batch's budget).</summary>
    public long HeldBytes { get; private set; }

    /// <summary>
    /// Device buffer <paramref name="name"/> with room for <paramref name="count"/> values of
    /// <paramref name="elementBytes"/> bytes; its contents are whatever the previous batch left.
    /// </summary>
    public DevicePointer Take(string name, long count, int elementBytes)
    {
        long bytes = Math.Max(1, count) * elementBytes;
        if (_buffers.TryGetValue(name, out var held))
        {
            if (held.Bytes >= bytes)
            {
                return held.Pointer;
            }
            _buffers.Remove(name);
            HeldBytes -= held.Bytes;
            device.Free(held.Pointer);
        }
        long rounded = (bytes + Granule - 1) / Granule * Granule;
        DevicePointer pointer = device.Allocate(rounded);
        _buffers[name] = (pointer, rounded);
        HeldBytes += rounded;
        return pointer;
    }

    /// <summary>Device buffer <paramref name="name"/> holding <paramref name="values"/>.</summary>
    public DevicePointer Upload<T>(string name, ReadOnlySpan<T> values) where T : unmanaged
    {
        DevicePointer pointer = Take(name, values.Length, Marshal.SizeOf<T>());
        device.Upload(values, pointer);
        return pointer;
    }

    /// <summary>The page-locked host buffer, at least <paramref name="bytes"/> long; contents undefined.</summary>
    public unsafe Span<byte> Host(long bytes)
    {
        if (_hostBytes < bytes)
        {
            device.FreeHost(_host);
            _host = IntPtr.Zero;
            _hostBytes = 0;
            long rounded = (bytes + (1 << 20) - 1) >> 20 << 20; // whole MiB: pinned memory is not budgeted
            _host = device.AllocateHost(rounded);
            _hostBytes = rounded;
        }
        return new Span<byte>((void*)_host, checked((int)bytes));
    }

    /// <summary>Frees everything held (a failed device may refuse; that memory is then lost with it).</summary>
    public void Release()
    {
        foreach (var (_, held) in _buffers)
        {
            try
            {
                device.Free(held.Pointer);
            }
            catch (Native.CudaException)
            {
            }
        }
        _buffers.Clear();
        HeldBytes = 0;
        try
        {
            device.FreeHost(_host);
        }
        catch (Native.CudaException)
        {
        }
        _host = IntPtr.Zero;
        _hostBytes = 0;
    }

    public void Dispose() => Release();
}
