using System.Numerics;

namespace GpuExtract.Fits.Compression;

/// <summary>
/// Rice (RICE_1) coding of one tile, the inverse of <see cref="RiceDecoder"/> (FITS Standard 4.0
/// §10.4.1; Rice, Yeh &amp; Miller 1993; White, Greenfield, Pence &amp; Tody 2013): the first pixel
/// verbatim in BYTEPIX bytes, then for each block of BLOCKSIZE pixels the differences from the
/// previous pixel (wrapping in the BYTEPIX-wide integer), zig-zag mapped to unsigned
/// (0, −1, 1, −2 … → 0, 1, 2, 3 …), coded with the cheapest of: a zero code (all differences 0),
/// a split k (unary quotient m ≫ k, then the k low bits) for k = 0 … kmax−1, or the values verbatim.
/// The block code (3/4/5 bits for BYTEPIX 1/2/4) is 0, k + 1 or kmax + 1 respectively.
/// </summary>
internal static class RiceEncoder
{
    /// <summary>(code bits, kmax = verbatim marker − 1, value bits) of a BYTEPIX, as the decoder expects.</summary>
    private static (int CodeBits, int VerbatimK, int ValueBits) Parameters(int bytePix) => bytePix switch
    {
        1 => (3, 6, 8),
        2 => (4, 14, 16),
        4 => (5, 25, 32),
        _ => throw new ArgumentOutOfRangeException(nameof(bytePix), bytePix, "RICE_1 BYTEPIX must be 1, 2 or 4"),
    };

    /// <summary>Upper bound of the encoded length [bytes] of <paramref name="count"/> pixels: every block verbatim.</summary>
    public static int MaxEncodedLength(int count, int bytePix, int blockSize)
    {
        var (codeBits, _, valueBits) = Parameters(bytePix);
        long blocks = (count + blockSize - 1) / blockSize;
        long bits = valueBits + blocks * codeBits + (long)count * valueBits;
        return checked((int)((bits + 7) / 8));
    }

    /// <summary>
    /// Encodes <paramref name="values"/> (byte: BYTEPIX 1, unsigned; short: 2; int: 4) into
    /// <paramref name="output"/> (at least <see cref="MaxEncodedLength"/> bytes); returns the length.
    /// </summary>
    public static int Encode<T>(ReadOnlySpan<T> values, int blockSize, Span<byte> output)
        where T : unmanaged, IBinaryInteger<T>
    {
        int bytePix = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var (codeBits, verbatimK, valueBits) = Parameters(bytePix);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        if (values.IsEmpty)
        {
            return 0;
        }
        var bits = new BitWriter(output);
        bits.Write(Bits(values[0]), valueBits);
        Span<uint> mapped = stackalloc uint[Math.Min(blockSize, 4096)];
        if (blockSize > mapped.Length)
        {
            mapped = new uint[blockSize];
        }
        T last = values[0];
        for (int start = 0; start < values.Length; start += blockSize)
        {
            int n = Math.Min(blockSize, values.Length - start);
            ReadOnlySpan<T> pixels = values.Slice(start, n);
            if (!pixels.ContainsAnyExcept(last))
            {
                // Low-entropy block (vectorised test): every difference is zero.
                bits.Write(0, codeBits);
                continue;
            }
            Span<uint> block = mapped[..n];
            ulong sum = 0;
            for (int i = 0; i < n; i++)
            {
                T value = pixels[i];
                block[i] = ZigZag(value - last);
                last = value;
                sum += block[i];
            }
            int k = CheapestSplit(block, sum, verbatimK, out ulong splitBits);
            if (splitBits >= (ulong)n * (ulong)valueBits)
            {
                // Verbatim is no longer than any split: the marker, then the mapped values as they are.
                bits.Write((uint)verbatimK + 1, codeBits);
                foreach (uint m in block)
                {
                    bits.Write(m, valueBits);
                }
                continue;
            }
            bits.Write((uint)k + 1, codeBits);
            uint lowMask = (1u << k) - 1;
            foreach (uint m in block)
            {
                bits.WriteUnary(m >> k);
                bits.Write(m & lowMask, k);
            }
        }
        return bits.Finish();
    }

    /// <summary>The value's bits as an unsigned number of its width.</summary>
    private static uint Bits<T>(T value) where T : unmanaged, IBinaryInteger<T> => uint.CreateTruncating(value) & (uint.MaxValue >> (32 - 8 * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()));

    /// <summary>
    /// A difference wrapped to the pixel type, read as signed (bytes too: RICE_1 BYTEPIX 1 differences
    /// are taken modulo 256), zig-zag mapped to unsigned: 0, −1, 1, −2 … → 0, 1, 2, 3 ….
    /// </summary>
    private static uint ZigZag<T>(T difference) where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) == typeof(byte))
        {
            sbyte d = sbyte.CreateTruncating(difference);
            return (byte)((d << 1) ^ (d >> 7));
        }
        if (typeof(T) == typeof(short))
        {
            short d = short.CreateTruncating(difference);
            return (ushort)((d << 1) ^ (d >> 15));
        }
        int w = int.CreateTruncating(difference);
        return (uint)((w << 1) ^ (w >> 31));
    }

    /// <summary>
    /// The split k ∈ [0, kmax) with the fewest bits, n·(k + 1) + Σ (m ≫ k). That count is convex in k
    /// (each step up saves Σ ⌈(m ≫ k)/2⌉, which shrinks with k, and costs n), so a descent from
    /// k ≈ log2(mean) finds the exact minimum in a few evaluations.
    /// </summary>
    private static int CheapestSplit(ReadOnlySpan<uint> block, ulong sum, int verbatimK, out ulong bestBits)
    {
        ulong mean = sum / (ulong)block.Length;
        int k = Math.Min(mean == 0 ? 0 : BitOperations.Log2(mean), verbatimK - 1);
        bestBits = SplitBits(block, k);
        while (k > 0)
        {
            ulong lower = SplitBits(block, k - 1);
            if (lower > bestBits)
            {
                break;
            }
            bestBits = lower;
            k--;
        }
        while (k < verbatimK - 1)
        {
            ulong higher = SplitBits(block, k + 1);
            if (higher >= bestBits)
            {
                break;
            }
            bestBits = higher;
            k++;
        }
        return k;
    }

    private static ulong SplitBits(ReadOnlySpan<uint> block, int k)
    {
        ulong bits = (ulong)block.Length * (ulong)(k + 1);
        foreach (uint m in block)
        {
            bits += m >> k;
        }
        return bits;
    }

    /// <summary>Most-significant-bit-first writer; the last byte is padded with zero bits.</summary>
    private ref struct BitWriter(Span<byte> output)
    {
        private readonly Span<byte> _output = output;
        private int _position;
        private ulong _buffer;
        private int _count;

        /// <summary>Appends the low <paramref name="n"/> bits (0 ≤ n ≤ 32) of <paramref name="value"/>.</summary>
        public void Write(uint value, int n)
        {
            if (n == 0)
            {
                return;
            }
            _buffer = (_buffer << n) | (value & (uint)((1UL << n) - 1));
            _count += n;
            while (_count >= 8)
            {
                _count -= 8;
                _output[_position++] = (byte)(_buffer >> _count);
            }
        }

        /// <summary>Appends <paramref name="zeros"/> 0 bits and a 1 (the unary quotient).</summary>
        public void WriteUnary(uint zeros)
        {
            while (zeros >= 32)
            {
                Write(0, 32);
                zeros -= 32;
            }
            Write(1, (int)zeros + 1);
        }

        /// <summary>Flushes the partial byte; returns the bytes written.</summary>
        public int Finish()
        {
            if (_count > 0)
            {
                _output[_position++] = (byte)(_buffer << (8 - _count));
                _count = 0;
            }
            return _position;
        }
    }
}
