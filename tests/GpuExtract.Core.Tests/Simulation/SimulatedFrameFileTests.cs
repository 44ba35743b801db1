using System.Globalization;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Simulation;
using GpuExtract.Fits;
using GpuExtract.Testing;

namespace GpuExtract.Core.Tests.Simulation;

public class SimulatedFrameFileTests
{
    private static readonly SimulationOptions Options = new()
    {
        FiberMin = 24,
        FiberCount = 3,
        WaveMin = 7000,
        WaveMax = 7050,
        Seed = 5,
        CosmicCount = 6,
    };

    private static readonly Lazy<SimulatedFrame> Frame = new(() => FrameSimulator.Simulate(Options));

    private static string TempPath(string suffix) => Path.Combine(Path.GetTempPath(), $"simulated-{Guid.NewGuid():N}{suffix}");

    [Fact]
    public void WrittenPreproc_ReadsBackBitIdentical()
    {
        SimulatedFrame frame = Frame.Value;
        string path = TempPath(".fits.gz");
        try
        {
            frame.Write(path);
            PreprocImage read = PreprocImage.Read(path);
            Assert.True(read.Image.AsSpan().SequenceEqual(frame.Image.Image), "IMAGE changed through the file");
            Assert.True(read.Ivar.AsSpan().SequenceEqual(frame.Image.Ivar), "IVAR changed through the file");
            Assert.True(read.Mask.AsSpan().SequenceEqual(frame.Image.Mask), "MASK changed through the file");
            Assert.Equal("r0", read.Header.GetString("CAMERA"));
            Assert.Equal(24L, read.Header.GetInt("SPECMIN"));
            Assert.Equal(3L, read.Header.GetInt("NSPEC"));
            Assert.Equal(900005L, read.Header.GetInt("EXPID"));
            Assert.True(read.Header.GetBool("SIMULATD"));
            Assert.NotNull(read.Fibermap);
            Assert.Equal([24, 25, 26], read.Fibermap!.GetColumn<int>("FIBER"));
            Assert.Equal(["SKY", "ELG", "BGS"], read.Fibermap.GetStrings("TRUTHTYPE"));

            using var file = FitsFile.Open(path);
            double[] truth = file["TRUTH"].ReadImage<double>();
            Assert.Equal([3, frame.Truth.Grid.Count], file["TRUTH"].Shape);
            Assert.Equal(frame.Truth.FluxDensity(), truth);
            Assert.Equal(frame.Truth.Wavelengths, file["TRUTHWAVE"].ReadImage<double>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SkippableFact]
    public void WrittenPreproc_ReadsWithAstropy_AndItsTruthAccountsForTheImage()
    {
        SimulatedFrame frame = Frame.Value;
        string path = TempPath(".fits");
        string truthPath = TempPath("-truth.fits");
        try
        {
            frame.Write(path, includeNoiseless: true);
            frame.WriteTruth(truthPath);
            // numpy recomputes flux conservation from the files alone: Σ TRUTH·DW = Σ NOISELESS.
            string output = TestEnvironment.RunPython("""
                import sys
                import numpy as np
                from astropy.io import fits
                f = fits.open(sys.argv[1])
                print(' '.join(h.name for h in f))
                h = f['IMAGE'].header
                print(f['IMAGE'].data.shape, f['IVAR'].data.shape, f['MASK'].data.shape, f['TRUTH'].data.shape, f['TRUTHWAVE'].data.shape)
                print(h['CAMERA'], h['NSPEC'], h['SPECMIN'], h['WMIN'], h['DW'], h['RDNOISE'])
                print(list(f['FIBERMAP'].columns.names))
                tw = f['TRUTHWAVE'].data
                print(repr(float((f['TRUTH'].data * (tw[1] - tw[0])).sum() / f['NOISELESS'].data.sum() - 1)))
                print(int(((f['MASK'].data & 16) != 0).sum()), int((f['IVAR'].data[f['MASK'].data != 0] != 0).sum()))
                t = fits.open(sys.argv[2])
                print(' '.join(x.name for x in t), bool(np.array_equal(t['TRUTH'].data, f['TRUTH'].data)))
                """, path, truthPath);
            string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("IMAGE IVAR MASK FIBERMAP TRUTH TRUTHWAVE NOISELESS", lines[0].Trim());
            Assert.Equal($"(4128, 4114) (4128, 4114) (4128, 4114) (3, {frame.Truth.Grid.Count}) ({frame.Truth.Grid.Count},)", lines[1].Trim());
            Assert.Equal("r0 3 24 7000.0 0.8 3.0", lines[2].Trim());
            Assert.Equal("['FIBER', 'OBJTYPE', 'TRUTHTYPE', 'Z', 'FIBER_THROUGHPUT']", lines[3].Trim());
            double relative = double.Parse(lines[4], CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(relative) < 1e-6, $"Σ TRUTH·DW / Σ NOISELESS − 1 = {relative}");
            Assert.Equal($"{frame.CosmicPixels} 0", lines[5].Trim());
            Assert.Equal("TRUTH TRUTHWAVE FIBERMAP True", lines[6].Trim());
        }
        finally
        {
            File.Delete(path);
            File.Delete(truthPath);
        }
    }

    [SkippableFact]
    public void WrittenPreproc_PassesFitsverify()
    {
        TestEnvironment.SkipUnless(TestEnvironment.FitsVerify is not null, "fitsverify is not installed", isInteropTool: true);
        SimulatedFrame frame = Frame.Value;
        string path = TempPath(".fits");
        try
        {
            frame.Write(path, includeNoiseless: true);
            // fitsverify -q prints "verification OK" and exits 0 only with 0 warnings and 0 errors.
            var (code, stdout, stderr) = TestEnvironment.Run(TestEnvironment.FitsVerify!, ["-q", path]);
            Assert.True(code == 0 && stdout.Contains("verification OK", StringComparison.Ordinal), $"fitsverify ({code}): {stdout} {stderr}");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
