using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;

namespace GpuExtract.Qa;

/// <summary>Which fibers a frame holds, and which of them the figures show by default.</summary>
public static class FrameFibers
{
    /// <summary>Row of absolute fiber <paramref name="fiber"/> in the frame's arrays.</summary>
    /// <exception cref="ExtractionInputException">the frame does not hold that fiber.</exception>
    public static int IndexOf(Frame frame, int fiber)
    {
        int spec = fiber - frame.SpecMin;
        if (spec < 0 || spec >= frame.NSpec)
        {
            throw new ExtractionInputException($"fiber {fiber} is not in the frame (fibers {frame.SpecMin}-{frame.SpecMin + frame.NSpec - 1})");
        }
        return spec;
    }

    /// <summary>The first, middle and last fiber of the frame (fewer when it has fewer).</summary>
    public static int[] Default(Frame frame)
    {
        int first = frame.SpecMin, last = frame.SpecMin + frame.NSpec - 1;
        return new[] { first, first + (frame.NSpec - 1) / 2, last }.Distinct().ToArray();
    }

    /// <summary>"fiber 3", "fibers 0, 12, 24" or "fibers 0-24" for titles.</summary>
    public static string Describe(IReadOnlyList<int> fibers)
    {
        if (fibers.Count == 1)
        {
            return $"fiber {fibers[0]}";
        }
        bool contiguous = fibers.Count > 3;
        for (int i = 1; i < fibers.Count && contiguous; i++)
        {
            contiguous = fibers[i] == fibers[i - 1] + 1;
        }
        return contiguous ? $"fibers {fibers[0]}-{fibers[^1]}" : $"fibers {string.Join(", ", fibers)}";
    }

    /// <summary>All the frame's fibers, for titles: "fibers 0-24".</summary>
    public static string DescribeAll(Frame frame) =>
        frame.NSpec == 1 ? $"fiber {frame.SpecMin}" : $"fibers {frame.SpecMin}-{frame.SpecMin + frame.NSpec - 1}";
}
