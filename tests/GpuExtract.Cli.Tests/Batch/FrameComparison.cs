using GpuExtract.Fits;

namespace GpuExtract.Cli.Tests.Batch;

/// <summary>
/// Whether two frame files hold the same extraction: the same HDUs and header cards (CHECKSUM and
/// DATASUM aside), identical integer and float64 data, and float32 data equal to within one unit in
/// the last place. Why one ulp: the CPU backend's float64 results can differ in their last bits from
/// one run to the next (seen: one RESOLUTION value of 4 frames, by 7e-15), and rounding to float32 can
/// then flip a value by one ulp; anything beyond that is a real difference.
/// </summary>
internal static class FrameComparison
{
    /// <summary>Fails with the first difference found, and counts the float32 values one ulp apart.</summary>
    public static void AssertSameExtraction(string expectedPath, string actualPath)
    {
        if (File.ReadAllBytes(expectedPath).AsSpan().SequenceEqual(File.ReadAllBytes(actualPath)))
        {
            return;
        }
        using FitsFile expected = FitsFile.Open(expectedPath, verifyChecksums: true);
        using FitsFile actual = FitsFile.Open(actualPath, verifyChecksums: true);
        Assert.Equal(expected.Hdus.Count, actual.Hdus.Count);
        for (int h = 0; h < expected.Hdus.Count; h++)
        {
            FitsHdu e = expected.Hdus[h], a = actual.Hdus[h];
            string where = $"{actualPath} HDU {h} ({e.Name})";
            var expectedCards = e.Header.Where(c => c.Key is not ("CHECKSUM" or "DATASUM")).Select(c => $"{c.Key}={c.Value}").ToArray();
            var actualCards = a.Header.Where(c => c.Key is not ("CHECKSUM" or "DATASUM")).Select(c => $"{c.Key}={c.Value}").ToArray();
            Assert.True(expectedCards.SequenceEqual(actualCards), $"{where}: header cards differ");
            if (e.Kind != HduKind.Image || e.Shape.Length == 0)
            {
                continue;
            }
            Assert.Equal(e.Shape, a.Shape);
            if (e.Bitpix == -32)
            {
                float[] x = e.ReadImage<float>(), y = a.ReadImage<float>();
                int oneUlp = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    long distance = Math.Abs(Ordered(x[i]) - Ordered(y[i]));
                    Assert.True(distance <= 1, $"{where}[{i}]: {y[i]:R} vs {x[i]:R} in the one-rank run ({distance} ulp)");
                    oneUlp += (int)distance;
                }
                Assert.True(oneUlp <= x.Length / 100, $"{where}: {oneUlp} of {x.Length} values one ulp apart: more than rounding noise");
            }
            else
            {
                Assert.True(e.ReadImage<double>().SequenceEqual(a.ReadImage<double>()), $"{where}: data differ");
            }
        }
    }

    /// <summary>The float's bits as an integer that orders like the values (so adjacent floats differ by 1).</summary>
    private static long Ordered(float value)
    {
        int bits = BitConverter.SingleToInt32Bits(value);
        return bits < 0 ? (long)int.MinValue - bits : bits;
    }
}
