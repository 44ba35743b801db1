using System.Text;
using GpuExtract.Core.Formats;

namespace GpuExtract.Batch.Tests;

public class OutputVerificationTests
{
    private const int Block = 2880;

    /// <summary>A small frame file as <see cref="FrameFile.Write"/> writes them (3 fibers × 20 wavelengths).</summary>
    private static string WriteFrame(BatchDirectory directory, string name = "frame.fits")
    {
        const int nspec = 3, nwave = 20, ndiag = 5;
        var random = new Random(7);
        double[] Values(int n) => [.. Enumerable.Range(0, n).Select(_ => random.NextDouble())];
        var frame = new Frame
        {
            SpecMin = 0,
            NSpec = nspec,
            Wavelength = [.. Enumerable.Range(0, nwave).Select(k => 6000 + 0.8 * k)],
            Flux = Values(nspec * nwave),
            Ivar = Values(nspec * nwave),
            Mask = new uint[nspec * nwave],
            DiagonalCount = ndiag,
            Resolution = Values(nspec * ndiag * nwave),
            Chi2Pix = Values(nspec * nwave),
        };
        string path = directory.File(name);
        FrameFile.Write(path, frame);
        return path;
    }

    [Fact]
    public void WrittenFrame_Verifies()
    {
        using var directory = new BatchDirectory();
        Assert.Equal(new OutputCheck(OutputState.Valid), OutputVerification.Check(WriteFrame(directory)));
    }

    [Fact]
    public void AbsentFile_IsMissing()
    {
        using var directory = new BatchDirectory();
        Assert.Equal(OutputState.Missing, OutputVerification.Check(directory.File("none.fits")).State);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.99)]
    [InlineData(0.0)]
    public void TruncatedFile_IsInvalid(double keptFraction)
    {
        using var directory = new BatchDirectory();
        string path = WriteFrame(directory);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keptFraction)]);
        OutputCheck check = OutputVerification.Check(path);
        Assert.True(check.State == OutputState.Invalid, $"kept {keptFraction:P0} of {bytes.Length} bytes: {check}");
        Assert.Contains(path, check.Problem);
    }

    /// <summary>Cut exactly before the last HDU: what remains is valid FITS with good checksums, but not a whole frame.</summary>
    [Fact]
    public void FileCutAtAnHduBoundary_IsInvalid()
    {
        using var directory = new BatchDirectory();
        string path = WriteFrame(directory);
        byte[] bytes = File.ReadAllBytes(path);
        int lastHdu = -1;
        for (int offset = Block; offset < bytes.Length; offset += Block)
        {
            if (Encoding.ASCII.GetString(bytes, offset, 8) == "XTENSION")
            {
                lastHdu = offset;
            }
        }
        Assert.True(lastHdu > 0, "no extension found in the written frame");
        File.WriteAllBytes(path, bytes[..lastHdu]);
        OutputCheck check = OutputVerification.Check(path);
        Assert.Equal(OutputState.Invalid, check.State);
        Assert.Contains("no CHI2PIX HDU", check.Problem);
    }

    [Fact]
    public void FlippedDataByte_FailsItsChecksum()
    {
        using var directory = new BatchDirectory();
        string path = WriteFrame(directory);
        byte[] bytes = File.ReadAllBytes(path);
        // The FLUX data start after the primary header's first block(s); the second block's start is data when the header fits one block.
        int headerEnd = Encoding.ASCII.GetString(bytes).IndexOf("END     ", StringComparison.Ordinal);
        int dataStart = (headerEnd / Block + 1) * Block;
        bytes[dataStart + 5] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        OutputCheck check = OutputVerification.Check(path);
        Assert.Equal(OutputState.Invalid, check.State);
        Assert.Contains("DATASUM mismatch", check.Problem);
    }

    [Fact]
    public void FitsWithoutChecksums_IsInvalid()
    {
        using var directory = new BatchDirectory();
        string path = directory.File("foreign.fits");
        var header = new StringBuilder();
        foreach (string card in (string[])["SIMPLE  =                    T", "BITPIX  =                    8", "NAXIS   =                    0", "END"])
        {
            header.Append(card.PadRight(80));
        }
        File.WriteAllText(path, header.ToString().PadRight(Block), Encoding.ASCII);
        OutputCheck check = OutputVerification.Check(path);
        Assert.Equal(OutputState.Invalid, check.State);
        Assert.Contains("no DATASUM/CHECKSUM", check.Problem);
    }

    [Fact]
    public void InterruptedWrites_RemovesOnlyThisOutputsTemporaryFiles()
    {
        using var directory = new BatchDirectory();
        string output = directory.File("frame-r0.fits");
        string[] leftovers = [directory.File($".frame-r0.fits.{Guid.NewGuid():N}.tmp"), directory.File($".frame-r0.fits.{Guid.NewGuid():N}.tmp")];
        string[] kept = [directory.File($".frame-r0.fits.notahexguid.tmp"), directory.File($".frame-r1.fits.{Guid.NewGuid():N}.tmp"), output];
        foreach (string file in leftovers.Concat(kept))
        {
            File.WriteAllText(file, "x");
        }
        Assert.Equal(2, InterruptedWrites.Remove(output));
        Assert.All(leftovers, file => Assert.False(File.Exists(file), file));
        Assert.All(kept, file => Assert.True(File.Exists(file), file));
        Assert.Equal(0, InterruptedWrites.Remove(directory.File("sub/none.fits")));
    }
}
