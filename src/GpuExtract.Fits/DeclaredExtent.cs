namespace GpuExtract.Fits;

/// <summary>
/// Follows a FITS byte stream as it is inflated and says where the content its headers declare ends:
/// after each header it skips the declared data unit (padded to 2880), and the content ends at the
/// first block after an HDU that does not begin an extension. That block is kept, so the reader still
/// sees (and judges) whatever follows; nothing beyond it is needed. Anything unreadable ends the walk
/// at once: the reader then reports the problem from the bytes kept.
/// </summary>
internal sealed class DeclaredExtent
{
    /// <summary>Longest header followed [blocks]: 36,000 cards, far beyond any real header.</summary>
    private const int MaxHeaderBlocks = 1000;

    private readonly MemoryStream _header = new();
    private long _dataLeft;
    private bool _inData;
    private int _hduIndex;

    /// <summary>True once the declared content and the block after it have been seen.</summary>
    public bool Ended { get; private set; }

    /// <summary>Takes the next inflated bytes; returns how many of them belong to the content (all, until it ends).</summary>
    public int Consume(ReadOnlySpan<byte> bytes)
    {
        int used = 0;
        while (used < bytes.Length && !Ended)
        {
            if (_inData)
            {
                int skip = (int)Math.Min(_dataLeft, bytes.Length - used);
                _dataLeft -= skip;
                used += skip;
                if (_dataLeft == 0)
                {
                    _inData = false;
                    _hduIndex++;
                }
                continue;
            }
            int take = (int)Math.Min(FitsLayout.BlockSize - _header.Length % FitsLayout.BlockSize, bytes.Length - used);
            _header.Write(bytes.Slice(used, take));
            used += take;
            if (_header.Length % FitsLayout.BlockSize == 0)
            {
                EndOfBlock();
            }
        }
        return used;
    }

    private void EndOfBlock()
    {
        ReadOnlySpan<byte> all = _header.GetBuffer().AsSpan(0, (int)_header.Length);
        ReadOnlySpan<byte> block = all[^FitsLayout.BlockSize..];
        if (all.Length == FitsLayout.BlockSize && !block.StartsWith(_hduIndex == 0 ? "SIMPLE  "u8 : "XTENSION"u8))
        {
            // Not (or no longer) FITS: the content ends with this block.
            Ended = true;
            return;
        }
        if (!HasEndCard(block))
        {
            Ended = all.Length >= MaxHeaderBlocks * FitsLayout.BlockSize;
            return;
        }
        long? data = DataLength(all);
        if (data is not long length)
        {
            Ended = true;
            return;
        }
        _header.SetLength(0);
        _dataLeft = length > long.MaxValue - FitsLayout.BlockSize ? long.MaxValue : FitsLayout.Padded(length);
        _inData = _dataLeft > 0;
        if (!_inData)
        {
            _hduIndex++;
        }
    }

    private static bool HasEndCard(ReadOnlySpan<byte> block)
    {
        for (int c = 0; c < FitsLayout.BlockSize; c += FitsLayout.CardLength)
        {
            ReadOnlySpan<byte> card = block.Slice(c, FitsLayout.CardLength);
            if (card.StartsWith("END"u8) && card[3..].IndexOfAnyExcept((byte)' ') < 0)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The declared data length [bytes] of a complete header, or null when it cannot be read.</summary>
    private long? DataLength(ReadOnlySpan<byte> headerBytes)
    {
        try
        {
            using var source = new MemoryByteSource(headerBytes.ToArray(), headerBytes.Length);
            FitsHeader header = HeaderReader.Read(source, 0, "", _hduIndex).Header;
            return FitsHdu.DeclaredDataLength(header, primary: _hduIndex == 0);
        }
        catch (FitsFormatException)
        {
            return null;
        }
    }
}
