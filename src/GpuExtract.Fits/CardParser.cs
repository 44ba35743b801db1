using System.Globalization;

namespace GpuExtract.Fits;

/// <summary>
/// Parses 80-character header cards (FITS Standard 4.0 §4): value indicator in columns 9–10,
/// quoted strings with '' escapes, T/F, integers, reals with E or D exponents, comments after '/',
/// COMMENT/HISTORY text, HIERARCH keywords and the CONTINUE long-string convention.
/// Malformed values of non-mandatory keywords are kept as their raw text so a file with one bad
/// card still opens; mandatory keywords are checked by the HDU reader.
/// </summary>
internal static class CardParser
{
    public const int CardLength = 80;

    /// <summary>The result of parsing one card.</summary>
    public readonly record struct ParsedCard(string Key, object? Value, string? Comment, bool IsContinue);

    /// <summary>Parses one card image (exactly 80 characters).</summary>
    public static ParsedCard Parse(ReadOnlySpan<char> card)
    {
        string key = card[..8].TrimEnd().ToString();
        if (key == "HIERARCH")
        {
            int equals = card.IndexOf('=');
            if (equals > 8)
            {
                string hierarchKey = card[8..equals].Trim().ToString().ToUpperInvariant();
                var (value, comment) = ParseValueAndComment(card[(equals + 1)..]);
                return new ParsedCard(hierarchKey, value, comment, false);
            }
            return new ParsedCard(key, card[8..].TrimEnd().ToString(), null, false);
        }
        if (key == "CONTINUE")
        {
            ReadOnlySpan<char> rest = card[8..];
            if (rest.TrimStart().StartsWith("'"))
            {
                var (value, comment) = ParseValueAndComment(rest);
                return new ParsedCard(key, value, comment, true);
            }
            return new ParsedCard(key, rest.TrimEnd().ToString(), null, false);
        }
        if (key is "COMMENT" or "HISTORY" or "" || card[8] != '=' || card[9] != ' ')
        {
            // Commentary card: columns 9–80 are free text.
            return new ParsedCard(key, card[8..].TrimEnd().ToString(), null, false);
        }
        var (parsed, parsedComment) = ParseValueAndComment(card[10..]);
        return new ParsedCard(key, parsed, parsedComment, false);
    }

    /// <summary>Parses the value field and the comment after '/' (null when there is none).</summary>
    public static (object? Value, string? Comment) ParseValueAndComment(ReadOnlySpan<char> field)
    {
        ReadOnlySpan<char> text = field.TrimStart(' ');
        if (text.Length == 0)
        {
            return (null, null);
        }
        if (text[0] == '\'')
        {
            return ParseString(text);
        }
        int slash = text.IndexOf('/');
        ReadOnlySpan<char> valueText = (slash >= 0 ? text[..slash] : text).Trim();
        string? comment = slash >= 0 ? CommentText(text[(slash + 1)..]) : null;
        return (ParseScalar(valueText), comment);
    }

    private static (object? Value, string? Comment) ParseString(ReadOnlySpan<char> text)
    {
        var value = new System.Text.StringBuilder(text.Length);
        int i = 1;
        bool closed = false;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\'')
            {
                if (i + 1 < text.Length && text[i + 1] == '\'')
                {
                    value.Append('\'');
                    i += 2;
                    continue;
                }
                closed = true;
                i++;
                break;
            }
            value.Append(c);
            i++;
        }
        // Trailing spaces in a string value are not significant (§4.2.1.1); leading ones are.
        string result = value.ToString().TrimEnd(' ');
        if (!closed)
        {
            return (result, null);
        }
        ReadOnlySpan<char> rest = text[i..];
        int slash = rest.IndexOf('/');
        return (result, slash >= 0 ? CommentText(rest[(slash + 1)..]) : null);
    }

    private static string CommentText(ReadOnlySpan<char> text)
    {
        ReadOnlySpan<char> trimmed = text.TrimEnd(' ');
        // The conventional separator is " / ", so one leading space belongs to it.
        return (trimmed.Length > 0 && trimmed[0] == ' ' ? trimmed[1..] : trimmed).ToString();
    }

    private static object? ParseScalar(ReadOnlySpan<char> text)
    {
        if (text.Length == 0)
        {
            return null;
        }
        if (text.Length == 1 && (text[0] == 'T' || text[0] == 'F'))
        {
            return text[0] == 'T';
        }
        if (IsIntegerText(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
        {
            return integer;
        }
        Span<char> real = text.Length <= 80 ? stackalloc char[text.Length] : new char[text.Length];
        text.CopyTo(real);
        for (int i = 0; i < real.Length; i++)
        {
            if (real[i] is 'D' or 'd')
            {
                real[i] = 'E';
            }
        }
        if (IsRealText(real) && double.TryParse(real, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
        {
            return number;
        }
        // Complex values "(re, im)" and malformed values: keep the text; typed getters report it.
        return text.ToString();
    }

    private static bool IsIntegerText(ReadOnlySpan<char> text)
    {
        int start = text[0] is '+' or '-' ? 1 : 0;
        if (start == text.Length)
        {
            return false;
        }
        for (int i = start; i < text.Length; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsRealText(ReadOnlySpan<char> text)
    {
        // Only digits, sign, point and exponent: rejects "NaN", "Infinity" and thousands separators.
        bool digit = false;
        foreach (char c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                digit = true;
            }
            else if (c is not ('+' or '-' or '.' or 'E'))
            {
                return false;
            }
        }
        return digit;
    }
}
