using System.Collections;
using System.Globalization;

namespace GpuExtract.Fits;

/// <summary>
/// The cards of one HDU header in file order. Keyword look-ups ignore case and an optional
/// "HIERARCH " prefix and find the first card with that keyword. Typed getters throw
/// <see cref="FitsFormatException"/> naming the keyword and the HDU when the keyword is missing or
/// holds a value of another type.
/// </summary>
public sealed class FitsHeader : IEnumerable<FitsCard>
{
    private readonly List<FitsCard> _cards = [];

    /// <summary>1-based card number in the file of each card (reader only; 0 for cards added later).</summary>
    private readonly List<int> _cardNumbers = [];

    public FitsHeader()
    {
    }

    public FitsHeader(IEnumerable<FitsCard> cards)
    {
        _cards.AddRange(cards);
        _cardNumbers.AddRange(Enumerable.Repeat(0, _cards.Count));
    }

    /// <summary>Number of cards (a CONTINUE long string counts once).</summary>
    public int Count => _cards.Count;

    /// <summary>The card at <paramref name="index"/> in file order.</summary>
    public FitsCard this[int index] => _cards[index];

    /// <summary>Where this header came from, for error messages (set by the reader).</summary>
    internal string? FileName { get; set; }

    internal int? HduIndex { get; set; }

    internal string? HduName { get; set; }

    public bool Contains(string key) => IndexOf(key) >= 0;

    /// <summary>The first card with <paramref name="key"/>, or null.</summary>
    public FitsCard? Find(string key)
    {
        int index = IndexOf(key);
        return index >= 0 ? _cards[index] : null;
    }

    public string GetString(string key) => GetStringOrNull(key) ?? throw Missing(key);

    public long GetInt(string key) => GetIntOrNull(key) ?? throw Missing(key);

    public double GetDouble(string key) => GetDoubleOrNull(key) ?? throw Missing(key);

    public bool GetBool(string key) => GetBoolOrNull(key) ?? throw Missing(key);

    /// <summary>The string value, or null when the keyword is absent or undefined.</summary>
    public string? GetStringOrNull(string key)
    {
        FitsCard? card = Find(key);
        return card?.Value switch
        {
            null => null,
            string text => text,
            object other => throw WrongType(key, other, "a string"),
        };
    }

    /// <summary>The integer value (an integral real such as 3.0 is accepted), or null when absent or undefined.</summary>
    public long? GetIntOrNull(string key)
    {
        FitsCard? card = Find(key);
        return card?.Value switch
        {
            null => null,
            long number => number,
            double real when real == Math.Floor(real) && real >= -9.2233720368547758E18 && real < 9.2233720368547758E18 => (long)real,
            object other => throw WrongType(key, other, "an integer"),
        };
    }

    /// <summary>The numeric value (integer or real), or null when absent or undefined.</summary>
    public double? GetDoubleOrNull(string key)
    {
        FitsCard? card = Find(key);
        return card?.Value switch
        {
            null => null,
            double real => real,
            long number => number,
            object other => throw WrongType(key, other, "a number"),
        };
    }

    /// <summary>The logical value, or null when absent or undefined.</summary>
    public bool? GetBoolOrNull(string key)
    {
        FitsCard? card = Find(key);
        return card?.Value switch
        {
            null => null,
            bool flag => flag,
            object other => throw WrongType(key, other, "a logical (T/F)"),
        };
    }

    /// <summary>
    /// Replaces the value of the first card with <paramref name="key"/> in place (keeping its comment
    /// when <paramref name="comment"/> is null), or appends a new card. Values: bool, any integer type,
    /// float/double (finite), string, or null for an undefined value.
    /// </summary>
    public void Set(string key, object value, string? comment = null)
    {
        string normalized = NormalizeKey(key);
        if (normalized is "COMMENT" or "HISTORY" or "" or "CONTINUE" or "END")
        {
            throw new ArgumentException($"keyword '{key}' cannot be Set; use AddComment/AddHistory", nameof(key));
        }
        CardFormatter.ValidateKey(normalized);
        object? stored = NormalizeValue(normalized, value);
        int index = IndexOf(normalized);
        if (index >= 0)
        {
            _cards[index] = new FitsCard(normalized, stored, comment ?? _cards[index].Comment);
        }
        else
        {
            Append(new FitsCard(normalized, stored, comment));
        }
    }

    public void AddComment(string text) => Append(new FitsCard("COMMENT", text ?? "", null));

    public void AddHistory(string text) => Append(new FitsCard("HISTORY", text ?? "", null));

    /// <summary>Appends a card as is (used by the reader with the card's number in the file; keeps duplicates and order).</summary>
    internal void Append(FitsCard card, int cardNumber = 0)
    {
        _cards.Add(card);
        _cardNumbers.Add(cardNumber);
    }

    /// <summary>Replaces the card at <paramref name="index"/> (used by the reader to join CONTINUE strings).</summary>
    internal void Replace(int index, FitsCard card) => _cards[index] = card;

    /// <summary>Removes the first card with <paramref name="key"/>; false when there was none.</summary>
    public bool Remove(string key)
    {
        int index = IndexOf(key);
        if (index < 0)
        {
            return false;
        }
        _cards.RemoveAt(index);
        _cardNumbers.RemoveAt(index);
        return true;
    }

    /// <summary>A copy whose later changes do not affect this header.</summary>
    public FitsHeader Clone() => new(_cards);

    public IEnumerator<FitsCard> GetEnumerator() => _cards.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Keyword as stored: upper case, HIERARCH prefix and outer spaces removed.</summary>
    internal static string NormalizeKey(string key)
    {
        string trimmed = (key ?? "").Trim().ToUpperInvariant();
        if (trimmed.StartsWith("HIERARCH ", StringComparison.Ordinal))
        {
            trimmed = trimmed[9..].Trim();
        }
        return trimmed;
    }

    private int IndexOf(string key)
    {
        string normalized = NormalizeKey(key);
        for (int i = 0; i < _cards.Count; i++)
        {
            if (string.Equals(_cards[i].Key, normalized, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    private static object? NormalizeValue(string key, object? value) => value switch
    {
        null => null,
        bool flag => flag,
        string text => text,
        long or int or short or sbyte or byte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong big when big <= long.MaxValue => (long)big,
        ulong big => (double)big,
        double real when double.IsFinite(real) => real,
        float real when float.IsFinite(real) => (double)real,
        decimal real => (double)real,
        double or float => throw new ArgumentException($"header keyword {key}: FITS cannot store a non-finite number", nameof(value)),
        _ => throw new ArgumentException($"header keyword {key}: unsupported value type {value.GetType().Name}", nameof(value)),
    };

    private FitsFormatException Missing(string key) =>
        new($"required keyword {NormalizeKey(key)} is missing or has no value", FileName, HduIndex, HduName);

    private FitsFormatException WrongType(string key, object value, string expected)
    {
        int index = IndexOf(key);
        string where = index >= 0 && _cardNumbers[index] > 0 ? $" (card {_cardNumbers[index]})" : "";
        return new($"keyword {NormalizeKey(key)} = {FormatForMessage(value)}{where} is not {expected}", FileName, HduIndex, HduName);
    }

    private static string FormatForMessage(object value) => value switch
    {
        string text => $"'{text}'",
        bool flag => flag ? "T" : "F",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
