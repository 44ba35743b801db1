using GpuExtract.Testing;

namespace GpuExtract.Fits.Tests;

public class ChecksumTests
{
    [SkippableFact]
    public void Verify_AcceptsAstropyChecksumsOfReferenceFile()
    {
        string? path = TestEnvironment.SharedFile("reference/small-preproc.fits.gz", out string why);
        Skip.If(path is null, why);
        using var file = FitsFile.Open(path, verifyChecksums: true);
        Assert.All(file.Hdus, hdu => Assert.True(hdu.HasChecksum, $"HDU {hdu.Index} has no checksum"));
    }

    [Fact]
    public void Encode_BringsTheSumToNegativeZeroWithoutPunctuation()
    {
        // The defining property of the CHECKSUM encoding: the sum was taken with the placeholder
        // '0000000000000000' in the card, so the 16 encoded characters, summed as 4 big-endian words,
        // must equal the placeholder's words plus the complement of that sum (ones' complement).
        // The value starts in column 12 (byte 11 of an 80-byte card), hence the card-sized buffer.
        uint placeholder = SumAsCardValue("0000000000000000"u8.ToArray());
        foreach (uint sum in new uint[] { 0, 1, 0x12345678, 0xFFFFFFFE, 0x80000000 })
        {
            byte[] ascii = System.Text.Encoding.ASCII.GetBytes(FitsChecksum.Encode(sum));
            uint encoded = SumAsCardValue(ascii);
            uint total = FitsChecksum.Fold(FitsChecksum.Add(encoded, sum));
            Assert.True(total == placeholder, $"sum {sum:X8}: encoding adds to {total:X8}, expected {placeholder:X8}");
            Assert.All(ascii, b => Assert.True(char.IsAsciiLetterOrDigit((char)b), $"character {(char)b} is punctuation"));
        }
    }

    private static uint SumAsCardValue(byte[] value)
    {
        var card = new byte[80];
        value.CopyTo(card, 11);
        return FitsChecksum.Fold(FitsChecksum.Accumulate(0, card));
    }

    [Fact]
    public void Verify_DetectsOneChangedDataByteAndNamesHdu()
    {
        using var stream = new MemoryStream();
        using (var writer = new FitsWriter(stream))
        {
            writer.WriteEmptyPrimary();
            var header = new FitsHeader();
            header.Set("EXTNAME", "FLUX");
            writer.WriteImage(header, Enumerable.Range(0, 1000).Select(i => (float)i).ToArray().AsSpan(), [1000]);
        }
        byte[] bytes = stream.ToArray();
        using (var good = FitsFile.Open(new MemoryStream(bytes), "good.fits", verifyChecksums: true))
        {
            Assert.Equal(2, good.Hdus.Count);
        }
        bytes[bytes.Length - 2 * 2880 + 100] ^= 0x01;
        using var bad = FitsFile.Open(new MemoryStream(bytes), "bad.fits");
        bad[0].VerifyChecksum();
        var error = Assert.Throws<FitsFormatException>(() => bad[1].VerifyChecksum());
        Assert.Contains("HDU 1 (FLUX)", error.Message);
        Assert.Contains("DATASUM", error.Message);
        Assert.Equal(1, error.HduIndex);
        Assert.Equal("FLUX", error.HduName);
    }

    [Fact]
    public void Accumulate_MatchesWordByWordOnesComplementAddition()
    {
        // Reference: the convention's definition, one big-endian word at a time with end-around carry.
        static uint Reference(byte[] bytes)
        {
            uint sum = 0;
            for (int i = 0; i < bytes.Length; i += 4)
            {
                uint word = 0;
                for (int b = 0; b < 4; b++)
                {
                    word = (word << 8) | (i + b < bytes.Length ? bytes[i + b] : 0u);
                }
                ulong total = (ulong)sum + word;
                sum = (uint)((total & 0xFFFFFFFF) + (total >> 32));
            }
            return sum;
        }

        var random = new Random(3);
        foreach (int length in new[] { 0, 1, 3, 4, 31, 32, 33, 100, 4097, 1 << 20, (1 << 20) + 7 })
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            if (length == 4097)
            {
                bytes.AsSpan().Fill(0xFF);   // many all-ones words: the −0 representation
            }
            uint expected = Reference(bytes);
            uint actual = FitsChecksum.Fold(FitsChecksum.Accumulate(0, bytes));
            Assert.True(expected == actual, $"length {length}: ours {actual:X8}, word-by-word {expected:X8}");
            // Split into two calls at an arbitrary multiple of 4: same sum.
            int cut = length / 8 * 4;
            uint split = FitsChecksum.Fold(FitsChecksum.Accumulate(FitsChecksum.Accumulate(0, bytes.AsSpan(0, cut)), bytes.AsSpan(cut)));
            Assert.True(expected == split, $"length {length} split at {cut}: {split:X8} vs {expected:X8}");
        }
    }
}
