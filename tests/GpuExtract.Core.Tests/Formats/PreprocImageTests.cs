using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Fits;
using GpuExtract.Testing;

namespace GpuExtract.Core.Tests.Formats;

public sealed class PreprocImageTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("gpuextract-preproc-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static PreprocImage Small(int nx = 4, int ny = 3)
    {
        var header = new FitsHeader();
        header.Set("CAMERA", "r0");
        header.Set("EXPID", 123L);
        return new PreprocImage
        {
            NPixX = nx,
            NPixY = ny,
            Image = Enumerable.Range(0, nx * ny).Select(i => (float)(10 + i)).ToArray(),
            Ivar = Enumerable.Range(0, nx * ny).Select(i => 0.5f + i).ToArray(),
            Mask = new int[nx * ny],
            Header = header,
        };
    }

    [Fact]
    public void ComputeWeights_ZeroForBadMaskBitsAndNonFinitePixels()
    {
        var image = Small();
        image.Mask[1] = 0x10;          // COSMIC: inside 0x2FF → unusable even though IVAR > 0
        image.Mask[2] = 0x400;         // a bit outside 0x2FF → still usable
        image.Image[3] = float.NaN;
        image.Ivar[4] = float.PositiveInfinity;
        image.Image[5] = float.NegativeInfinity;
        float[] w = image.ComputeWeights();
        Assert.Equal(image.Ivar[0], w[0]);
        Assert.Equal(0f, w[1]);
        Assert.Equal(image.Ivar[2], w[2]);
        Assert.Equal(0f, w[3]);
        Assert.Equal(0f, w[4]);
        Assert.Equal(0f, w[5]);
        Assert.Equal(image.Ivar[6], w[6]);
    }

    [Fact]
    public void WriteThenRead_KeepsPixelsMaskAndKeywords()
    {
        var image = Small();
        image.Mask[7] = 16;
        string path = Path.Combine(directory, "preproc.fits.gz");
        image.Write(path);
        var back = PreprocImage.Read(path);
        Assert.Equal(image.Image, back.Image);
        Assert.Equal(image.Ivar, back.Ivar);
        Assert.Equal(image.Mask, back.Mask);
        Assert.Equal("r0", back.Header.GetString("CAMERA"));
        Assert.Equal(123L, back.Header.GetInt("EXPID"));
        Assert.Equal((4, 3), (back.NPixX, back.NPixY));
    }

    [Fact]
    public void Read_MissingIvar_NamesFileAndHdu()
    {
        string path = Path.Combine(directory, "noivar.fits");
        using (var stream = File.Create(path))
        using (var writer = new FitsWriter(stream))
        {
            var header = new FitsHeader();
            header.Set("EXTNAME", "IMAGE");
            writer.WriteImage<float>(header, new float[6], [2, 3]);
        }
        var error = Assert.Throws<ExtractionInputException>(() => PreprocImage.Read(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("IVAR", error.Message);
    }

    [Fact]
    public void Read_IvarShapeDiffersFromImage_NamesBothShapes()
    {
        string path = Path.Combine(directory, "shape.fits");
        using (var stream = File.Create(path))
        using (var writer = new FitsWriter(stream))
        {
            var header = new FitsHeader();
            header.Set("EXTNAME", "IMAGE");
            writer.WriteImage<float>(header, new float[6], [2, 3]);
            var ivar = new FitsHeader();
            ivar.Set("EXTNAME", "IVAR");
            writer.WriteImage<float>(ivar, new float[6], [3, 2]);
        }
        var error = Assert.Throws<ExtractionInputException>(() => PreprocImage.Read(path));
        Assert.Contains("IVAR has shape (3, 2) but IMAGE has (2, 3)", error.Message);
    }
}
