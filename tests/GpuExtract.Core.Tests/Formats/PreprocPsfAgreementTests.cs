using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;
using GpuExtract.Fits;

namespace GpuExtract.Core.Tests.Formats;

/// <summary>
/// A preproc image and a PSF that disagree are refused before the pixels are read, and every message
/// about the disagreement names the PSF when the PSF decides what is expected.
/// </summary>
public sealed class PreprocPsfAgreementTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("gpuextract-agreement-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string PsfFile(out GaussHermitePsf psf)
    {
        string path = Path.Combine(directory, "psf-test.fits");
        PsfWriter.Write(path, Psf.SyntheticPsf.Build(new Dictionary<string, double>(), fibers: 6, npixX: 200));
        psf = GaussHermitePsf.Load(path);
        return path;
    }

    /// <summary>A preproc whose IMAGE (primary, EXTNAME IMAGE) declares <paramref name="n"/> × <paramref name="n"/> float32 pixels, stored sparse.</summary>
    private string SparsePreproc(int n)
    {
        string path = Path.Combine(directory, "preproc-sparse.fits");
        string header = string.Concat(new[]
        {
            "SIMPLE  =                    T", "BITPIX  =                  -32", "NAXIS   =                    2",
            $"NAXIS1  = {n,20}", $"NAXIS2  = {n,20}", "EXTNAME = 'IMAGE   '", "END",
        }.Select(card => card.PadRight(80)));
        header = header.PadRight(2880);
        using var stream = new FileStream(path, FileMode.CreateNew);
        stream.Write(System.Text.Encoding.ASCII.GetBytes(header));
        stream.SetLength(2880 + (4L * n * n + 2879) / 2880 * 2880);
        return path;
    }

    [Fact]
    public void Read_ImageShapeIsCheckedAgainstThePsfBeforeThePixelsAreRead()
    {
        // 23100² float32 = 2.1 GB declared by an 8 kB-on-disk sparse file: the refusal must come from
        // the header alone, allocating nothing like the image.
        string psfPath = PsfFile(out GaussHermitePsf psf);
        string preproc = SparsePreproc(23100);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ExtractionInputException>(() => PreprocImage.Read(preproc, psf));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes before refusing");
        Assert.Contains(preproc, error.Message);
        Assert.Contains(psfPath, error.Message);
        Assert.Contains("23100", error.Message);
    }

    [Fact]
    public void Read_ImageOfThePsfsShapeIsRead()
    {
        PsfFile(out GaussHermitePsf psf);
        var image = new PreprocImage
        {
            NPixX = psf.NPixX,
            NPixY = psf.NPixY,
            Image = new float[psf.NPixX * psf.NPixY],
            Ivar = new float[psf.NPixX * psf.NPixY],
            Mask = new int[psf.NPixX * psf.NPixY],
            Header = new FitsHeader(),
        };
        string path = Path.Combine(directory, "preproc.fits");
        image.Write(path);
        PreprocImage back = PreprocImage.Read(path, psf);
        Assert.Equal(psf.NPixX, back.NPixX);
        Assert.Equal(psf.NPixY, back.NPixY);
    }

    [Fact]
    public void Prepare_ShapeMismatchNamesThePsfFile()
    {
        string psfPath = PsfFile(out GaussHermitePsf psf);
        var image = new PreprocImage
        {
            NPixX = 4,
            NPixY = 3,
            Image = new float[12],
            Ivar = new float[12],
            Mask = new int[12],
            Header = new FitsHeader(),
            FileName = "preproc-small.fits",
        };
        var options = new ExtractionOptions { Wavelengths = Grid(psf), SpecMin = psf.FiberMin, NSpec = 5 };
        var error = Assert.Throws<ExtractionInputException>(() => FrameExtraction.Prepare(image, psf, options));
        Assert.Contains("preproc-small.fits", error.Message);
        Assert.Contains(psfPath, error.Message);
    }

    [Fact]
    public void Plan_FibersOrWavelengthsOutsideThePsfNameThePsfFile()
    {
        string psfPath = PsfFile(out GaussHermitePsf psf);
        var fibers = new ExtractionOptions { Wavelengths = Grid(psf), SpecMin = psf.FiberMin + psf.FiberCount - 2, NSpec = 5 };
        Assert.Contains(psfPath, Assert.Throws<ExtractionInputException>(() => PatchPlanner.Plan(psf, fibers)).Message);
        var wavelengths = new ExtractionOptions
        {
            Wavelengths = ExtractionOptions.LinearGrid(psf.WaveMax - 10, psf.WaveMax + 10, 1),
            SpecMin = psf.FiberMin,
            NSpec = 5,
        };
        Assert.Contains(psfPath, Assert.Throws<ExtractionInputException>(() => PatchPlanner.Plan(psf, wavelengths)).Message);
    }

    [Fact]
    public void Prepare_NoUsablePixelUnderTheFibersNamesBothFiles()
    {
        // All weights 0 under the fibers: either the preproc is empty there or the PSF puts the fibers
        // where the preproc has no data; the message must let the user check both.
        string psfPath = PsfFile(out GaussHermitePsf psf);
        int n = psf.NPixX * psf.NPixY;
        var image = new PreprocImage
        {
            NPixX = psf.NPixX,
            NPixY = psf.NPixY,
            Image = new float[n],
            Ivar = new float[n],
            Mask = new int[n],
            Header = new FitsHeader(),
            FileName = "preproc-dark.fits",
        };
        var options = new ExtractionOptions { Wavelengths = Grid(psf), SpecMin = psf.FiberMin, NSpec = 5 };
        var error = Assert.Throws<ExtractionInputException>(() => FrameExtraction.Prepare(image, psf, options));
        Assert.Contains("preproc-dark.fits", error.Message);
        Assert.Contains(psfPath, error.Message);
    }

    private static double[] Grid(GaussHermitePsf psf)
    {
        double start = Math.Ceiling(psf.WaveMin) + 50;
        return ExtractionOptions.LinearGrid(start, start + 40, 1);
    }
}
