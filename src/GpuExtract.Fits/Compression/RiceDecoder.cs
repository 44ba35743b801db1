namespace GpuExtract.Fits.Compression;

/// <summary>
/// Decodes the Rice (RICE_1) tile compression of the FITS tiled-image convention (FITS Standard 4.0
/// §10.4.1; White, Greenfield, Pence &amp; Tody 2013): the first value verbatim in BYTEPIX bytes, then
/// blocks of BLOCKSIZE pixel differences, each block led by a code k+1 in 3/4/5 bits
/// (BYTEPIX 1/2/4): 0 = all differences zero, the maximum = differences stored verbatim, else each
/// difference as a unary quotient and k low bits. Differences are zig-zag mapped
/// (0, −1, 1, −2 … → 0, 1, 2, 3 …) and accumulate in the BYTEPIX-wide integer type.
/// </summary>
internal static class RiceDecoder
{
    /// <summary>Decodes <paramref name="output"/>.Length pixels; throws <see cref="InvalidDataException"/> when the stream is too short or malformed.</summary>
    public static void Decode(ReadOnlySpan<byte> input, int bytePix, int blockSize, Span<int> output)
    {
        (int codeBits, int verbatimK, int valueBits) = bytePix switch
        {
            1 => (3, 6, 8),
            2 => (4, 14, 16),
            4 => (5, 25, 32),
            _ => throw new InvalidDataException($"RICE_1 BYTEPIX {bytePix} is not 1, 2 or 4"),
        };
        if (blockSize <= 0)
        {
            throw new InvalidDataException($"RICE_1 BLOCKSIZE {blockSize} is not positive");
        }
        if (output.Length == 0)
        {
            return;
        }
        var bits = new BitReader(input);
        uint last = bits.Read(valueBits);
        int i = 0;
        while (i < output.Length)
        {
            int k = (int)bits.Read(codeBits) - 1;
            int end = Math.Min(output.Length, i + blockSize);
            if (k < 0)
            {
                // Low-entropy block: every difference is zero.
                int value = Narrow(last, bytePix);
                output[i..end].Fill(value);
                i = end;
                continue;
            }
            if (k > verbatimK)
            {
                throw new InvalidDataException($"RICE_1 block code {k + 1} exceeds {verbatimK + 1}");
            }
            for (; i < end; i++)
            {
                uint mapped = k == verbatimK
                    ? bits.Read(valueBits)
                    : ((uint)bits.CountZerosBeforeOne() << k) | bits.Read(k);
                uint difference = (mapped & 1) == 0 ? mapped >> 1 : ~(mapped >> 1);
                last = unchecked(last + difference);
                output[i] = Narrow(last, bytePix);
            }
        }
    }

    /// <summary>The running value wrapped to the BYTEPIX-wide type (unsigned for bytes, signed otherwise), as cfitsio stores it.</summary>
    private static int Narrow(uint value, int bytePix) => bytePix switch
    {
        1 => (byte)value,
        2 => (short)value,
        _ => unchecked((int)value),
    };

    /// <summary>Most-significant-bit-first reader over a byte span; reading past the end throws.</summary>
    private ref struct BitReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;
        private ulong _buffer;
        private int _count;

        /// <summary>The next <paramref name="n"/> bits (0 ≤ n ≤ 32) as an unsigned number.</summary>
        public uint Read(int n)
        {
            if (n == 0)
            {
                return 0;
            }
            while (_count < n)
            {
                if (_position >= _data.Length)
                {
                    throw new InvalidDataException("RICE_1 stream ends before the tile is complete");
                }
                _buffer = (_buffer << 8) | _data[_position++];
                _count += 8;
            }
            _count -= n;
            return (uint)((_buffer >> _count) & ((1UL << n) - 1));
        }

        /// <summary>Counts 0 bits up to and consuming the next 1 bit (the unary quotient).</summary>
        public int CountZerosBeforeOne()
        {
            int zeros = 0;
            while (true)
            {
                ulong bits = _count == 0 ? 0 : _buffer & ((1UL << _count) - 1);
                if (bits != 0)
                {
                    int highest = 63 - System.Numerics.BitOperations.LeadingZeroCount(bits);
                    zeros += _count - 1 - highest;
                    _count = highest;
                    return zeros;
                }
                zeros += _count;
                if (_position >= _data.Length)
                {
                    throw new InvalidDataException("RICE_1 stream ends inside a unary code");
                }
                _buffer = _data[_position++];
                _count = 8;
            }
        }
    }
}
