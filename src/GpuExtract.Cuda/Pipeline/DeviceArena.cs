using GpuExtract.Cuda.Device;

namespace GpuExtract.Cuda.Pipeline;

/// <summary>Device buffers of one batch, all freed together when the batch is done (or fails).</summary>
internal sealed class DeviceArena(IComputeDevice device) : IDisposable
{
    private readonly List<DevicePointer> _buffers = [];

    /// <summary>Total bytes allocated so far.</summary>
    public long Bytes { get; private set; }

    /// <summary>A buffer of <paramref name="count"/> values of <paramref name="elementBytes"/> bytes each.</summary>
    public DevicePointer Allocate(long count, int elementBytes)
    {
        long bytes = Math.Max(1, count) * elementBytes;
        DevicePointer p = device.Allocate(bytes);
        _buffers.Add(p);
        Bytes += bytes;
        return p;
    }

    /// <summary>A buffer holding <paramref name="values"/>.</summary>
    public DevicePointer Upload<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        DevicePointer p = Allocate(values.Length, System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        device.Upload(values, p);
        return p;
    }

    public void Dispose()
    {
        // A failed device may refuse to free; the error that made the batch fail is the one worth reporting.
        foreach (DevicePointer p in _buffers)
        {
            try
            {
                device.Free(p);
            }
            catch (Native.CudaException)
            {
            }
        }
        _buffers.Clear();
    }
}
