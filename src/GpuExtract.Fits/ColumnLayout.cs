using System.Globalization;

namespace GpuExtract.Fits;

/// <summary>
/// Where a column lies in a row and how its values are stored: byte offset and width, element size,
/// P/Q descriptor kind, TSCALn/TZEROn/TNULLn. Parsed from TFORMn (§7.3.1: rTa, rPt(emax), rQt(emax)).
/// </summary>
internal sealed class ColumnLayout
{
    public required FitsColumn Column { get; init; }

    /// <summary>1-based column number (the n of TTYPEn).</summary>
    public required int Number { get; init; }

    /// <summary>Byte offset of the field within a row.</summary>
    public required int Offset { get; init; }

    /// <summary>Field width within a row [bytes] (for P/Q: the descriptor).</summary>
    public required int Width { get; init; }

    /// <summary>'P' or 'Q' for variable-length columns, else '\0'.</summary>
    public required char Descriptor { get; init; }

    public required LinearScaling Scaling { get; init; }

    /// <summary>Bytes per element of the type code (X: bits, counted separately).</summary>
    public static int ElementSize(char code) => code switch
    {
        'L' or 'B' or 'A' => 1,
        'I' => 2,
        'J' or 'E' => 4,
        'K' or 'D' or 'C' => 8,
        'M' => 16,
        _ => 0,
    };

    /// <summary>Parses TFORMn into (repeat, type code, descriptor); false when malformed or unsupported.</summary>
    public static bool TryParseTform(string tform, out long repeat, out char code, out char descriptor)
    {
        repeat = 1;
        code = '\0';
        descriptor = '\0';
        ReadOnlySpan<char> text = tform.AsSpan().Trim();
        int digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }
        if (digits > 0 && !long.TryParse(text[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out repeat))
        {
            return false;
        }
        if (digits >= text.Length)
        {
            return false;
        }
        char letter = char.ToUpperInvariant(text[digits]);
        if (letter is 'P' or 'Q')
        {
            if (digits + 1 >= text.Length || repeat > 1)
            {
                return false;
            }
            descriptor = letter;
            code = char.ToUpperInvariant(text[digits + 1]);
            return code is 'L' or 'X' or 'B' or 'I' or 'J' or 'K' or 'A' or 'E' or 'D' or 'C' or 'M';
        }
        code = letter;
        // Anything after the letter must be a (non-standard but common) width suffix like "A20" → ignore digits only.
        foreach (char c in text[(digits + 1)..])
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return code is 'L' or 'X' or 'B' or 'I' or 'J' or 'K' or 'A' or 'E' or 'D' or 'C' or 'M';
    }

    /// <summary>Parses TDIMn "(a,b,c)" into a numpy-order shape [c, b, a]; false when malformed.</summary>
    public static bool TryParseTdim(string tdim, out int[] shape)
    {
        shape = [];
        ReadOnlySpan<char> text = tdim.AsSpan().Trim();
        if (text.Length < 2 || text[0] != '(' || text[^1] != ')')
        {
            return false;
        }
        var parts = text[1..^1].ToString().Split(',');
        shape = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 0)
            {
                return false;
            }
            shape[parts.Length - 1 - i] = n;
        }
        return true;
    }
}
