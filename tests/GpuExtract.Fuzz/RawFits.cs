using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace GpuExtract.Fuzz;

/// <summary>
/// The byte layout of an uncompressed FITS file, read independently of GpuExtract.Fits so that mutations
/// can target it even where that reader would refuse it: per HDU, where each header card and the data
/// start, and the cells of a binary-table column. Only what the mutations need.
/// </summary>
public sealed class RawFits
{
    private const int Block = 2880;
    private const int Card = 80;

    private RawFits(List<RawHdu> hdus) => Hdus = hdus;

    /// <summary>The HDUs found before the first unreadable header.</summary>
    public IReadOnlyList<RawHdu> Hdus { get; }

    /// <summary>Parses <paramref name="bytes"/>; stops at the first header without END.</summary>
    public static RawFits Parse(byte[] bytes)
    {
        var hdus = new List<RawHdu>();
        long offset = 0;
        while (offset + Block <= bytes.Length)
        {
            var cards = new Dictionary<string, long>(StringComparer.Ordinal);
            long at = offset;
            bool end = false;
            while (at + Card <= bytes.Length)
            {
                string key = Encoding.ASCII.GetString(bytes, (int)at, 8).TrimEnd();
                if (key == "END")
                {
                    end = true;
                    break;
                }
                cards.TryAdd(key, at);
                at += Card;
            }
            if (!end)
            {
                break;
            }
            long dataStart = (at / Block + 1) * Block;
            var hdu = new RawHdu(bytes, offset, dataStart, cards);
            hdus.Add(hdu);
            long dataBytes = hdu.DataBytes;
            if (dataBytes < 0)
            {
                break;
            }
            offset = dataStart + (dataBytes + Block - 1) / Block * Block;
        }
        return new RawFits(hdus);
    }

    /// <summary>The HDU whose EXTNAME is <paramref name="name"/>, or null.</summary>
    public RawHdu? Find(string name) => Hdus.FirstOrDefault(h => h.Text("EXTNAME") == name);
}

/// <summary>One HDU of a <see cref="RawFits"/>: card offsets, values and the data's place.</summary>
public sealed class RawHdu(byte[] bytes, long headerStart, long dataStart, IReadOnlyDictionary<string, long> cards)
{
    /// <summary>Byte offset of the header.</summary>
    public long HeaderStart { get; } = headerStart;

    /// <summary>Byte offset of the data.</summary>
    public long DataStart { get; } = dataStart;

    /// <summary>Byte offset of each keyword's card (first occurrence).</summary>
    public IReadOnlyDictionary<string, long> Cards { get; } = cards;

    /// <summary>Bytes of data the header declares, or −1 when it does not parse.</summary>
    public long DataBytes
    {
        get
        {
            long? bitpix = Integer("BITPIX");
            long? naxis = Integer("NAXIS");
            if (bitpix is null || naxis is null || naxis < 0 || naxis > 999)
            {
                return -1;
            }
            if (naxis == 0)
            {
                return 0;
            }
            long count = 1;
            for (int i = 1; i <= naxis; i++)
            {
                long? n = Integer($"NAXIS{i}");
                if (n is null || n < 0)
                {
                    return -1;
                }
                count = checked(count * n.Value);
            }
            long pcount = Integer("PCOUNT") ?? 0;
            long gcount = Integer("GCOUNT") ?? 1;
            return Math.Abs(bitpix.Value) / 8 * gcount * (pcount + count);
        }
    }

    /// <summary>The value text of a card (between '=' and any '/' comment), trimmed, quotes removed.</summary>
    public string? Text(string key)
    {
        if (!Cards.TryGetValue(key, out long at))
        {
            return null;
        }
        string card = Encoding.ASCII.GetString(bytes, (int)at, 80);
        if (card.Length < 10 || card[8] != '=')
        {
            return null;
        }
        string value = card[10..];
        if (value.TrimStart().StartsWith('\''))
        {
            int open = value.IndexOf('\'');
            int close = value.IndexOf('\'', open + 1);
            return close > open ? value[(open + 1)..close].Trim() : value.Trim();
        }
        int slash = value.IndexOf('/');
        return (slash >= 0 ? value[..slash] : value).Trim();
    }

    /// <summary>An integer card's value, or null.</summary>
    public long? Integer(string key) =>
        long.TryParse(Text(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : null;

    /// <summary>Byte offset of cell (row, element) of a binary-table column, or −1 when the column is absent.</summary>
    public long CellOffset(string column, int row, int element)
    {
        long? tfields = Integer("TFIELDS");
        long? rowBytes = Integer("NAXIS1");
        if (tfields is null || rowBytes is null)
        {
            return -1;
        }
        long within = 0;
        for (int i = 1; i <= tfields; i++)
        {
            var (repeat, size) = Format(Text($"TFORM{i}") ?? "");
            if (Text($"TTYPE{i}") == column)
            {
                return element < repeat ? DataStart + row * rowBytes.Value + within + element * size : -1;
            }
            within += repeat * size;
        }
        return -1;
    }

    /// <summary>Writes a big-endian float64 at <paramref name="offset"/> of <paramref name="target"/>.</summary>
    public static void WriteDouble(byte[] target, long offset, double value) =>
        BinaryPrimitives.WriteDoubleBigEndian(target.AsSpan((int)offset, 8), value);

    /// <summary>Reads a big-endian float64.</summary>
    public static double ReadDouble(byte[] source, long offset) =>
        BinaryPrimitives.ReadDoubleBigEndian(source.AsSpan((int)offset, 8));

    /// <summary>Replaces the value of the card at <paramref name="cardOffset"/> with <paramref name="value"/> (as FITS text).</summary>
    public static void SetCard(byte[] target, long cardOffset, string value)
    {
        string key = Encoding.ASCII.GetString(target, (int)cardOffset, 8);
        string card = (key + "= " + value.PadLeft(20)).PadRight(80)[..80];
        Encoding.ASCII.GetBytes(card, target.AsSpan((int)cardOffset, 80));
    }

    private static (long Repeat, int Size) Format(string tform)
    {
        int i = 0;
        while (i < tform.Length && char.IsDigit(tform[i]))
        {
            i++;
        }
        long repeat = i == 0 ? 1 : long.Parse(tform[..i], CultureInfo.InvariantCulture);
        char code = i < tform.Length ? tform[i] : 'A';
        int size = code switch
        {
            'L' or 'B' or 'A' or 'X' => 1,
            'I' => 2,
            'J' or 'E' => 4,
            'K' or 'D' or 'C' => 8,
            'M' => 16,
            'P' => 8,
            'Q' => 16,
            _ => 1,
        };
        return (repeat, size);
    }
}
