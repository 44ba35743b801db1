namespace GpuExtract.Cuda.Tests.Pipeline;

/// <summary>
/// The device pipeline on a cuSOLVER without cusolverDnXsyevBatched (injected) with the build's own batched
/// eigensolver (<see cref="BlockEigensolvers.Kernel"/>, the Jacobi kernel running in the emulator): the
/// per-fiber blocks go to the kernel, never to one syevd per matrix, the run names the kernel, and the frame
/// agrees with the CPU backend within BackendAgreement's GPU-vs-CPU tolerances (pull &lt; 1e-4).
/// </summary>
[Collection("emulated device")]
public sealed class JacobiKernelPipelineTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void WithoutXsyevBatched_TheBuildsJacobiKernelDecomposesTheBlocks()
    {
        KernelEmulator.SkipIfUnavailable();
        Assert.IsType<JacobiBlockEigensolver>(BlockEigensolvers.Kernel);
        ExtractionOptions options = SmallFrame.Instance.Options();
        FrameExtraction.Result cpu;
        using (var cpuBackend = CpuReference.Backend(2))
        {
            cpu = FrameExtraction.Run(SmallFrame.Instance.Image, SmallFrame.Instance.Psf, options, cpuBackend);
        }
        using var device = new EmulatedDevice
        {
            Capabilities = new CudaCapabilities(XsyevBatched: false, SyevjBatched: true, Syevd: true, PotrfBatched: true),
            KernelEigensolver = BlockEigensolvers.Kernel,
        };
        using var backend = new CudaBackend(device, new CudaBackendOptions { FallbackBackend = () => CpuReference.Backend(2), FallbackToCpu = false });
        FrameExtraction.Result gpu = FrameExtraction.Run(SmallFrame.Instance.Image, SmallFrame.Instance.Psf, options, backend);
        var agreement = BackendAgreement.Measure(gpu.Frame, cpu.Frame, gpu.ModelImage, cpu.ModelImage);
        output.WriteLine($"eigh by {backend.EigenMethod}: {device.LaunchCounts.GetValueOrDefault("jacobi_eigen_f64")} kernel launches, {device.SyevdLoopMatrices} matrices by syevd one at a time; {agreement}");
        Assert.True(device.LaunchCounts.GetValueOrDefault("jacobi_eigen_f64") > 0, "the Jacobi kernel was not launched");
        Assert.Equal(0, device.SyevdLoopMatrices);
        Assert.Equal([BlockEigenMethod.Kernel], device.EigenMethodsUsed);
        Assert.Contains("Jacobi", backend.EigenMethod);
        Assert.True(agreement.WithinTolerances, agreement.ToString());
    }
}
