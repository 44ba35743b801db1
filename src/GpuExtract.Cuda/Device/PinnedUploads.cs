namespace GpuExtract.Cuda.Device;

/// <summary>
/// The driver calls <see cref="PinnedUploads"/> needs: pinned host memory (cuMemAllocHost / cuMemFreeHost), an
/// async host-to-device copy on the device's stream, and an event recorded behind it and waited on.
/// </summary>
internal unsafe interface IUploadQueue
{
    void* AllocatePinned(nuint bytes);

    void FreePinned(void* pointer);

    /// <summary>Queues a copy of <paramref name="bytes"/> from pinned <paramref name="source"/> to device <paramref name="destination"/>.</summary>
    void CopyAsync(ulong destination, void* source, nuint bytes);

    /// <summary>Records the event behind the copies queued so far.</summary>
    void RecordCopied();

    /// <summary>Waits until the recorded event has completed (every copy queued before it has read its source).</summary>
    void WaitCopied();
}

/// <summary>
/// Host-to-device uploads through one pinned staging buffer. NVIDIA documents an async copy from pageable memory
/// as possibly synchronous, not as staged before the call returns, so the caller's data is first copied into
/// pinned memory and the async copy is queued from there; an event recorded behind it is waited on before the
/// buffer is written again. The caller may reuse its memory as soon as <see cref="Upload{T}"/> returns, and the
/// copy stays asynchronous with respect to the host.
/// </summary>
internal sealed unsafe class PinnedUploads(IUploadQueue queue) : IDisposable
{
    /// <summary>Smallest staging buffer [bytes]; it grows in powers of two so that a frame's uploads settle on one.</summary>
    private const nuint MinimumBytes = 1 << 20;

    private void* _buffer;
    private nuint _bytes;
    private bool _inFlight;

    /// <summary>Queues the copy of <paramref name="source"/> to <paramref name="destination"/>; <paramref name="source"/> may be reused on return.</summary>
    public void Upload<T>(ReadOnlySpan<T> source, DevicePointer destination) where T : unmanaged
    {
        if (source.IsEmpty)
        {
            return;
        }
        nuint bytes = (nuint)source.Length * (nuint)sizeof(T);
        void* staging = Staging(bytes);
        source.CopyTo(new Span<T>(staging, source.Length));
        queue.CopyAsync(destination.Address, staging, bytes);
        queue.RecordCopied();
        _inFlight = true;
    }

    /// <summary>The staging buffer, at least <paramref name="bytes"/> long, once the last copy from it has completed.</summary>
    private void* Staging(nuint bytes)
    {
        if (_inFlight)
        {
            queue.WaitCopied();
            _inFlight = false;
        }
        if (bytes > _bytes)
        {
            Release();
            nuint size = (nuint)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Max(bytes, MinimumBytes));
            _buffer = queue.AllocatePinned(size);
            _bytes = size;
        }
        return _buffer;
    }

    private void Release()
    {
        if (_buffer != null)
        {
            queue.FreePinned(_buffer);
            _buffer = null;
            _bytes = 0;
        }
    }

    /// <summary>Waits for the last copy and frees the staging buffer.</summary>
    public void Dispose()
    {
        if (_inFlight)
        {
            queue.WaitCopied();
            _inFlight = false;
        }
        Release();
    }
}
