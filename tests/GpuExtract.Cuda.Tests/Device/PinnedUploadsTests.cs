using System.Runtime.InteropServices;

namespace GpuExtract.Cuda.Tests.Device;

/// <summary>
/// Uploads from memory the caller reuses at once: a stand-in stream runs each queued copy only when the host waits
/// on it (the latest an async copy may read its source), so a copy queued straight from the caller's memory would
/// carry whatever the caller wrote afterwards. Through <see cref="PinnedUploads"/> every device buffer must get
/// the values the caller had when it called Upload.
/// </summary>
public sealed unsafe class PinnedUploadsTests
{
    /// <summary>A stream whose copies read their source only when waited on; "device" addresses are host memory.</summary>
    private sealed class DeferredQueue : IUploadQueue, IDisposable
    {
        private readonly List<(ulong Destination, IntPtr Source, nuint Bytes)> _queued = [];
        private readonly HashSet<IntPtr> _pinned = [];

        public int Waits { get; private set; }

        public void* AllocatePinned(nuint bytes)
        {
            void* p = NativeMemory.Alloc(bytes);
            _pinned.Add((IntPtr)p);
            return p;
        }

        public void FreePinned(void* pointer)
        {
            Assert.True(_pinned.Remove((IntPtr)pointer), "freed memory that was not pinned here");
            Assert.Empty(_queued); // never free a buffer a queued copy still reads
            NativeMemory.Free(pointer);
        }

        public void CopyAsync(ulong destination, void* source, nuint bytes)
        {
            Assert.Contains((IntPtr)source, _pinned); // async copies only from pinned memory
            _queued.Add((destination, (IntPtr)source, bytes));
        }

        public void RecordCopied()
        {
        }

        public void WaitCopied()
        {
            Waits++;
            Drain();
        }

        public void Drain()
        {
            foreach (var (destination, source, bytes) in _queued)
            {
                Buffer.MemoryCopy((void*)source, (void*)destination, bytes, bytes);
            }
            _queued.Clear();
        }

        public void Dispose()
        {
            Drain();
            foreach (IntPtr p in _pinned)
            {
                NativeMemory.Free((void*)p);
            }
        }
    }

    [Fact]
    public void CallerReusesItsBufferAtOnce_EveryDeviceBufferGetsWhatItWasGiven()
    {
        using var queue = new DeferredQueue();
        var device = new double[3][];
        var handles = new GCHandle[3];
        try
        {
            using (var uploads = new PinnedUploads(queue))
            {
                var reused = new double[1000];
                for (int k = 0; k < 3; k++)
                {
                    device[k] = new double[reused.Length];
                    handles[k] = GCHandle.Alloc(device[k], GCHandleType.Pinned);
                    reused.AsSpan().Fill(k + 1);
                    uploads.Upload<double>(reused, new DevicePointer((ulong)handles[k].AddrOfPinnedObject()));
                    reused.AsSpan().Fill(-1); // the caller's next use of its buffer
                }
                // A larger upload makes the staging buffer grow: the copy in flight must complete first.
                var large = new double[1 << 18];
                var largeDevice = new double[large.Length];
                GCHandle largeHandle = GCHandle.Alloc(largeDevice, GCHandleType.Pinned);
                large.AsSpan().Fill(7);
                uploads.Upload<double>(large, new DevicePointer((ulong)largeHandle.AddrOfPinnedObject()));
                large.AsSpan().Fill(-1);
                queue.Drain();
                largeHandle.Free();
                Assert.All(largeDevice, v => Assert.Equal(7.0, v));
            }
            for (int k = 0; k < 3; k++)
            {
                Assert.All(device[k], v => Assert.Equal(k + 1.0, v));
            }
            Assert.True(queue.Waits >= 3, $"only {queue.Waits} waits for 4 uploads through one buffer");
        }
        finally
        {
            foreach (GCHandle h in handles)
            {
                if (h.IsAllocated)
                {
                    h.Free();
                }
            }
        }
    }
}
