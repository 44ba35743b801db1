using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace GpuExtract.Fits;

/// <summary>
/// The FITS checksum convention (FITS Standard 4.0 §J / Seaman, Pence &amp; Rots 2012): the 32-bit
/// ones'-complement sum of the big-endian 32-bit words of a unit, DATASUM as its unsigned decimal
/// value, and CHECKSUM as the 16-character ASCII encoding of the complement of the HDU's sum, which
/// makes the sum of the whole HDU (header + data) equal to −0 (all ones).
/// </summary>
internal static class FitsChecksum
{
    /// <summary>Placeholder CHECKSUM value while the header sum is taken.</summary>
    public const string Placeholder = "0000000000000000";

    /// <summary>
    /// Adds the big-endian 32-bit words of <paramref name="bytes"/> to a running ones'-complement sum;
    /// <see cref="Fold"/> gives the 32-bit result. Trailing bytes (1–3) count as a word padded with
    /// zeros, which is right only at the end of a unit (whose fill is zeros).
    /// </summary>
    /// <remarks>
    /// The ones'-complement sum is the integer sum modulo 2^32 − 1, so it is taken as four byte-lane
    /// sums (vectorised, no byte swap): Σw = 2^24·Σb0 + 2^16·Σb1 + 2^8·Σb2 + Σb3 for bytes b0…b3 of each word.
    /// </remarks>
    public static ulong Accumulate(ulong accumulator, ReadOnlySpan<byte> bytes)
    {
        int whole = bytes.Length & ~3;
        ReadOnlySpan<uint> words = MemoryMarshal.Cast<byte, uint>(bytes[..whole]);
        ulong s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated && words.Length >= Vector<uint>.Count)
        {
            var byteMask = new Vector<uint>(0xFF);
            // Each 32-bit lane gains at most 255 per step: flush to 64 bits well before it could overflow.
            const int batch = 1 << 22;
            while (i + Vector<uint>.Count <= words.Length)
            {
                Vector<uint> a0 = Vector<uint>.Zero, a1 = Vector<uint>.Zero, a2 = Vector<uint>.Zero, a3 = Vector<uint>.Zero;
                int end = (int)Math.Min(words.Length - Vector<uint>.Count, (long)i + (long)batch * Vector<uint>.Count);
                for (; i <= end; i += Vector<uint>.Count)
                {
                    var v = new Vector<uint>(words[i..]);
                    // Little-endian load: the word's first byte (b0, most significant in FITS) is the low byte.
                    a0 += v & byteMask;
                    a1 += (v >> 8) & byteMask;
                    a2 += (v >> 16) & byteMask;
                    a3 += v >> 24;
                }
                s0 += SumLanes(a0);
                s1 += SumLanes(a1);
                s2 += SumLanes(a2);
                s3 += SumLanes(a3);
            }
        }
        for (; i < words.Length; i++)
        {
            uint w = BinaryPrimitives.ReverseEndianness(words[i]);
            s0 += w >> 24;
            s1 += (w >> 16) & 0xFF;
            s2 += (w >> 8) & 0xFF;
            s3 += w & 0xFF;
        }
        int tail = bytes.Length - whole;
        if (tail > 0)
        {
            s0 += bytes[whole];
            s1 += tail > 1 ? bytes[whole + 1] : 0u;
            s2 += tail > 2 ? bytes[whole + 2] : 0u;
        }
        ulong sum = Add(Add(Fold((ulong)Fold(s0) << 24), Fold((ulong)Fold(s1) << 16)), Add(Fold((ulong)Fold(s2) << 8), Fold(s3)));
        return Add(accumulator, sum);
    }

    private static ulong SumLanes(Vector<uint> lanes)
    {
        Vector.Widen(lanes, out Vector<ulong> low, out Vector<ulong> high);
        return Vector.Sum(low + high);
    }

    /// <summary>Ones'-complement addition of two 32-bit sums.</summary>
    public static ulong Add(ulong a, ulong b) => Fold((ulong)Fold(a) + Fold(b));

    /// <summary>End-around carry: folds a 64-bit accumulator into 32 bits.</summary>
    public static uint Fold(ulong sum)
    {
        while ((sum >> 32) != 0)
        {
            sum = (sum & 0xFFFFFFFF) + (sum >> 32);
        }
        return (uint)sum;
    }

    /// <summary>The 16-character CHECKSUM value that brings an HDU whose sum is <paramref name="sum"/> to −0.</summary>
    public static string Encode(uint sum)
    {
        uint value = ~sum;
        ReadOnlySpan<byte> excluded = [0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60];
        Span<byte> ascii = stackalloc byte[16];
        Span<int> ch = stackalloc int[4];
        for (int i = 0; i < 4; i++)
        {
            int b = (int)((value >> ((3 - i) * 8)) & 0xFF);
            int quotient = b / 4 + 0x30;
            int remainder = b % 4;
            ch.Fill(quotient);
            ch[0] += remainder;
            // Move pairs apart until none is ASCII punctuation; each pair keeps its sum.
            bool changed = true;
            while (changed)
            {
                changed = false;
                foreach (byte bad in excluded)
                {
                    for (int j = 0; j < 4; j += 2)
                    {
                        if (ch[j] == bad || ch[j + 1] == bad)
                        {
                            ch[j]++;
                            ch[j + 1]--;
                            changed = true;
                        }
                    }
                }
            }
            for (int j = 0; j < 4; j++)
            {
                ascii[4 * j + i] = (byte)ch[j];
            }
        }
        // The encoding is rotated one character right so it lines up with the 4-byte words of the card.
        Span<char> rotated = stackalloc char[16];
        for (int i = 0; i < 16; i++)
        {
            rotated[i] = (char)ascii[(i + 15) % 16];
        }
        return new string(rotated);
    }
}
