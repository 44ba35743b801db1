namespace GpuExtract.Cuda.Device;

/// <summary>
/// The parameters of one kernel launch, in the kernel's order: each value in its own 8-byte slot, whose
/// addresses form the <c>void** kernelParams</c> of cuLaunchKernel (which copies the values at launch).
/// An int occupies the low 4 bytes of its slot (little-endian), as the kernel reads a 4-byte parameter.
/// </summary>
public sealed class KernelArguments
{
    private readonly long[] _slots = new long[40];

    /// <summary>Number of parameters added.</summary>
    public int Count { get; private set; }

    /// <summary>The slot values; slot i holds parameter i.</summary>
    public ReadOnlySpan<long> Slots => _slots.AsSpan(0, Count);

    public KernelArguments Add(DevicePointer pointer) => Put((long)pointer.Address);

    public KernelArguments Add(int value) => Put((uint)value);

    public KernelArguments Add(long value) => Put(value);

    public KernelArguments Add(double value) => Put(BitConverter.DoubleToInt64Bits(value));

    private KernelArguments Put(long value)
    {
        if (Count == _slots.Length)
        {
            throw new InvalidOperationException($"a kernel takes at most {_slots.Length} parameters here");
        }
        _slots[Count++] = value;
        return this;
    }
}
