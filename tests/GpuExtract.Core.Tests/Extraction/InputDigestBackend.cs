using GpuExtract.Core.Extraction;

namespace GpuExtract.Core.Tests.Extraction;

/// <summary>
/// A stand-in backend for tests of the frame driver: instead of solving, it writes into every kept bin a
/// fixed function of what it was handed (the patch's weighted pixel sums, the bin's grid wavelength and fiber,
/// PsfError, Regularize), so two extractions agree only when they gave it the same frame input and patches.
/// It records the frames it began, in order.
/// </summary>
internal sealed class InputDigestBackend : IExtractionBackend
{
    private FrameInput? frame;

    public string Description => "test: input digest";

    /// <summary>Every frame input handed to <see cref="BeginFrame"/>, in order.</summary>
    public List<FrameInput> Begun { get; } = [];

    public void BeginFrame(FrameInput frame)
    {
        frame.RequirePixelCounts();
        this.frame = frame;
        Begun.Add(frame);
    }

    public void Solve(PatchBatch batch, PatchResults results, Action<int>? patchesDone = null)
    {
        FrameInput input = frame ?? throw new InvalidOperationException("Solve before BeginFrame");
        int ndiag = results.DiagonalCount;
        for (int p = 0; p < batch.Count; p++)
        {
            double weighted = 0, weight = 0;
            for (int y = batch.YMin[p]; y < batch.YMax[p]; y++)
            {
                for (int x = batch.XMin[p]; x < batch.XMax[p]; x++)
                {
                    float w = input.Weight[y * input.NPixX + x];
                    weight += w;
                    weighted += w * input.Image[y * input.NPixX + x];
                }
            }
            for (int a = 0; a < batch.KeepFiberCount[p]; a++)
            {
                int fiber = batch.FiberStart[p] + batch.KeepFiberOffset[p] + a;
                for (int c = 0; c < batch.CoreCount[p]; c++)
                {
                    int row = batch.OutputOffset[p] + a * batch.CoreCount[p] + c;
                    int g = batch.WaveStart[p] + batch.CoreOffset[p] + c;
                    results.Flux[row] = weighted / (weight + 1) + 1e-3 * input.GridWavelengths[g] + fiber;
                    results.Ivar[row] = weight / (1 + c) + input.Regularize;
                    results.Chi2Pix[row] = input.PsfError + 0.01 * a;
                    results.PixmaskFraction[row] = (double)c / batch.CoreCount[p];
                    for (int k = 0; k < ndiag; k++)
                    {
                        results.Resolution[(long)row * ndiag + k] = k == ndiag / 2 ? 1 : 0;
                    }
                }
            }
            if (results.Model.Length > 0)
            {
                long at = batch.ModelOffset[p];
                for (int y = batch.YMin[p]; y < batch.YMax[p]; y++)
                {
                    for (int x = batch.XMin[p]; x < batch.XMax[p]; x++)
                    {
                        results.Model[at++] = input.Weight[y * input.NPixX + x] * input.Image[y * input.NPixX + x];
                    }
                }
            }
            patchesDone?.Invoke(1);
        }
    }

    public void Dispose()
    {
    }
}
