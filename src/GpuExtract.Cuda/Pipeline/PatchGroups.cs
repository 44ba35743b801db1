using GpuExtract.Core.Extraction;

namespace GpuExtract.Cuda.Pipeline;

/// <summary>
/// Cuts a frame's patches into device batches: patches sorted by (fibers, wavelengths) so that a batch pads
/// little, a new batch whenever the fiber count changes (padding 6-fiber patches to 7 fibers would cost
/// (7/6)³ ≈ 1.6 times the work), and at most as many patches as fit in the memory budget, the eigensolver's
/// workspace included.
/// </summary>
internal static class PatchGroups
{
    /// <summary>
    /// Patch index lists, each a batch, covering every patch once. <paramref name="eigenWorkspace"/>(n, count) is the
    /// device memory the eigensolver adds for count n × n blocks [bytes] (<see cref="Device.IComputeDevice.EigenWorkspaceBytes"/>).
    /// With the band solver, <paramref name="reach"/> is the frame's (<see cref="BatchLayout.BandHalfWidth"/>).
    /// </summary>
    public static List<int[]> Cut(PatchBatch batch, long budgetBytes, int maxPatches, int diagonals, bool noiseDecorrelation,
        Func<int, int, long> eigenWorkspace, DeviceSolver solver = DeviceSolver.Dense, int reach = 0)
    {
        int count = batch.Count;
        var order = new int[count];
        var keys = new long[count];
        int kept = 0, rows = 0;
        long pixels = 0;
        for (int p = 0; p < count; p++)
        {
            order[p] = p;
            keys[p] = ((long)batch.FiberCount[p] << 40) | ((long)batch.WaveCount[p] << 20) | (uint)p;
            kept = Math.Max(kept, batch.KeepFiberCount[p]);
            rows = Math.Max(rows, batch.KeepFiberCount[p] * batch.CoreCount[p]);
            pixels = Math.Max(pixels, batch.Box(p).PixelCount);
        }
        Array.Sort(keys, order);

        var batches = new List<int[]>();
        var current = new List<int>();
        int nf = 0, nw = 0;
        foreach (int p in order)
        {
            int nextNf = Math.Max(nf, batch.FiberCount[p]);
            int nextNw = Math.Max(nw, batch.WaveCount[p]);
            bool fiberCountChanges = current.Count > 0 && batch.FiberCount[p] != nf;
            bool full = current.Count >= maxPatches
                || (current.Count > 0 && BatchBytes(current.Count + 1, nextNf, nextNw, kept, rows, pixels, diagonals, noiseDecorrelation, eigenWorkspace, solver, reach) > budgetBytes);
            if (fiberCountChanges || full)
            {
                batches.Add(current.ToArray());
                current.Clear();
                nextNf = batch.FiberCount[p];
                nextNw = batch.WaveCount[p];
            }
            current.Add(p);
            nf = nextNf;
            nw = nextNw;
        }
        if (current.Count > 0)
        {
            batches.Add(current.ToArray());
        }
        return batches;
    }

    private static long BatchBytes(int count, int nf, int nw, int kept, int rows, long pixels, int diagonals, bool noiseDecorrelation,
        Func<int, int, long> eigenWorkspace, DeviceSolver solver, int reach)
    {
        // Noise decorrelation decomposes each patch's whole iCov; signal decorrelation each kept fiber's block.
        long workspace = noiseDecorrelation ? eigenWorkspace(nf * nw, count) : eigenWorkspace(nw, count * kept);
        int kd = BatchLayout.BandHalfWidth(reach, nf, nw);
        return BatchLayout.BytesFor(count, nf, nw, kept, rows, pixels, diagonals, noiseDecorrelation, solver, kd) + workspace;
    }
}
