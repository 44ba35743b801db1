using GpuExtract.Core.Planning;

namespace GpuExtract.Core.Extraction;

/// <summary>
/// Many patches in structure-of-arrays form. Patch p fits fibers
/// <c>FiberStart[p] … FiberStart[p]+FiberCount[p]−1</c> (absolute numbers, neighbours included) at
/// grid wavelengths <c>WaveStart[p] … WaveStart[p]+WaveCount[p]−1</c> over the pixels of <c>Box(p)</c>,
/// and keeps fibers <c>KeepFiberOffset[p] …</c> (relative to FiberStart, count KeepFiberCount) at
/// wavelengths <c>CoreOffset[p] …</c> (relative to WaveStart, count CoreCount).
/// Unknown j of patch p is (fiber i, wavelength k) with j = i·WaveCount[p] + k (fiber-major).
/// Kept bin (kept fiber a, core wavelength c) is output row <c>OutputOffset[p] + a·CoreCount[p] + c</c>.
/// </summary>
public sealed class PatchBatch
{
    public PatchBatch(int count)
    {
        Count = count;
        FiberStart = new int[count];
        FiberCount = new int[count];
        KeepFiberOffset = new int[count];
        KeepFiberCount = new int[count];
        WaveStart = new int[count];
        WaveCount = new int[count];
        CoreOffset = new int[count];
        CoreCount = new int[count];
        XMin = new int[count];
        XMax = new int[count];
        YMin = new int[count];
        YMax = new int[count];
        OutputOffset = new int[count];
        ModelOffset = new long[count];
    }

    public int Count { get; }
    public int[] FiberStart { get; }
    public int[] FiberCount { get; }
    public int[] KeepFiberOffset { get; }
    public int[] KeepFiberCount { get; }
    public int[] WaveStart { get; }
    public int[] WaveCount { get; }
    public int[] CoreOffset { get; }
    public int[] CoreCount { get; }
    public int[] XMin { get; }
    public int[] XMax { get; }
    public int[] YMin { get; }
    public int[] YMax { get; }

    /// <summary>First output row of each patch's kept bins; set by <see cref="ComputeOffsets"/>.</summary>
    public int[] OutputOffset { get; }

    /// <summary>First model value of each patch (box pixels, row-major); set by <see cref="ComputeOffsets"/>.</summary>
    public long[] ModelOffset { get; }

    /// <summary>Total kept bins of the batch.</summary>
    public int OutputCount { get; private set; }

    /// <summary>Total model pixels of the batch.</summary>
    public long ModelCount { get; private set; }

    /// <summary>The pixel box of patch p.</summary>
    public PixelBox Box(int p) => new(XMin[p], XMax[p], YMin[p], YMax[p]);

    /// <summary>Number of unknowns of patch p.</summary>
    public int UnknownCount(int p) => FiberCount[p] * WaveCount[p];

    /// <summary>
    /// The patches <paramref name="patches"/> (indices into this batch, in that order) as a batch of their own. Their
    /// <see cref="OutputOffset"/>, <see cref="ModelOffset"/> and the totals stay this batch's, so that results of
    /// the subset land in this batch's <see cref="PatchResults"/> where its own would.
    /// </summary>
    public PatchBatch Select(IReadOnlyList<int> patches)
    {
        ArgumentNullException.ThrowIfNull(patches);
        var subset = new PatchBatch(patches.Count) { OutputCount = OutputCount, ModelCount = ModelCount };
        for (int i = 0; i < patches.Count; i++)
        {
            int p = patches[i];
            if ((uint)p >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(patches), p, $"patch index outside the batch of {Count}");
            }
            subset.FiberStart[i] = FiberStart[p];
            subset.FiberCount[i] = FiberCount[p];
            subset.KeepFiberOffset[i] = KeepFiberOffset[p];
            subset.KeepFiberCount[i] = KeepFiberCount[p];
            subset.WaveStart[i] = WaveStart[p];
            subset.WaveCount[i] = WaveCount[p];
            subset.CoreOffset[i] = CoreOffset[p];
            subset.CoreCount[i] = CoreCount[p];
            subset.XMin[i] = XMin[p];
            subset.XMax[i] = XMax[p];
            subset.YMin[i] = YMin[p];
            subset.YMax[i] = YMax[p];
            subset.OutputOffset[i] = OutputOffset[p];
            subset.ModelOffset[i] = ModelOffset[p];
        }
        return subset;
    }

    /// <summary>Fills <see cref="OutputOffset"/>, <see cref="ModelOffset"/> and the totals.</summary>
    public void ComputeOffsets()
    {
        int output = 0;
        long model = 0;
        for (int p = 0; p < Count; p++)
        {
            OutputOffset[p] = output;
            output += KeepFiberCount[p] * CoreCount[p];
            ModelOffset[p] = model;
            model += Box(p).PixelCount;
        }
        OutputCount = output;
        ModelCount = model;
    }
}
