using System.Text;

namespace GpuExtract.Fits.Tests;

/// <summary>
/// Builds FITS bytes by hand from literal card text and big-endian data, independently of
/// <see cref="FitsWriter"/>, so reader tests do not depend on the writer being right.
/// </summary>
public sealed class HandBuiltFits
{
    private readonly MemoryStream _bytes = new();

    /// <summary>Appends a header from card texts (each padded to 80 characters), END and space padding.</summary>
    public HandBuiltFits Header(params string[] cards)
    {
        var text = new StringBuilder();
        foreach (string card in cards)
        {
            if (card.Length > 80)
            {
                throw new ArgumentException($"card longer than 80: {card}");
            }
            text.Append(card.PadRight(80));
        }
        text.Append("END".PadRight(80));
        while (text.Length % 2880 != 0)
        {
            text.Append(' ');
        }
        _bytes.Write(Encoding.ASCII.GetBytes(text.ToString()));
        return this;
    }

    /// <summary>Appends data bytes and zero padding to a 2880 multiple.</summary>
    public HandBuiltFits Data(byte[] data)
    {
        _bytes.Write(data);
        int padding = (int)((2880 - data.Length % 2880) % 2880);
        _bytes.Write(new byte[padding]);
        return this;
    }

    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>Fixed-format card "KEY     = value" with the value right-justified to column 30.</summary>
    public static string Card(string key, string value, string? comment = null) =>
        key.PadRight(8) + "= " + value.PadLeft(20) + (comment is null ? "" : " / " + comment);

    /// <summary>Big-endian bytes of 16-bit values.</summary>
    public static byte[] BigEndian16(params short[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
        {
            bytes[2 * i] = (byte)(values[i] >> 8);
            bytes[2 * i + 1] = (byte)values[i];
        }
        return bytes;
    }

    /// <summary>Big-endian bytes of 32-bit values.</summary>
    public static byte[] BigEndian32(params int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            for (int b = 0; b < 4; b++)
            {
                bytes[4 * i + b] = (byte)(values[i] >> (24 - 8 * b));
            }
        }
        return bytes;
    }
}
