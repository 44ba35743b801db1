namespace GpuExtract.Fits.Tests;

public class HeaderTests
{
    private static FitsHeader ReadHeader(params string[] cards)
    {
        byte[] bytes = new HandBuiltFits()
            .Header([HandBuiltFits.Card("SIMPLE", "T"), HandBuiltFits.Card("BITPIX", "8"), HandBuiltFits.Card("NAXIS", "0"), .. cards])
            .ToArray();
        using var file = FitsFile.Open(new MemoryStream(bytes), "hand-built.fits");
        return file[0].Header;
    }

    [Fact]
    public void Parse_ReadsEveryValueTypeAndComment()
    {
        FitsHeader header = ReadHeader(
            HandBuiltFits.Card("FLAG", "F", "a logical"),
            HandBuiltFits.Card("COUNT", "-42", "an integer"),
            HandBuiltFits.Card("REAL", "1.5D+03", "D exponent"),
            HandBuiltFits.Card("SMALL", "-2.5E-07"),
            "NAME    = 'O''Brien '           / quote escaped",
            "LEAD    = '  x'",
            "EMPTY   = ''",
            "UNDEF   =                      / undefined value",
            "COMMENT   two spaces kept after COMMENT",
            "HISTORY made by hand",
            "HIERARCH ESO DET CHIP = 'CCD-1' / long keyword");
        Assert.False(header.GetBool("FLAG"));
        Assert.Equal("a logical", header.Find("FLAG")!.Comment);
        Assert.Equal(-42, header.GetInt("COUNT"));
        Assert.Equal(1500.0, header.GetDouble("REAL"));
        Assert.Equal(-2.5e-7, header.GetDouble("SMALL"));
        Assert.Equal("O'Brien", header.GetString("NAME"));
        Assert.Equal("  x", header.GetString("LEAD"));
        Assert.Equal("", header.GetString("EMPTY"));
        Assert.True(header.Contains("UNDEF"));
        Assert.Null(header.GetStringOrNull("UNDEF"));
        Assert.Equal("undefined value", header.Find("UNDEF")!.Comment);
        Assert.Equal("  two spaces kept after COMMENT", header.Single(c => c.Key == "COMMENT").Value);
        Assert.Equal("made by hand", header.Single(c => c.Key == "HISTORY").Value);
        Assert.Equal("CCD-1", header.GetString("ESO DET CHIP"));
        Assert.Equal("CCD-1", header.GetString("HIERARCH ESO DET CHIP"));
        Assert.Equal(["SIMPLE", "BITPIX", "NAXIS", "FLAG", "COUNT", "REAL", "SMALL", "NAME", "LEAD", "EMPTY", "UNDEF", "COMMENT", "HISTORY", "ESO DET CHIP"], header.Select(c => c.Key));
    }

    [Fact]
    public void Parse_JoinsContinueLongStrings()
    {
        FitsHeader header = ReadHeader(
            "LONGSTR = 'This is a long string value that is continued over &'",
            "CONTINUE  'more than one keyword record. It''s &' / first comment",
            "CONTINUE  'done.' / second comment",
            "NEXT    = 'plain&'");
        Assert.Equal("This is a long string value that is continued over more than one keyword record. It's done.", header.GetString("LONGSTR"));
        Assert.Equal("first comment second comment", header.Find("LONGSTR")!.Comment);
        // A trailing '&' with no CONTINUE after it is part of the value.
        Assert.Equal("plain&", header.GetString("NEXT"));
    }

    [Fact]
    public void TypedGetters_NameKeywordAndHduWhenMissingOrWrongType()
    {
        FitsHeader header = ReadHeader("EXTNAME = 'PRIMED  '", HandBuiltFits.Card("COUNT", "3"), "NAME    = 'abc'");
        var missing = Assert.Throws<FitsFormatException>(() => header.GetInt("NOSUCH"));
        Assert.Contains("NOSUCH", missing.Message);
        Assert.Contains("HDU 0 (PRIMED)", missing.Message);
        Assert.Equal("hand-built.fits", missing.FileName);
        var wrong = Assert.Throws<FitsFormatException>(() => header.GetDouble("NAME"));
        Assert.Contains("NAME = 'abc' (card 6)", wrong.Message);
        Assert.Throws<FitsFormatException>(() => header.GetBool("COUNT"));
        Assert.Null(header.GetIntOrNull("NOSUCH"));
        Assert.Equal(3.0, header.GetDouble("COUNT"));
        Assert.DoesNotContain('\n', wrong.Message);
    }

    [Fact]
    public void Set_ReplacesInPlaceOrAppends_RemoveDeletes()
    {
        var header = new FitsHeader();
        header.Set("A", 1, "first");
        header.Set("B", "text");
        header.Set("A", 2.5);
        header.AddComment("note");
        Assert.Equal(["A", "B", "COMMENT"], header.Select(c => c.Key));
        Assert.Equal(2.5, header.GetDouble("A"));
        Assert.Equal("first", header.Find("A")!.Comment);
        Assert.True(header.Remove("b"));
        Assert.False(header.Remove("B"));
        Assert.Equal(["A", "COMMENT"], header.Select(c => c.Key));
        Assert.Throws<ArgumentException>(() => header.Set("X", double.NaN));
    }

    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(-2.5e-7, "-2.5E-07")]
    [InlineData(1e20, "1.0E+20")]
    [InlineData(123456789.123456789, "123456789.12345679")]
    [InlineData(9223372036854775808.0, "9223372036854775808")]
    public void FormatReal_IsRoundTripInvariantWithUpperCaseExponent(double value, string expected)
    {
        string text = CardFormatter.FormatReal(value);
        Assert.Equal(expected, text);
        Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Write_PutsFixedFormatValuesInColumn30AndStringsInColumn11()
    {
        var images = new List<string>();
        CardFormatter.AppendCards(new FitsCard("NAXIS1", 4114L, "axis"), images);
        CardFormatter.AppendCards(new FitsCard("EXPTIME", 900.5, null), images);
        CardFormatter.AppendCards(new FitsCard("FLAG", true, null), images);
        CardFormatter.AppendCards(new FitsCard("CAMERA", "r0", null), images);
        Assert.All(images, card => Assert.Equal(80, card.Length));
        Assert.Equal("NAXIS1  =                 4114 / axis", images[0].TrimEnd());
        Assert.Equal('4', images[0][29]);
        Assert.Equal('5', images[1][29]);
        Assert.Equal('T', images[2][29]);
        Assert.Equal("CAMERA  = 'r0      '", images[3].TrimEnd());
    }

    [Fact]
    public void Write_LongStringUsesContinueAndReadsBack()
    {
        string value = string.Concat(Enumerable.Range(0, 30).Select(i => $"part{i}'s ")).TrimEnd();
        var header = new FitsHeader();
        header.Set("LONGSTR", value, "a comment");
        header.AddHistory(new string('h', 150));
        using var stream = new MemoryStream();
        using (var writer = new FitsWriter(stream))
        {
            writer.WriteEmptyPrimary(header);
        }
        string text = System.Text.Encoding.ASCII.GetString(stream.ToArray());
        Assert.Contains("CONTINUE  '", text);
        stream.Position = 0;
        using var file = FitsFile.Open(stream, "mem");
        Assert.Equal(value, file[0].Header.GetString("LONGSTR"));
        Assert.Equal("a comment", file[0].Header.Find("LONGSTR")!.Comment);
        Assert.Equal(new string('h', 150), string.Concat(file[0].Header.Where(c => c.Key == "HISTORY").Select(c => c.Value)));
    }
}
