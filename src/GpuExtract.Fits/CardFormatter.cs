using System.Globalization;
using System.Text;

namespace GpuExtract.Fits;

/// <summary>
/// Writes header cards in the fixed format of FITS Standard 4.0 §4.2: numbers and logicals
/// right-justified to column 30, strings from column 11 padded to at least 8 characters with ''
/// escapes, reals in round-trip precision with an upper-case E, long strings split with the
/// CONTINUE convention ('&amp;' at the end of each continued piece), keywords that do not fit
/// 8 characters as HIERARCH cards.
/// </summary>
internal static class CardFormatter
{
    private const int CardLength = 80;

    /// <summary>Longest escaped string piece on one card: 80 − 11 (key, "= '") − 1 (closing quote) − 1 ('&amp;').</summary>
    private const int ContinuedPieceLength = 67;

    /// <summary>Throws ArgumentException for a keyword that cannot be written.</summary>
    public static void ValidateKey(string key)
    {
        if (key.Length == 0 || key.Length > 60)
        {
            throw new ArgumentException($"header keyword '{key}' must have 1 to 60 characters", nameof(key));
        }
        foreach (char c in key)
        {
            if (c < 0x20 || c > 0x7E || c == '=')
            {
                throw new ArgumentException($"header keyword '{key}' has a character FITS does not allow", nameof(key));
            }
        }
    }

    /// <summary>True when <paramref name="key"/> is a standard 8-character keyword (A–Z, 0–9, '-', '_').</summary>
    public static bool IsStandardKey(string key)
    {
        if (key.Length > 8)
        {
            return false;
        }
        foreach (char c in key)
        {
            if (!(c is >= 'A' and <= 'Z' || char.IsAsciiDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Appends the 80-character card images for <paramref name="card"/> (several for CONTINUE strings or long comments).</summary>
    public static void AppendCards(FitsCard card, List<string> images)
    {
        string key = card.Key;
        if (key is "COMMENT" or "HISTORY" or "" || (card.Value is string && card.IsCommentary))
        {
            AppendCommentary(key, card.Value as string ?? "", images);
            return;
        }
        bool standard = IsStandardKey(key);
        string prefix = standard ? key.PadRight(8) + "= " : "HIERARCH " + key + " = ";
        if (card.Value is string text)
        {
            AppendString(prefix, standard, text, card.Comment, images);
            return;
        }
        string value = card.Value switch
        {
            null => "",
            bool flag => flag ? "T" : "F",
            long integer => integer.ToString(CultureInfo.InvariantCulture),
            double real => FormatReal(real),
            _ => throw new ArgumentException($"header keyword {key}: unsupported value type {card.Value.GetType().Name}"),
        };
        // Fixed format: value right-justified in columns 11–30.
        string line = standard ? prefix + value.PadLeft(20) : prefix + value;
        images.Add(Finish(line, card.Comment));
    }

    /// <summary>True when <paramref name="card"/> needs the CONTINUE long-string convention.</summary>
    public static bool NeedsContinue(FitsCard card) =>
        card.Value is string text && !card.IsCommentary && IsStandardKey(card.Key) && text.Replace("'", "''").Length > 68;

    /// <summary>A real in shortest round-trip form ("R"), always with a '.' or exponent so it reads back as real.</summary>
    public static string FormatReal(double real)
    {
        if (Math.Abs(real) >= 9.2233720368547758E18 && Math.Abs(real) < 1E20 && real == Math.Floor(real))
        {
            // Integral values beyond the long range (BZERO 9223372036854775808 of the unsigned 64-bit
            // convention) are written as integers, as the standard shows them; they read back as double.
            return real.ToString("F0", CultureInfo.InvariantCulture);
        }
        string text = real.ToString("R", CultureInfo.InvariantCulture);
        int exponent = text.IndexOf('E');
        if (text.Contains('.'))
        {
            return text;
        }
        return exponent >= 0 ? text[..exponent] + ".0" + text[exponent..] : text + ".0";
    }

    /// <summary>The header records: cards, END, space padding to a multiple of 2880 bytes.</summary>
    public static byte[] ToBytes(List<string> images)
    {
        int cards = images.Count + 1;
        int blocks = (cards * CardLength + FitsLayout.BlockSize - 1) / FitsLayout.BlockSize;
        var bytes = new byte[blocks * FitsLayout.BlockSize];
        bytes.AsSpan().Fill((byte)' ');
        for (int i = 0; i < images.Count; i++)
        {
            Encoding.ASCII.GetBytes(images[i], bytes.AsSpan(i * CardLength, CardLength));
        }
        "END"u8.CopyTo(bytes.AsSpan(images.Count * CardLength));
        return bytes;
    }

    private static void AppendCommentary(string key, string text, List<string> images)
    {
        string clean = Printable(text);
        const int width = CardLength - 8;
        if (clean.Length == 0)
        {
            images.Add(key.PadRight(CardLength));
            return;
        }
        for (int start = 0; start < clean.Length; start += width)
        {
            string piece = clean.Substring(start, Math.Min(width, clean.Length - start));
            images.Add((key.PadRight(8) + piece).PadRight(CardLength));
        }
    }

    private static void AppendString(string prefix, bool standard, string text, string? comment, List<string> images)
    {
        string escaped = Printable(text).Replace("'", "''");
        // Strings start in column 11 and are padded to 8 characters inside the quotes (§4.2.1.1).
        string padded = standard ? escaped.PadRight(8) : escaped;
        if (prefix.Length + padded.Length + 2 <= CardLength)
        {
            images.Add(Finish(prefix + "'" + padded + "'", comment));
            return;
        }
        if (!standard)
        {
            throw new ArgumentException($"HIERARCH keyword {prefix.Trim()} string value is too long for one card");
        }
        // CONTINUE convention: pieces end with '&'; a '' escape is never split.
        string raw = Printable(text);
        int position = 0;
        bool first = true;
        while (position < raw.Length)
        {
            int take = 0;
            int escapedLength = 0;
            while (position + take < raw.Length)
            {
                int add = raw[position + take] == '\'' ? 2 : 1;
                if (escapedLength + add > ContinuedPieceLength)
                {
                    break;
                }
                escapedLength += add;
                take++;
            }
            // Never start the next piece with a quote: astropy 5.2 misreads such CONTINUE cards.
            while (take > 1 && position + take < raw.Length && raw[position + take] == '\'')
            {
                take--;
            }
            bool last = position + take >= raw.Length;
            string piece = raw.Substring(position, take).Replace("'", "''");
            string head = first ? prefix : "CONTINUE  ";
            if (last)
            {
                images.Add(Finish(head + "'" + piece + "'", comment));
            }
            else
            {
                images.Add((head + "'" + piece + "&'").PadRight(CardLength));
            }
            position += take;
            first = false;
        }
    }

    /// <summary>Adds " / comment" (truncated to the card) and pads to 80 characters.</summary>
    private static string Finish(string line, string? comment)
    {
        if (line.Length > CardLength)
        {
            throw new ArgumentException($"header card too long: {line}");
        }
        if (!string.IsNullOrEmpty(comment) && line.Length + 3 < CardLength)
        {
            string clean = Printable(comment);
            line += " / " + clean[..Math.Min(clean.Length, CardLength - line.Length - 3)];
        }
        return line.PadRight(CardLength);
    }

    /// <summary>Header text must be printable ASCII (§4.1.1); anything else becomes '?'.</summary>
    private static string Printable(string text)
    {
        foreach (char c in text)
        {
            if (c < 0x20 || c > 0x7E)
            {
                var builder = new StringBuilder(text.Length);
                foreach (char d in text)
                {
                    builder.Append(d < 0x20 || d > 0x7E ? '?' : d);
                }
                return builder.ToString();
            }
        }
        return text;
    }
}
