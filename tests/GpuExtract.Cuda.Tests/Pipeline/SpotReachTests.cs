namespace GpuExtract.Cuda.Tests.Pipeline;

/// <summary>
/// <see cref="SpotReach.Compute"/> against a hand-worked frame and against a brute-force search over all pairs of spots
/// (a second algorithm: no ordering, no early stop).
/// </summary>
public sealed class SpotReachTests
{
    /// <summary>Spot geometry of a frame, spot index fiber·grid + g.</summary>
    private sealed record Geometry(int Fibers, int Grid, int[] XMin, int[] YMin, int[] Rows, int[] Cols)
    {
        public static Geometry Empty(int fibers, int grid) =>
            new(fibers, grid, new int[fibers * grid], new int[fibers * grid], new int[fibers * grid], new int[fibers * grid]);

        public void Set(int fiber, int g, int x0, int x1, int y0, int y1)
        {
            int s = fiber * Grid + g;
            (XMin[s], Cols[s], YMin[s], Rows[s]) = (x0, x1 - x0, y0, y1 - y0);
        }

        public int? Reach(int span) => SpotReach.Compute(XMin, YMin, Rows, Cols, Fibers, Grid, span);

        /// <summary>Every pair of non-empty spots, in any order.</summary>
        public int BruteForce(int span)
        {
            int reach = 0;
            for (int a = 0; a < Fibers * Grid; a++)
            {
                for (int b = 0; b < Fibers * Grid; b++)
                {
                    if (Rows[a] == 0 || Cols[a] == 0 || Rows[b] == 0 || Cols[b] == 0 || Math.Abs(a / Grid - b / Grid) >= span)
                    {
                        continue;
                    }
                    bool x = Math.Max(XMin[a], XMin[b]) < Math.Min(XMin[a] + Cols[a], XMin[b] + Cols[b]);
                    bool y = Math.Max(YMin[a], YMin[b]) < Math.Min(YMin[a] + Rows[a], YMin[b] + Rows[b]);
                    if (x && y)
                    {
                        reach = Math.Max(reach, Math.Abs(a % Grid - b % Grid));
                    }
                }
            }
            return reach;
        }
    }

    /// <summary>
    /// Fiber 0: four stamps stacked without overlap (rows [0,2), [2,4), [4,6), [6,8), columns [0,3)); fiber 1: one tall stamp
    /// (rows [0,8)) at g = 0, two empty spots (one with a ymin that would be out of order if empty spots counted), and
    /// rows [8,10) at g = 3, columns [2,5). Within a fiber nothing at different g overlaps (D = 0 for F = 1); across the
    /// fibers (one shared column) the tall stamp reaches fiber 0's g = 3: D = 3 for F = 2. Columns moved apart: D = 0.
    /// </summary>
    [Fact]
    public void Reach_HandWorkedFrame()
    {
        Geometry frame = Hand(fiberOneColumn: 2);
        Assert.Equal(0, frame.Reach(1));
        Assert.Equal(3, frame.Reach(2));
        Assert.Equal(3, frame.Reach(7));
        Assert.Equal(0, Hand(fiberOneColumn: 3).Reach(2));

        // A fiber whose stamps step back in y: the ordered scan is not valid, and the frame has no reach.
        Geometry unordered = Hand(fiberOneColumn: 2);
        unordered.Set(0, 2, 0, 3, 1, 3);
        Assert.Null(unordered.Reach(2));
        Assert.Null(unordered.Reach(1));
    }

    private static Geometry Hand(int fiberOneColumn)
    {
        Geometry frame = Geometry.Empty(2, 4);
        for (int g = 0; g < 4; g++)
        {
            frame.Set(0, g, 0, 3, 2 * g, 2 * g + 2);
        }
        frame.Set(1, 0, fiberOneColumn, fiberOneColumn + 3, 0, 8);
        frame.Set(1, 3, fiberOneColumn, fiberOneColumn + 3, 8, 10);
        // Empty spots: rows or columns 0, wherever they claim to be.
        frame.Set(1, 1, fiberOneColumn, fiberOneColumn + 3, -5, -5);
        frame.Set(1, 2, fiberOneColumn, fiberOneColumn, 100, 104);
        return frame;
    }

    /// <summary>
    /// Random frames of 7 fibers × 60 grid steps: stamps of 2–7 rows and 2–6 columns whose origins advance 0–3 rows a step
    /// (so stamps several steps apart overlap), fibers 3 columns apart with 0–2 columns of jitter (so neighbours overlap
    /// sometimes), a tenth of the spots empty with a random origin. Compared with the brute force for every fiber span.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Reach_EqualsTheBruteForceSearch(int seed)
    {
        var random = new Random(seed);
        Geometry frame = Geometry.Empty(7, 60);
        for (int f = 0; f < frame.Fibers; f++)
        {
            int y = random.Next(0, 5);
            for (int g = 0; g < frame.Grid; g++)
            {
                y += random.Next(0, 4);
                int x = 3 * f + random.Next(0, 3);
                if (random.Next(10) == 0)
                {
                    int s = f * frame.Grid + g;
                    (frame.XMin[s], frame.YMin[s]) = (random.Next(0, 30), random.Next(-10, 300));
                    (frame.Rows[s], frame.Cols[s]) = random.Next(2) == 0 ? (0, 3) : (4, 0);
                    continue;
                }
                frame.Set(f, g, x, x + random.Next(2, 7), y, y + random.Next(2, 8));
            }
        }
        int widest = 0;
        for (int span = 1; span <= frame.Fibers + 1; span++)
        {
            int expected = frame.BruteForce(span);
            Assert.Equal(expected, frame.Reach(span));
            widest = Math.Max(widest, expected);
        }
        // The frames are meant to have stamps that overlap several steps apart; a reach of 0 or 1 would test little.
        Assert.True(widest >= 2, $"brute-force reach {widest}");
    }

    [Fact]
    public void Reach_RefusesGeometryShorterThanTheFrame()
    {
        Geometry frame = Geometry.Empty(2, 4);
        Assert.Throws<ArgumentException>(() => SpotReach.Compute(frame.XMin, frame.YMin, frame.Rows, frame.Cols, 3, 4, 2));
    }
}
