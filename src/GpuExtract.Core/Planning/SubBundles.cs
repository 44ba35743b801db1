namespace GpuExtract.Core.Planning;

/// <summary>
/// How a bundle is divided into subbundles, as the reference's <c>split_bundle</c> does it:
/// sizes from numpy's <c>array_split</c>, one left-to-right pass that moves a larger size past a
/// smaller right neighbour, and each subbundle fitted with one extra fiber on each side inside the bundle.
/// </summary>
public static class SubBundles
{
    /// <summary>
    /// Splits fibers 0 … bundleSize−1 into <paramref name="count"/> subbundles.
    /// Returns, per subbundle, its own fibers (Own) and the fibers fitted with it (Fitted), both as
    /// (first, count) relative to the bundle's first fiber.
    /// </summary>
    public static (int First, int Count)[] Own(int bundleSize, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, bundleSize);
        var sizes = new int[count];
        for (int i = 0; i < count; i++)
        {
            // array_split: the first (n mod count) parts get one more.
            sizes[i] = bundleSize / count + (i < bundleSize % count ? 1 : 0);
        }
        for (int i = 0; i < count - 1; i++)
        {
            if (sizes[i] > sizes[i + 1])
            {
                (sizes[i], sizes[i + 1]) = (sizes[i + 1], sizes[i]);
            }
        }
        var own = new (int, int)[count];
        int first = 0;
        for (int i = 0; i < count; i++)
        {
            own[i] = (first, sizes[i]);
            first += sizes[i];
        }
        return own;
    }

    /// <summary>The fibers fitted with subbundle (first, count): one more on each side that stays inside the bundle.</summary>
    public static (int First, int Count) Fitted((int First, int Count) own, int bundleSize)
    {
        int lo = Math.Max(own.First - 1, 0);
        int hi = Math.Min(own.First + own.Count + 1, bundleSize);
        return (lo, hi - lo);
    }
}
