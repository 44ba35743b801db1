using GpuExtract.Core.Extraction;
using GpuExtract.Core.Psf;
using GpuExtract.Fits;

namespace GpuExtract.Core.Formats;

/// <summary>
/// A DESI "preproc" CCD image: IMAGE [electron], IVAR [electron⁻²], MASK (bits), optional READNOISE and
/// FIBERMAP, and the IMAGE header. Arrays are row-major [NPixY, NPixX].
/// </summary>
public sealed record PreprocImage
{
    /// <summary>The DESI CCD mask bits that make a pixel unusable for extraction (ccdmask 0x2FF).</summary>
    public const int BadPixelBits = 0x2FF;

    /// <summary>
    /// Largest |IMAGE| [electron] a usable pixel may hold. A CCD pixel saturates near 2e5 electrons; 1e10 is
    /// far beyond any real charge and keeps the fit's products (w·p ≤ 1e20, w·p² ≤ 1e30) and χ² within float32.
    /// A larger value is a corrupt pixel (e.g. a flipped exponent bit) and is treated like a NaN.
    /// </summary>
    public const float MaxPixelMagnitude = 1e10f;

    /// <summary>
    /// Largest IVAR [electron⁻²] a usable pixel may hold: σ = 1e-5 electron, five orders below the read noise
    /// of any CCD (~3 electrons, IVAR ~0.1). A larger value is corrupt and is treated like a NaN: one such pixel
    /// would otherwise outweigh the whole patch and overflow the frame's float32 IVAR.
    /// </summary>
    public const float MaxIvar = 1e10f;

    public required int NPixX { get; init; }
    public required int NPixY { get; init; }

    /// <summary>Pixel values [electron]; shape [NPixY, NPixX].</summary>
    public required float[] Image { get; init; }

    /// <summary>Inverse variance [electron⁻²]; shape [NPixY, NPixX].</summary>
    public required float[] Ivar { get; init; }

    /// <summary>CCD mask bits; shape [NPixY, NPixX]; all 0 when the file has no MASK.</summary>
    public required int[] Mask { get; init; }

    /// <summary>Read noise [electron]; shape [NPixY, NPixX]; null when absent.</summary>
    public float[]? ReadNoise { get; init; }

    /// <summary>The IMAGE HDU's header (CAMERA, EXPID, NIGHT, …).</summary>
    public required FitsHeader Header { get; init; }

    /// <summary>The FIBERMAP table, passed through to frames; null when absent.</summary>
    public FitsTable? Fibermap { get; init; }

    /// <summary>The FIBERMAP HDU's header (TILEID, RA, … in DESI files); null when there is no FIBERMAP.</summary>
    public FitsHeader? FibermapHeader { get; init; }

    /// <summary>The file this image was read from ("" when made in memory).</summary>
    public string FileName { get; init; } = "";

    /// <summary>
    /// Extraction weights: IVAR where (MASK &amp; 0x2FF) == 0, IVAR &gt; 0 and both IMAGE and IVAR are
    /// <see cref="HoldsPhysicalValues">physical</see>, else 0 (DESI's convention; non-finite or corrupt pixels
    /// must never reach the fit). Shape [NPixY, NPixX].
    /// </summary>
    public float[] ComputeWeights()
    {
        var weights = new float[Image.Length];
        for (int i = 0; i < weights.Length; i++)
        {
            float ivar = Ivar[i];
            bool usable = (Mask[i] & BadPixelBits) == 0 && HoldsPhysicalValues(Image[i], ivar) && ivar > 0;
            weights[i] = usable ? ivar : 0f;
        }
        return weights;
    }

    /// <summary>
    /// Pixels whose IMAGE or IVAR is not <see cref="HoldsPhysicalValues">physical</see> (NaN, ±Inf, |IMAGE| &gt;
    /// <see cref="MaxPixelMagnitude"/>, IVAR &gt; <see cref="MaxIvar"/>), whatever their mask: they get weight 0
    /// and are reported.
    /// </summary>
    public int CountUnphysicalPixels()
    {
        int count = 0;
        for (int i = 0; i < Image.Length; i++)
        {
            if (!HoldsPhysicalValues(Image[i], Ivar[i]))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>
    /// Whether a pixel's IMAGE [electron] and IVAR [electron⁻²] are values a CCD can produce: both finite,
    /// |IMAGE| ≤ <see cref="MaxPixelMagnitude"/>, IVAR ≤ <see cref="MaxIvar"/> (IVAR ≤ 0 is allowed: it means
    /// "no information", not corruption).
    /// </summary>
    public static bool HoldsPhysicalValues(float image, float ivar) =>
        Math.Abs(image) <= MaxPixelMagnitude && ivar <= MaxIvar && !float.IsNaN(ivar);

    /// <summary>
    /// Reads a preproc file. IMAGE may be the primary HDU (DESI's layout, EXTNAME IMAGE) or an extension;
    /// IVAR is required; MASK (plain or tile-compressed) optional.
    /// </summary>
    /// <exception cref="ExtractionInputException">a required HDU is missing or shapes disagree.</exception>
    /// <exception cref="FitsFormatException">the file is not valid FITS.</exception>
    public static PreprocImage Read(string path) => ReadChecked(path, expected: null);

    /// <summary>
    /// Reads a preproc file for extraction with <paramref name="psf"/>: the image shape is checked
    /// against the PSF's CCD (NPIX_Y × NPIX_X) from the headers alone, before any pixel is read, so a
    /// file declaring a huge image costs nothing to refuse.
    /// </summary>
    /// <exception cref="ExtractionInputException">the shapes disagree (naming both files), or as <see cref="Read(string)"/>.</exception>
    public static PreprocImage Read(string path, GaussHermitePsf psf)
    {
        ArgumentNullException.ThrowIfNull(psf);
        return ReadChecked(path, psf);
    }

    private static PreprocImage ReadChecked(string path, GaussHermitePsf? expected)
    {
        using var file = FitsFile.Open(path);
        FitsHdu imageHdu = FindImage(file, path);
        int[] shape = imageHdu.Shape;
        if (shape.Length != 2 || shape[0] <= 0 || shape[1] <= 0)
        {
            throw new ExtractionInputException($"{path}: HDU {imageHdu.Index} (IMAGE) must be a 2-D image, found shape ({string.Join(", ", shape)})");
        }
        if (expected is not null && (shape[0] != expected.NPixY || shape[1] != expected.NPixX))
        {
            throw new ExtractionInputException(
                $"{path}: IMAGE is {shape[1]} x {shape[0]} pixels but the PSF {expected.Source} describes a {expected.NPixX} x {expected.NPixY} CCD (NPIX_X x NPIX_Y)");
        }
        float[] image = imageHdu.ReadImage<float>();
        float[] ivar = ReadPlane(file, path, "IVAR", shape, required: true)!;
        int[] mask = file.TryGetHdu("MASK", out _) ? ReadMask(file, path, shape) : new int[image.Length];
        float[]? readNoise = file.TryGetHdu("READNOISE", out _) ? ReadPlane(file, path, "READNOISE", shape, required: false) : null;
        bool hasFibermap = file.TryGetHdu("FIBERMAP", out FitsHdu fibermapHdu);
        FitsTable? fibermap = hasFibermap ? fibermapHdu.ReadTable() : null;
        return new PreprocImage
        {
            NPixX = shape[1],
            NPixY = shape[0],
            Image = image,
            Ivar = ivar,
            Mask = mask,
            ReadNoise = readNoise,
            Header = imageHdu.Header,
            Fibermap = fibermap,
            FibermapHeader = hasFibermap ? fibermapHdu.Header : null,
            FileName = path,
        };
    }

    /// <summary>
    /// Writes the image in DESI's preproc layout (IMAGE primary with EXTNAME IMAGE, IVAR, MASK,
    /// READNOISE if present, FIBERMAP if present, then <paramref name="extraHdus"/>), atomically;
    /// <c>.gz</c> names are gzip-compressed. With <paramref name="compressMask"/> MASK is a RICE_1
    /// tile-compressed image with one-row tiles, int16 when every value fits (as DESI's files), else int32.
    /// </summary>
    public void Write(string path, Action<FitsWriter>? extraHdus = null, bool compressMask = false) =>
        FitsWriter.WriteFile(path, writer => WriteHdus(writer, extraHdus, compressMask));

    /// <summary>As <see cref="Write(string, Action{FitsWriter}?, bool)"/>, into an output of an <see cref="OutputSet"/>.</summary>
    public void Write(OutputSet.Output output, Action<FitsWriter>? extraHdus = null, bool compressMask = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteFits(writer => WriteHdus(writer, extraHdus, compressMask));
    }

    private void WriteHdus(FitsWriter writer, Action<FitsWriter>? extraHdus, bool compressMask)
    {
        int[] shape = [NPixY, NPixX];
        var imageHeader = new FitsHeader();
        imageHeader.Set("EXTNAME", "IMAGE");
        foreach (var card in Header)
        {
            if (card.Key is not ("EXTNAME" or "") && card.Value is not null)
            {
                if (card.Key is "COMMENT")
                {
                    imageHeader.AddComment((string)card.Value);
                }
                else if (card.Key is "HISTORY")
                {
                    imageHeader.AddHistory((string)card.Value);
                }
                else
                {
                    imageHeader.Set(card.Key, card.Value, card.Comment);
                }
            }
        }
        imageHeader.Set("BUNIT", "electron");
        writer.WriteImage<float>(imageHeader, Image, shape);
        writer.WriteImage<float>(HduHeaders.Named("IVAR", "electron**-2"), Ivar, shape);
        if (compressMask)
        {
            WriteCompressedMask(writer, shape);
        }
        else
        {
            writer.WriteImage<int>(HduHeaders.Named("MASK", null), Mask, shape);
        }
        if (ReadNoise is not null)
        {
            writer.WriteImage<float>(HduHeaders.Named("READNOISE", "electron"), ReadNoise, shape);
        }
        if (Fibermap is not null)
        {
            writer.WriteTable(HduHeaders.Named("FIBERMAP", null), FitsTableCopy.ToBuilder(Fibermap));
        }
        extraHdus?.Invoke(writer);
    }


    /// <summary>MASK as DESI writes it (reference README §3.1): RICE_1, ZBITPIX 16, one row per tile, BLOCKSIZE 32.</summary>
    private void WriteCompressedMask(FitsWriter writer, int[] shape)
    {
        FitsHeader header = HduHeaders.Named("MASK", null);
        bool fitsInt16 = true;
        foreach (int bits in Mask)
        {
            if (bits is < short.MinValue or > short.MaxValue)
            {
                fitsInt16 = false;
                break;
            }
        }
        if (!fitsInt16)
        {
            writer.WriteCompressedImage<int>(header, Mask, shape, TileCompression.Rice1);
            return;
        }
        short[] mask16 = new short[Mask.Length];
        for (int i = 0; i < mask16.Length; i++)
        {
            mask16[i] = (short)Mask[i];
        }
        writer.WriteCompressedImage<short>(header, mask16, shape, TileCompression.Rice1);
    }

    private static FitsHdu FindImage(FitsFile file, string path)
    {
        if (file.TryGetHdu("IMAGE", out FitsHdu named))
        {
            return named;
        }
        // DESI preproc files may leave the primary HDU unnamed; it is then the image.
        FitsHdu primary = file[0];
        if (primary.Kind == HduKind.Image && primary.Shape.Length == 2)
        {
            return primary;
        }
        throw new ExtractionInputException($"{path}: no IMAGE HDU (neither an HDU named IMAGE nor a 2-D primary image)");
    }

    private static float[]? ReadPlane(FitsFile file, string path, string name, int[] shape, bool required)
    {
        if (!file.TryGetHdu(name, out FitsHdu hdu))
        {
            return required ? throw new ExtractionInputException($"{path}: missing HDU {name}") : null;
        }
        CheckShape(path, hdu, name, shape);
        return hdu.ReadImage<float>();
    }

    private static int[] ReadMask(FitsFile file, string path, int[] shape)
    {
        FitsHdu hdu = file["MASK"];
        CheckShape(path, hdu, "MASK", shape);
        return hdu.ReadImage<int>();
    }

    private static void CheckShape(string path, FitsHdu hdu, string name, int[] shape)
    {
        if (!hdu.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new ExtractionInputException(
                $"{path}: HDU {name} has shape ({string.Join(", ", hdu.Shape)}) but IMAGE has ({string.Join(", ", shape)})");
        }
    }
}
