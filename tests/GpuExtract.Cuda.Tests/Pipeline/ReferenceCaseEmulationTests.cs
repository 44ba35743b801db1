using System.Diagnostics;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Validation;

namespace GpuExtract.Cuda.Tests.Pipeline;

/// <summary>
/// Every case of ../shared/reference (DESI's real r-camera PSF, specter's simulated exposures), extracted by the
/// device pipeline on the host emulation with each <see cref="DeviceSolver"/>, in both decorrelation modes, against
/// the CPU backend on the same inputs. The emulation computes in IEEE float64 as the CPU does, so the only
/// differences are summation order and the factorisation's elimination order: the tolerances are those of two
/// correct float64 solvers of the same systems, pull |Δflux|·√ivar &lt; 1e-10, ivar within 1e-12 relative and the
/// resolution band within 1e-12 absolute (where the CPU's ivar &gt; 0), and identical masks. Where a case has
/// ill-conditioned bins (bundle0: 7 % of its bins differ by more than 1e-10 in pull between the CPU backend on
/// native and on managed LAPACK, by up to 3e-7), two correct float64 solvers differ by more than that: there the
/// device must stay within 4× the CPU backend's own spread between its two LAPACKs on the same case, and differ
/// from the CPU beyond 1e-10 in no more bins than those two do.
/// bundle0-nsub6 is the bundle0 image again, cut into 6 subbundles: the dense solver runs it in one mode only.
/// </summary>
[Collection("emulated device")]
public sealed class ReferenceCaseEmulationTests(ITestOutputHelper output)
{
    private const double PullTolerance = 1e-10, IvarTolerance = 1e-12, ResolutionTolerance = 1e-12;

    public static TheoryData<string, DeviceSolver, bool> Cases()
    {
        var data = new TheoryData<string, DeviceSolver, bool>();
        foreach (string name in (string[])["small", "bundle0", "bundle0-nsub6"])
        {
            foreach (DeviceSolver solver in (DeviceSolver[])[DeviceSolver.Band, DeviceSolver.Dense])
            {
                foreach (bool decorrelate in (bool[])[false, true])
                {
                    // The emulated dense solver costs a minute a run on bundle0 (O(N³) in managed code): once per image.
                    if (solver == DeviceSolver.Dense && name != "small" && (name == "bundle0-nsub6" || decorrelate))
                    {
                        continue;
                    }
                    data.Add(name, solver, decorrelate);
                }
            }
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void ReferenceCase_EqualsTheCpuBackend(string name, DeviceSolver solver, bool decorrelateFibers)
    {
        KernelEmulator.SkipIfUnavailable();
        // small-decorr is the small case with decorrelation: here every case runs in both modes.
        ReferenceCase reference = ReferenceCase.Named(name);
        var (image, psf) = reference.Load();
        ExtractionOptions options = reference.Options(decorrelateFibers, computeModel: false);
        Frame expected = CpuFrame(name, decorrelateFibers, LapackChoice.Auto, image, psf, options);
        using var device = new EmulatedDevice();
        using var gpu = new CudaBackend(device, new CudaBackendOptions { FallbackBackend = () => CpuReference.Backend(2), FallbackToCpu = false, Solver = solver });
        var clock = Stopwatch.StartNew();
        Frame actual = FrameExtraction.Run(image, psf, options, gpu).Frame;
        var agreement = FrameAgreement.Measure(actual, expected);
        int beyond = BinsBeyondPull(actual, expected, PullTolerance);
        output.WriteLine($"{name}, {solver}, decorrelate {decorrelateFibers}: {gpu.SolverDescription}, {gpu.CpuPatches} patches on the CPU, " +
            $"{clock.Elapsed.TotalSeconds:0.0} s emulated ({string.Join(", ", device.LaunchSeconds.OrderByDescending(k => k.Value).Take(4).Select(k => $"{k.Key} {k.Value:0.0} s"))}); {agreement}; {beyond} bins with pull > {PullTolerance:e0}");
        Assert.Equal(0, gpu.CpuPatches);
        Assert.Equal(gpu.Batches, solver == DeviceSolver.Band ? gpu.BandBatches : gpu.DenseBatches);
        Assert.True(agreement.Bins > 0);
        Assert.Equal(0, agreement.MaskDifferences);
        Assert.Equal(0, agreement.IvarPositiveMismatches);
        if (agreement.MaxPull < PullTolerance && agreement.MaxIvarRelative < IvarTolerance && agreement.MaxResolution < ResolutionTolerance)
        {
            return;
        }
        Frame managed = CpuFrame(name, decorrelateFibers, LapackChoice.Managed, image, psf, options);
        var spread = FrameAgreement.Measure(managed, expected);
        int spreadBeyond = BinsBeyondPull(managed, expected, PullTolerance);
        output.WriteLine($"  CPU managed vs native LAPACK: {spread}; {spreadBeyond} bins with pull > {PullTolerance:e0}");
        Assert.True(agreement.MaxPull < Math.Max(PullTolerance, 4 * spread.MaxPull), $"pull {agreement.MaxPull:e2}, CPU spread {spread.MaxPull:e2}");
        Assert.True(agreement.MaxIvarRelative < Math.Max(IvarTolerance, 4 * spread.MaxIvarRelative), $"ivar {agreement.MaxIvarRelative:e2}, CPU spread {spread.MaxIvarRelative:e2}");
        Assert.True(agreement.MaxResolution < Math.Max(ResolutionTolerance, 4 * spread.MaxResolution), $"resolution {agreement.MaxResolution:e2}, CPU spread {spread.MaxResolution:e2}");
        // The device differs from the CPU in no more bins than the CPU's two LAPACKs differ from each other.
        Assert.True(beyond <= spreadBeyond, $"{beyond} of {agreement.Bins} bins beyond pull {PullTolerance:e0}, CPU spread {spreadBeyond}");
    }

    /// <summary>The CPU backend's frame of a case in one mode on one LAPACK, extracted once per test run.</summary>
    private static Frame CpuFrame(string name, bool decorrelateFibers, LapackChoice lapack, PreprocImage image, GaussHermitePsf psf, ExtractionOptions options)
    {
        lock (CpuFrames)
        {
            var key = (name, decorrelateFibers, lapack);
            if (!CpuFrames.TryGetValue(key, out Frame? frame))
            {
                using var cpu = new CpuBackend(2, LapackProvider.CreateFactory(lapack, out _));
                frame = FrameExtraction.Run(image, psf, options, cpu).Frame;
                CpuFrames[key] = frame;
            }
            return frame;
        }
    }

    private static readonly Dictionary<(string, bool, LapackChoice), Frame> CpuFrames = [];

    /// <summary>Bins (ivar_ref &gt; 0) where |Δflux|·√ivar_ref exceeds <paramref name="limit"/>.</summary>
    private static int BinsBeyondPull(Frame actual, Frame reference, double limit)
    {
        int count = 0;
        for (int i = 0; i < reference.Flux.Length; i++)
        {
            if (reference.Ivar[i] > 0 && Math.Abs(actual.Flux[i] - reference.Flux[i]) * Math.Sqrt(reference.Ivar[i]) > limit)
            {
                count++;
            }
        }
        return count;
    }
}
