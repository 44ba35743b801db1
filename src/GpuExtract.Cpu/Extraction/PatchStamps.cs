using GpuExtract.Core.Extraction;
using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;

namespace GpuExtract.Cpu.Extraction;

/// <summary>
/// The pixels of one patch's box and the spots of its unknowns clipped to that box: the columns of the
/// projection matrix A, kept as small stamps instead of a dense pixels × unknowns matrix.
/// Unknown j's stamp covers box columns <c>X[j] … X[j]+Width[j]−1</c> and rows <c>Y[j] … Y[j]+Height[j]−1</c>
/// (box-relative); its values are <c>Values[j·SlotSize + r·SlotStride + c]</c> and the weighted values
/// w·s at the same places in <c>WeightedValues</c>. Pixels outside the box are dropped, as the reference's
/// projection matrix does. Owned by one worker and reused for every patch (grows, never shrinks).
/// </summary>
internal sealed class PatchStamps
{
    private double[] _pixels = [];
    private double[] _weights = [];
    private double[] _values = [];
    private double[] _weightedValues = [];
    private int[] _x = [];
    private int[] _y = [];
    private int[] _width = [];
    private int[] _height = [];

    /// <summary>The patch's pixel box (CCD coordinates).</summary>
    public PixelBox Box { get; private set; }

    /// <summary>Number of unknowns (fibers × wavelengths, fiber-major).</summary>
    public int UnknownCount { get; private set; }

    /// <summary>Fitted fibers.</summary>
    public int FiberCount { get; private set; }

    /// <summary>Fitted wavelengths per fiber.</summary>
    public int WaveCount { get; private set; }

    /// <summary>Row stride of a stamp slot (= full stamp width).</summary>
    public int SlotStride { get; private set; }

    /// <summary>Values per stamp slot (= full stamp rows × columns).</summary>
    public int SlotSize { get; private set; }

    /// <summary>Pixel values [electron] over the box, row-major [Box.Height, Box.Width]; 0 where the weight is 0.</summary>
    public ReadOnlySpan<double> Pixels => _pixels.AsSpan(0, Box.PixelCount);

    /// <summary>Pixel weights [electron⁻²] over the box, row-major; non-finite weights or pixels read as 0.</summary>
    public ReadOnlySpan<double> Weights => _weights.AsSpan(0, Box.PixelCount);

    /// <summary>Clipped stamp values s (fraction of the spot's light per pixel); [UnknownCount, SlotSize].</summary>
    public ReadOnlySpan<double> Values => _values.AsSpan(0, UnknownCount * SlotSize);

    /// <summary>Clipped weighted stamp values w·s [electron⁻²]; [UnknownCount, SlotSize].</summary>
    public ReadOnlySpan<double> WeightedValues => _weightedValues.AsSpan(0, UnknownCount * SlotSize);

    /// <summary>First box column of each clipped stamp; [UnknownCount].</summary>
    public ReadOnlySpan<int> X => _x.AsSpan(0, UnknownCount);

    /// <summary>First box row of each clipped stamp; [UnknownCount].</summary>
    public ReadOnlySpan<int> Y => _y.AsSpan(0, UnknownCount);

    /// <summary>Columns of each clipped stamp (0 when the spot misses the box); [UnknownCount].</summary>
    public ReadOnlySpan<int> Width => _width.AsSpan(0, UnknownCount);

    /// <summary>Rows of each clipped stamp (0 when the spot misses the box); [UnknownCount].</summary>
    public ReadOnlySpan<int> Height => _height.AsSpan(0, UnknownCount);

    /// <summary>Number of stamp pixels inside the box over all unknowns (for FLOP counts).</summary>
    public long StampPixelCount { get; private set; }

    /// <summary>
    /// Copies patch <paramref name="p"/>'s box pixels and weights from the frame and clips the spots of its
    /// unknowns, taken from <paramref name="spots"/> at <see cref="FrameInput.SpotIndex"/>, to the box.
    /// </summary>
    public void Load(FrameInput frame, SpotTable spots, PatchBatch batch, int p)
    {
        PixelBox box = batch.Box(p);
        ValidatePatch(frame, spots, batch, p, box);
        Box = box;
        FiberCount = batch.FiberCount[p];
        WaveCount = batch.WaveCount[p];
        UnknownCount = FiberCount * WaveCount;
        SlotStride = spots.StampCols;
        SlotSize = spots.StampRows * spots.StampCols;
        EnsureCapacity(box.PixelCount, UnknownCount, SlotSize);
        LoadPixels(frame, box);
        ClipSpots(frame, spots, batch.FiberStart[p], batch.WaveStart[p]);
    }

    private void LoadPixels(FrameInput frame, PixelBox box)
    {
        if (box.PixelCount == 0)
        {
            return;
        }
        for (int row = 0; row < box.Height; row++)
        {
            int frameOffset = (box.YMin + row) * frame.NPixX + box.XMin;
            ReadOnlySpan<float> image = frame.Image.AsSpan(frameOffset, box.Width);
            ReadOnlySpan<float> weight = frame.Weight.AsSpan(frameOffset, box.Width);
            Span<double> pixels = _pixels.AsSpan(row * box.Width, box.Width);
            Span<double> weights = _weights.AsSpan(row * box.Width, box.Width);
            for (int c = 0; c < box.Width; c++)
            {
                // A pixel with weight 0 is never read as a value (it may be NaN); a non-finite weight or
                // value makes the pixel unusable, as DESI's weight rule does for non-finite pixels.
                double w = weight[c];
                double v = image[c];
                bool usable = double.IsFinite(w) && double.IsFinite(v) && w != 0;
                weights[c] = usable ? w : 0;
                pixels[c] = usable ? v : 0;
            }
        }
    }

    private void ClipSpots(FrameInput frame, SpotTable spots, int fiberStart, int waveStart)
    {
        PixelBox box = Box;
        long stampPixels = 0;
        for (int i = 0; i < FiberCount; i++)
        {
            for (int k = 0; k < WaveCount; k++)
            {
                int j = i * WaveCount + k;
                int spot = frame.SpotIndex(fiberStart + i, waveStart + k);
                int x0 = Math.Max(spots.XMin[spot], box.XMin);
                int x1 = Math.Min(spots.XMin[spot] + spots.Cols[spot], box.XMax);
                int y0 = Math.Max(spots.YMin[spot], box.YMin);
                int y1 = Math.Min(spots.YMin[spot] + spots.Rows[spot], box.YMax);
                Span<double> values = _values.AsSpan(j * SlotSize, SlotSize);
                Span<double> weighted = _weightedValues.AsSpan(j * SlotSize, SlotSize);
                // Slots are reused from patch to patch: no value of an earlier patch may survive in them.
                values.Clear();
                weighted.Clear();
                if (x1 <= x0 || y1 <= y0)
                {
                    _x[j] = 0;
                    _y[j] = 0;
                    _width[j] = 0;
                    _height[j] = 0;
                    continue;
                }
                int width = x1 - x0;
                int height = y1 - y0;
                _x[j] = x0 - box.XMin;
                _y[j] = y0 - box.YMin;
                _width[j] = width;
                _height[j] = height;
                stampPixels += width * height;
                ReadOnlySpan<double> stamp = spots.Stamp(spot);
                for (int r = 0; r < height; r++)
                {
                    ReadOnlySpan<double> source = stamp.Slice((y0 - spots.YMin[spot] + r) * spots.StampCols + (x0 - spots.XMin[spot]), width);
                    ReadOnlySpan<double> w = _weights.AsSpan((y0 - box.YMin + r) * box.Width + (x0 - box.XMin), width);
                    Span<double> target = values.Slice(r * SlotStride, width);
                    Span<double> weightedTarget = weighted.Slice(r * SlotStride, width);
                    source.CopyTo(target);
                    for (int c = 0; c < width; c++)
                    {
                        weightedTarget[c] = w[c] * source[c];
                    }
                }
            }
        }
        StampPixelCount = stampPixels;
    }

    private static void ValidatePatch(FrameInput frame, SpotTable spots, PatchBatch batch, int p, PixelBox box)
    {
        int fiberStart = batch.FiberStart[p];
        int fiberCount = batch.FiberCount[p];
        int waveStart = batch.WaveStart[p];
        int waveCount = batch.WaveCount[p];
        if (fiberCount <= 0 || waveCount <= 0 || fiberStart < frame.FiberStart
            || fiberStart + fiberCount > frame.FiberStart + frame.FiberCount
            || waveStart < 0 || waveStart + waveCount > frame.GridWavelengths.Length)
        {
            throw new InvalidOperationException(
                $"Patch {p}: fibers {fiberStart}+{fiberCount}, grid wavelengths {waveStart}+{waveCount} lie outside the frame's "
                + $"fibers {frame.FiberStart}+{frame.FiberCount} and grid of {frame.GridWavelengths.Length}");
        }
        if ((long)frame.FiberCount * frame.GridWavelengths.Length > spots.Count)
        {
            throw new InvalidOperationException(
                $"Spot table has {spots.Count} spots, fewer than the frame's {frame.FiberCount} fibers × {frame.GridWavelengths.Length} wavelengths");
        }
        if (box.PixelCount > 0 && (box.XMin < 0 || box.YMin < 0 || box.XMax > frame.NPixX || box.YMax > frame.NPixY))
        {
            throw new InvalidOperationException($"Patch {p}: pixel box {box} lies outside the {frame.NPixX} × {frame.NPixY} CCD");
        }
        int keepOffset = batch.KeepFiberOffset[p];
        int coreOffset = batch.CoreOffset[p];
        if (keepOffset < 0 || batch.KeepFiberCount[p] < 0 || keepOffset + batch.KeepFiberCount[p] > fiberCount
            || coreOffset < 0 || batch.CoreCount[p] < 0 || coreOffset + batch.CoreCount[p] > waveCount)
        {
            throw new InvalidOperationException(
                $"Patch {p}: kept fibers {keepOffset}+{batch.KeepFiberCount[p]} or core {coreOffset}+{batch.CoreCount[p]} "
                + $"exceed the fitted {fiberCount} fibers × {waveCount} wavelengths");
        }
    }

    private void EnsureCapacity(int pixelCount, int unknownCount, int slotSize)
    {
        if (_pixels.Length < pixelCount)
        {
            _pixels = new double[pixelCount];
            _weights = new double[pixelCount];
        }
        if (_x.Length < unknownCount)
        {
            _x = new int[unknownCount];
            _y = new int[unknownCount];
            _width = new int[unknownCount];
            _height = new int[unknownCount];
        }
        long slots = (long)unknownCount * slotSize;
        if (_values.Length < slots)
        {
            _values = new double[slots];
            _weightedValues = new double[slots];
        }
    }
}
