using System.Buffers.Binary;
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
    /// Adds the big-endian 32-bit words of <paramref name="bytes"/> to a running 64-bit accumulator;
    /// <see cref="Fold"/> turns it into the 32-bit ones'-complement sum. Trailing bytes (1–3) count as a
    /// word padded with zeros, which is right only at the end of a unit (whose fill is zeros).
    /// </summary>
    public static ulong Accumulate(ulong accumulator, ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<uint> words = MemoryMarshal.Cast<byte, uint>(bytes[..(bytes.Length & ~3)]);
        ulong a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        int i = 0;
        // Four independent accumulators; 2^32 words of 2^32 each cannot overflow 64 bits per call chunk.
        for (; i + 4 <= words.Length; i += 4)
        {
            a0 += BinaryPrimitives.ReverseEndianness(words[i]);
            a1 += BinaryPrimitives.ReverseEndianness(words[i + 1]);
            a2 += BinaryPrimitives.ReverseEndianness(words[i + 2]);
            a3 += BinaryPrimitives.ReverseEndianness(words[i + 3]);
        }
        for (; i < words.Length; i++)
        {
            a0 += BinaryPrimitives.ReverseEndianness(words[i]);
        }
        int tail = bytes.Length & 3;
        if (tail != 0)
        {
            Span<byte> last = stackalloc byte[4];
            last.Clear();
            bytes[^tail..].CopyTo(last);
            a0 += BinaryPrimitives.ReadUInt32BigEndian(last);
        }
        // Fold each partial so the running total never overflows.
        return Add(Add(Add(Add(accumulator, Fold(a0)), Fold(a1)), Fold(a2)), Fold(a3));
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
