namespace GpuExtract.Cuda.Device;

/// <summary>An address in a device's memory (CUdeviceptr); <see cref="Null"/> is 0.</summary>
public readonly record struct DevicePointer(ulong Address)
{
    public static DevicePointer Null => default;

    public bool IsNull => Address == 0;

    /// <summary>The address <paramref name="bytes"/> further on.</summary>
    public DevicePointer Offset(long bytes) => new(Address + (ulong)bytes);

    public override string ToString() => $"0x{Address:x}";
}

/// <summary>Grid or block dimensions of a kernel launch.</summary>
public readonly record struct Dim3(int X, int Y = 1, int Z = 1);
