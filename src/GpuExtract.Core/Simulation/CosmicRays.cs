using GpuExtract.Core.Planning;

namespace GpuExtract.Core.Simulation;

/// <summary>
/// Cosmic-ray hits as the reference's bundle0 has them: short straight tracks of 1–4 pixels in one of
/// the 8 directions, each pixel receiving 300–5000 electrons, placed uniformly over a pixel box.
/// </summary>
public static class CosmicRays
{
    /// <summary>Charge range per hit pixel [electron].</summary>
    public const double MinCharge = 300, MaxCharge = 5000;

    /// <summary>Track length range [pixel].</summary>
    public const int MinLength = 1, MaxLength = 4;

    /// <summary>One hit pixel: CCD column, row and deposited charge [electron].</summary>
    public readonly record struct Deposit(int X, int Y, double Charge);

    /// <summary>
    /// <paramref name="count"/> tracks inside <paramref name="region"/>, drawn from <paramref name="random"/>;
    /// pixels of a track that leave the region are dropped, and a pixel hit twice gets both charges.
    /// </summary>
    public static List<Deposit> Generate(ref RandomStream random, int count, PixelBox region)
    {
        var deposits = new List<Deposit>(count * 3);
        if (region.PixelCount == 0)
        {
            return deposits;
        }
        for (int hit = 0; hit < count; hit++)
        {
            int x = random.NextInt(region.XMin, region.XMax);
            int y = random.NextInt(region.YMin, region.YMax);
            int length = random.NextInt(MinLength, MaxLength + 1);
            int direction = random.NextInt(0, 8);
            // The 8 neighbours, counter-clockwise from +x.
            int dx = direction switch { 0 or 1 or 7 => 1, 3 or 4 or 5 => -1, _ => 0 };
            int dy = direction switch { 1 or 2 or 3 => 1, 5 or 6 or 7 => -1, _ => 0 };
            for (int step = 0; step < length; step++)
            {
                int px = x + step * dx, py = y + step * dy;
                double charge = random.NextDouble(MinCharge, MaxCharge);
                if (px >= region.XMin && px < region.XMax && py >= region.YMin && py < region.YMax)
                {
                    deposits.Add(new Deposit(px, py, charge));
                }
            }
        }
        return deposits;
    }
}
