using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Cuda.Device;
using GpuExtract.Cuda.Tests.Emulation;
using GpuExtract.EighStudy.Cuda;

namespace GpuExtract.EighStudy.Tests;

/// <summary>
/// cuSOLVER's eigensolvers on the emulated device, from their documented semantics: float64 by the emulated
/// device's LAPACK path, float32 by LAPACK on the widened matrix rounded back to float (what ssyevd returns up to
/// float32 rounding). Counts the calls per routine, so tests see that syevd ran one call per matrix.
/// </summary>
internal sealed unsafe class EmulatedCusolverEigh(EmulatedDevice device) : ICusolverEigh
{
    private readonly ILapack _lapack = LapackProvider.CreateFactory(LapackChoice.Auto, out _)();

    public IComputeDevice Device => device;

    /// <summary>Library calls made, per routine.</summary>
    public Dictionary<CusolverEighRoutine, int> Calls { get; } = [];

    public string Describe(CusolverEighRoutine routine) => $"{routine} (emulated with LAPACK)";

    public string? Unsupported(CusolverEighRoutine routine, EighPrecision precision) => null;

    public int MaxN(CusolverEighRoutine routine) => routine == CusolverEighRoutine.SyevjBatched ? 32 : int.MaxValue;

    public long WorkspaceBytes(CusolverEighRoutine routine, EighPrecision precision, int n, int count) => 0;

    public void Decompose(CusolverEighRoutine routine, EighPrecision precision, int n, DevicePointer matrices, DevicePointer eigenvalues, DevicePointer info, int count)
    {
        Calls[routine] = Calls.GetValueOrDefault(routine) + (routine == CusolverEighRoutine.SyevdLoop ? count : 1);
        if (precision == EighPrecision.Double)
        {
            device.LapackEigen(n, matrices, eigenvalues, info, count);
            return;
        }
        var work = new double[n * n];
        var values = new double[n];
        for (int b = 0; b < count; b++)
        {
            float* a = (float*)matrices.Address + (long)b * n * n;
            for (int j = 0; j < n; j++)
            {
                for (int i = j; i < n; i++)
                {
                    work[i * n + j] = work[j * n + i] = a[i + j * n];
                }
            }
            _lapack.SymmetricEigen(work, n, values);
            for (int k = 0; k < n; k++)
            {
                for (int i = 0; i < n; i++)
                {
                    a[i + k * n] = (float)work[i * n + k];
                }
                ((float*)eigenvalues.Address)[(long)b * n + k] = (float)values[k];
            }
            ((int*)info.Address)[b] = 0;
        }
    }
}
