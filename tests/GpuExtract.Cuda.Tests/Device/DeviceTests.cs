using GpuExtract.Cuda.Kernels;

namespace GpuExtract.Cuda.Tests.Device;

[Collection("emulated device")]
public sealed class DeviceTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void EmulatedDevice_MeetsTheDeviceContract()
    {
        KernelEmulator.SkipIfUnavailable();
        using var device = new EmulatedDevice();
        List<string> failures = DeviceContract.Check(device);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [SkippableFact]
    public void CudaDevice_MeetsTheDeviceContract()
    {
        CudaProbeResult probe = CudaProbe.Result;
        Skip.IfNot(probe.Usable, $"no usable GPU: {probe.Reason}");
        string cacheDirectory = Path.Combine(Path.GetTempPath(), $"gpuextract-kernels-{Guid.NewGuid():N}");
        try
        {
            NvrtcCompiler compiler = NvrtcCompiler.TryCreate(out string why) ?? throw new InvalidOperationException(why);
            using (CudaDevice device = CudaDevice.Open(0, new KernelCache(cacheDirectory), compiler))
            {
                output.WriteLine($"{device.Description}, eigh by {device.EigenMethod}; kernels compiled {device.KernelLoad.Compiled}, cached {device.KernelLoad.FromCache}");
                Assert.Equal(KernelSource.Embedded.Count, device.KernelLoad.Compiled);
                List<string> failures = DeviceContract.Check(device);
                Assert.True(failures.Count == 0, string.Join("\n", failures));
            }
            // A second process would find every kernel in the cache.
            using (CudaDevice again = CudaDevice.Open(0, new KernelCache(cacheDirectory), compiler))
            {
                Assert.Equal(KernelSource.Embedded.Count, again.KernelLoad.FromCache);
            }
        }
        finally
        {
            if (Directory.Exists(cacheDirectory))
            {
                Directory.Delete(cacheDirectory, recursive: true);
            }
        }
    }
}
