using GpuExtract.Core.Extraction;

namespace GpuExtract.Core.Tests.Extraction;

/// <summary><see cref="PatchBatch.Select"/>: the chosen patches, field by field, with the source batch's output and model offsets.</summary>
public sealed class PatchBatchSelectTests
{
    [Fact]
    public void Select_CopiesEveryFieldAndKeepsTheSourceOffsets()
    {
        var batch = new PatchBatch(4);
        for (int p = 0; p < 4; p++)
        {
            // Distinct values per field and patch, so a field copied from the wrong place shows.
            batch.FiberStart[p] = 100 + p;
            batch.FiberCount[p] = 3 + p;
            batch.KeepFiberOffset[p] = p % 2;
            batch.KeepFiberCount[p] = 1 + p;
            batch.WaveStart[p] = 10 * p;
            batch.WaveCount[p] = 50 + p;
            batch.CoreOffset[p] = 5 + p;
            batch.CoreCount[p] = 40 - p;
            batch.XMin[p] = 1000 + p;
            batch.XMax[p] = 1040 + p;
            batch.YMin[p] = 2000 + p;
            batch.YMax[p] = 2100 + 2 * p;
        }
        batch.ComputeOffsets();

        PatchBatch subset = batch.Select([3, 1]);

        Assert.Equal(2, subset.Count);
        int[] chosen = [3, 1];
        for (int i = 0; i < chosen.Length; i++)
        {
            int p = chosen[i];
            Assert.Equal(
                (batch.FiberStart[p], batch.FiberCount[p], batch.KeepFiberOffset[p], batch.KeepFiberCount[p], batch.WaveStart[p], batch.WaveCount[p],
                 batch.CoreOffset[p], batch.CoreCount[p], batch.XMin[p], batch.XMax[p], batch.YMin[p], batch.YMax[p]),
                (subset.FiberStart[i], subset.FiberCount[i], subset.KeepFiberOffset[i], subset.KeepFiberCount[i], subset.WaveStart[i], subset.WaveCount[i],
                 subset.CoreOffset[i], subset.CoreCount[i], subset.XMin[i], subset.XMax[i], subset.YMin[i], subset.YMax[i]));
            Assert.Equal(batch.OutputOffset[p], subset.OutputOffset[i]);
            Assert.Equal(batch.ModelOffset[p], subset.ModelOffset[i]);
        }
        // Patch 3's rows start after patches 0-2's: 1·40 + 2·39 + 3·38 = 232.
        Assert.Equal(232, subset.OutputOffset[0]);
        Assert.Equal(batch.OutputCount, subset.OutputCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.Select([4]));
    }
}
