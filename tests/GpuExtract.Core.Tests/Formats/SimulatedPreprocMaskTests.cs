using System.Runtime.InteropServices;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Simulation;
using GpuExtract.Fits;
using GpuExtract.Testing;
using Xunit.Abstractions;

namespace GpuExtract.Core.Tests.Formats;

/// <summary>
/// A simulated preproc file written with MASK tile-compressed (<c>gpuextract simulate --compress-mask</c>):
/// the layout of DESI's files (../shared/reference/README.md §3.1), read back identically by us and by astropy.
/// </summary>
public class SimulatedPreprocMaskTests(ITestOutputHelper output)
{
    private static readonly Lazy<SimulatedFrame> Frame = new(() => FrameSimulator.Simulate(new SimulationOptions
    {
        FiberMin = 0,
        FiberCount = 1,
        WaveMin = 6000,
        WaveMax = 6020,
        Seed = 3,
        CosmicCount = 8,
        BadColumnCount = 1,
    }));

    [SkippableFact]
    public void CompressedMask_ReadsBackIdenticalByUsAndAstropy()
    {
        SimulatedFrame frame = Frame.Value;
        int[] mask = frame.Image.Mask;
        Assert.True(mask.Count(m => m != 0) > 10, "the simulation should mark cosmic and hot-column pixels");
        using var dir = new TempDirectory();
        string path = dir.File("sim-preproc.fits");
        frame.Write(path, compressMask: true);

        // Only MASK is read (and checksummed) on both sides: IMAGE and IVAR are 68 MB each and unchanged by the option.
        using (var file = FitsFile.Open(path))
        {
            FitsHdu hdu = file["MASK"];
            hdu.VerifyChecksum();
            Assert.Equal(HduKind.CompressedImage, hdu.Kind);
            Assert.Equal(16, hdu.Bitpix);
            Assert.Equal("RICE_1", hdu.Header.GetString("ZCMPTYPE"));
            Assert.Equal(frame.Image.NPixX, hdu.Header.GetInt("ZTILE1"));
            Assert.Equal(1, hdu.Header.GetInt("ZTILE2"));
            Assert.True(hdu.ReadImage<int>().AsSpan().SequenceEqual(mask), "MASK changed through the compressed file");
            Assert.Equal(["IMAGE", "IVAR", "MASK", "FIBERMAP", "TRUTH", "TRUTHWAVE"], file.Hdus.Select(h => h.Name));
            output.WriteLine($"MASK {hdu.Shape[0]} x {hdu.Shape[1]}: {hdu.Header.GetInt("PCOUNT")} compressed bytes, {mask.Count(m => m != 0)} masked pixels");
        }

        short[] expected = mask.Select(m => (short)m).ToArray();
        File.WriteAllBytes(dir.File("mask.bin"), MemoryMarshal.AsBytes(expected.AsSpan()).ToArray());
        string result = TestEnvironment.RunPython("""
import sys, os
import numpy as np
from astropy.io import fits
D = sys.argv[1]
import warnings
warnings.simplefilter('error')
with fits.open(os.path.join(D, 'sim-preproc.fits')) as h:
    m = h['MASK']
    assert isinstance(m, fits.CompImageHDU), type(m)
    assert m.verify_checksum() == 1 and m.verify_datasum() == 1, 'MASK CHECKSUM/DATASUM do not verify'
    want = np.fromfile(os.path.join(D, 'mask.bin'), dtype='<i2').reshape(m.data.shape)
    assert m.data.dtype.kind == 'i' and m.data.dtype.itemsize == 2, m.data.dtype
    assert np.array_equal(m.data, want), 'MASK differs at %d pixels' % np.count_nonzero(m.data != want)
    print('MASK identical', m.data.shape, np.count_nonzero(m.data))
""", dir.Path);
        output.WriteLine(result);
        Assert.Contains("MASK identical", result);
    }
}
