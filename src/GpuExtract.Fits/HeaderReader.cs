using System.Buffers;
using System.Text;

namespace GpuExtract.Fits;

/// <summary>
/// Reads one header from a <see cref="ByteSource"/>: 2880-byte blocks of 80-character cards up to
/// END, joined CONTINUE strings, with the header's byte length. The number of blocks read is bounded
/// by the source's length, so a file without END costs at most its own size.
/// </summary>
internal static class HeaderReader
{
    /// <summary>A parsed header and where it lies.</summary>
    public readonly record struct HeaderUnit(FitsHeader Header, long Offset, long Length);

    /// <summary>Reads the header at <paramref name="offset"/>; throws when it is truncated or has no END.</summary>
    public static HeaderUnit Read(ByteSource source, long offset, string fileName, int hduIndex)
    {
        var header = new FitsHeader { FileName = fileName, HduIndex = hduIndex };
        byte[] block = ArrayPool<byte>.Shared.Rent(FitsLayout.BlockSize);
        Span<char> card = stackalloc char[FitsLayout.CardLength];
        try
        {
            long position = offset;
            int cardNumber = 0;
            int continuedIndex = -1;
            while (true)
            {
                // The pooled block may hold an earlier header: a short file must not be judged by it.
                block.AsSpan(0, FitsLayout.BlockSize).Clear();
                if (!source.TryReadExactly(position, block.AsSpan(0, FitsLayout.BlockSize)))
                {
                    if (hduIndex == 0 && cardNumber == 0 && !block.AsSpan(0, 10).SequenceEqual("SIMPLE  = "u8))
                    {
                        throw new FitsFormatException("not a FITS file: it is shorter than one 2880-byte block and does not start with SIMPLE", fileName, hduIndex, null, 0);
                    }
                    throw new FitsFormatException(
                        cardNumber == 0 ? "file ends inside a header block (truncated file?)" : $"header has no END card before the end of the file (after card {cardNumber})",
                        fileName, hduIndex, header.HduName, position);
                }
                for (int c = 0; c < FitsLayout.BlockSize / FitsLayout.CardLength; c++)
                {
                    cardNumber++;
                    ReadOnlySpan<byte> bytes = block.AsSpan(c * FitsLayout.CardLength, FitsLayout.CardLength);
                    Encoding.Latin1.GetChars(bytes, card);
                    if (cardNumber == 1)
                    {
                        CheckFirstCard(card, fileName, hduIndex, position);
                    }
                    if (IsEnd(card))
                    {
                        long length = position + FitsLayout.BlockSize - offset;
                        return new HeaderUnit(header, offset, length);
                    }
                    CardParser.ParsedCard parsed = CardParser.Parse(card);
                    if (parsed.IsContinue && continuedIndex >= 0)
                    {
                        FitsCard previous = header[continuedIndex];
                        string head = (string)previous.Value!;
                        string joined = head[..^1] + (string)parsed.Value!;
                        string? comment = JoinComments(previous.Comment, parsed.Comment);
                        header.Replace(continuedIndex, previous with { Value = joined, Comment = comment });
                        continuedIndex = joined.EndsWith('&') ? continuedIndex : -1;
                        continue;
                    }
                    var fitsCard = parsed.IsContinue
                        ? new FitsCard("CONTINUE", parsed.Value, parsed.Comment)
                        : new FitsCard(parsed.Key, parsed.Value, parsed.Comment);
                    header.Append(fitsCard, cardNumber);
                    continuedIndex = parsed.Value is string text && text.EndsWith('&') && !fitsCard.IsCommentary && fitsCard.Key != "CONTINUE"
                        ? header.Count - 1
                        : -1;
                    if (parsed.Key == "EXTNAME" && parsed.Value is string name)
                    {
                        header.HduName = name.Trim();
                    }
                }
                position += FitsLayout.BlockSize;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    private static bool IsEnd(ReadOnlySpan<char> card) =>
        card.StartsWith("END") && card[3..].IsWhiteSpace();

    private static void CheckFirstCard(ReadOnlySpan<char> card, string fileName, int hduIndex, long position)
    {
        ReadOnlySpan<char> expected = hduIndex == 0 ? "SIMPLE  = " : "XTENSION= ";
        if (!card.StartsWith(expected))
        {
            string found = new string(card[..Math.Min(20, card.Length)]).TrimEnd();
            throw new FitsFormatException(
                hduIndex == 0 ? $"not a FITS file: first card is '{Printable(found)}', not SIMPLE" : $"extension header does not start with XTENSION (found '{Printable(found)}')",
                fileName, hduIndex, null, position);
        }
    }

    private static string Printable(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            builder.Append(c < 0x20 || c > 0x7E ? '?' : c);
        }
        return builder.ToString();
    }

    private static string? JoinComments(string? first, string? second) =>
        string.IsNullOrEmpty(first) ? second : string.IsNullOrEmpty(second) ? first : first + " " + second;
}
