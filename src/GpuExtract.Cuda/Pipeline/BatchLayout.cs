using GpuExtract.Core.Extraction;

namespace GpuExtract.Cuda.Pipeline;

/// <summary>
/// One batch of patches as the kernels see it (kernels/common.cuh): patches padded to a common N = NF·NW unknowns
/// (NF fibers × NW wavelengths, the largest in the batch; unknown j = fiber·NW + wavelength), a
/// <see cref="PatchDescriptor"/> per patch, one "problem" per (patch, kept fiber), and batch-local offsets of each patch's output rows and
/// box pixels. Built on the host from a <see cref="PatchBatch"/>; only descriptors cross the bus.
/// </summary>
internal sealed class BatchLayout
{
    private BatchLayout(int[] patches)
    {
        Patches = patches;
    }

    /// <summary>The batch's patches (indices into the frame's <see cref="PatchBatch"/>), in batch order.</summary>
    public int[] Patches { get; }

    public int Count => Patches.Length;

    /// <summary>Padded fibers and wavelengths per patch.</summary>
    public int NF { get; private init; }

    public int NW { get; private init; }

    /// <summary>Padded unknowns per patch, NF·NW.</summary>
    public int N => NF * NW;

    /// <summary>Descriptors, [Count, <see cref="PatchDescriptor.Fields"/>].</summary>
    public int[] Descriptors { get; private init; } = [];

    /// <summary>(patch in batch, kept fiber) of each problem, [ProblemCount, 2].</summary>
    public int[] Problems { get; private init; } = [];

    public int ProblemCount => Problems.Length / 2;

    /// <summary>Kept bins of the batch (output rows).</summary>
    public int OutputRows { get; private init; }

    /// <summary>Box pixels of the batch.</summary>
    public long Pixels { get; private init; }

    /// <summary>Rows of the tallest box.</summary>
    public int MaxBoxHeight { get; private init; }

    /// <summary>The layout of patches <paramref name="patches"/> of <paramref name="batch"/> for a frame whose first fiber is <paramref name="frameFiberStart"/>.</summary>
    public static BatchLayout Build(PatchBatch batch, IReadOnlyList<int> patches, int frameFiberStart)
    {
        int nf = 0, nw = 0, problems = 0, maxHeight = 0;
        foreach (int p in patches)
        {
            nf = Math.Max(nf, batch.FiberCount[p]);
            nw = Math.Max(nw, batch.WaveCount[p]);
            problems += batch.KeepFiberCount[p];
        }
        const int Fields = PatchDescriptor.Fields;
        var descriptors = new int[patches.Count * Fields];
        var problemList = new int[problems * 2];
        int output = 0, problem = 0;
        long pixels = 0;
        for (int i = 0; i < patches.Count; i++)
        {
            int p = patches[i];
            Span<int> d = descriptors.AsSpan(i * Fields, Fields);
            d[PatchDescriptor.Fiber] = batch.FiberStart[p] - frameFiberStart;
            d[PatchDescriptor.FiberCount] = batch.FiberCount[p];
            d[PatchDescriptor.KeepOffset] = batch.KeepFiberOffset[p];
            d[PatchDescriptor.KeepCount] = batch.KeepFiberCount[p];
            d[PatchDescriptor.Wave] = batch.WaveStart[p];
            d[PatchDescriptor.WaveCount] = batch.WaveCount[p];
            d[PatchDescriptor.CoreOffset] = batch.CoreOffset[p];
            d[PatchDescriptor.CoreCount] = batch.CoreCount[p];
            d[PatchDescriptor.XMin] = batch.XMin[p];
            d[PatchDescriptor.XMax] = batch.XMax[p];
            d[PatchDescriptor.YMin] = batch.YMin[p];
            d[PatchDescriptor.YMax] = batch.YMax[p];
            d[PatchDescriptor.Output] = output;
            d[PatchDescriptor.Pixels] = checked((int)pixels);
            d[PatchDescriptor.Problem] = problem;
            for (int a = 0; a < batch.KeepFiberCount[p]; a++)
            {
                problemList[2 * problem] = i;
                problemList[2 * problem + 1] = a;
                problem++;
            }
            output += batch.KeepFiberCount[p] * batch.CoreCount[p];
            pixels += batch.Box(p).PixelCount;
            maxHeight = Math.Max(maxHeight, batch.YMax[p] - batch.YMin[p]);
        }
        return new BatchLayout(patches.ToArray())
        {
            NF = nf,
            NW = nw,
            Descriptors = descriptors,
            Problems = problemList,
            OutputRows = output,
            Pixels = pixels,
            MaxBoxHeight = maxHeight,
        };
    }

    /// <summary>
    /// The band solver's half-bandwidth for patches of <paramref name="nf"/> × <paramref name="nw"/> unknowns in a
    /// frame of reach <paramref name="reach"/> (spots more than that many grid steps apart never overlap): two
    /// unknowns at wavelength-major positions k·nf + i are then at most (reach + 1)·nf − 1 apart where they overlap.
    /// </summary>
    public static int BandHalfWidth(int reach, int nf, int nw) => Math.Max(0, Math.Min((reach + 1) * nf - 1, nf * nw - 1));

    /// <summary>
    /// Device memory a batch of <paramref name="count"/> patches padded to nf × nw needs [bytes], given per-patch
    /// upper bounds of kept fibers, output rows and box pixels (the eigensolver's workspace is the device's to say).
    /// The band solver (<paramref name="kd"/> its half-bandwidth) keeps iCov and L as an N × (kd+1) band where the
    /// dense solver keeps two N × N matrices; noise decorrelation also needs a dense iCov for its eigh.
    /// </summary>
    public static long BytesFor(int count, int nf, int nw, int kept, int rows, long pixels, int diagonals, bool noiseDecorrelation,
        DeviceSolver solver = DeviceSolver.Dense, int kd = 0)
    {
        long n = (long)nf * nw;
        long matrices = solver == DeviceSolver.Dense
            ? 2 * n * n * sizeof(double) + 3 * sizeof(ulong) + 2 * sizeof(int)   // iCov / L and L⁻¹ (or the iCov copy), pointer arrays, infos
            : n * (kd + 1) * sizeof(double) + sizeof(int)                      // the band, the patch's bandwidth
                + (noiseDecorrelation ? n * n * sizeof(double) : 0);          // the dense iCov noise decorrelation decomposes
        long perPatch = matrices
            + 2 * n * sizeof(double)                       // y / f, fluxweight
            + 5 * n * sizeof(int)                          // clipped stamps, spot indices
            + (PatchDescriptor.Fields + 1) * sizeof(int)   // descriptor, status
            + (noiseDecorrelation ? n * sizeof(double) + sizeof(int)
                : kept * ((long)nw * nw + nw) * sizeof(double) + kept * (3 * sizeof(int) + (solver == DeviceSolver.Dense ? 2 * sizeof(ulong) : 0)))
            + pixels * (3 * sizeof(double) + sizeof(float))             // chi2, counted, usable; the float32 model
            + (long)rows * ((3 + diagonals) * sizeof(double) + sizeof(float)); // flux, ivar, pixmask, resolution; chi2pix
        return count * perPatch;
    }
}
