using System.Diagnostics;
using GpuExtract.Testing;
using Xunit.Abstractions;

namespace GpuExtract.Fits.Tests;

/// <summary>
/// Damaged files (truncated at every block boundary and at random offsets, corrupted structural cards,
/// seeded random byte mutations) must either read or throw <see cref="FitsFormatException"/> (or
/// <see cref="IOException"/>): never another exception type, a hang, or unbounded memory. Every
/// iteration opens the file and reads every HDU (images as float, double and, for integer images, long; every table column;
/// checksums).
/// </summary>
public class RobustnessTests(ITestOutputHelper output)
{
    /// <summary>Longest a single damaged file may take to open and read [s].</summary>
    private const double MaxSecondsPerFile = 2.0;

    /// <summary>Most bytes one damaged file may make us allocate (the inputs are under 40 kB).</summary>
    private const long MaxBytesPerFile = 256L << 20;

    private sealed class Tally
    {
        public int Total;
        public int Threw;
        public int ChecksumOnly;
        public int ReadOk;
        public int IoErrors;
        public double SlowestSeconds;
        public long MostBytes;
        public readonly List<string> Failures = [];
    }

    private static string FixturePath => Path.Combine(TestEnvironment.RepositoryRoot, "tests", "GpuExtract.Fits.Tests", "Fixtures", "astropy-small.fits");

    /// <summary>A small multi-HDU file of our own: float, scaled unsigned and int images, and a table.</summary>
    private static byte[] OwnImageFile(bool gzip)
    {
        using var stream = new MemoryStream();
        using (var writer = new FitsWriter(stream, gzip))
        {
            var header = new FitsHeader();
            header.Set("EXTNAME", "IMAGE");
            header.Set("LONGSTR", WrittenFiles.LongString);
            writer.WriteImage(header, Enumerable.Range(0, 24 * 30).Select(i => i * 0.5f).ToArray().AsSpan(), [24, 30]);
            var mask = new FitsHeader();
            mask.Set("EXTNAME", "MASK");
            writer.WriteImage(mask, Enumerable.Range(0, 300).Select(i => (ushort)(i * 200)).ToArray().AsSpan(), [3, 10, 10]);
            var wave = new FitsHeader();
            wave.Set("EXTNAME", "WAVE");
            writer.WriteImage(wave, Enumerable.Range(0, 100).Select(i => 5000.0 + i).ToArray().AsSpan(), [100]);
            var table = new FitsHeader();
            table.Set("EXTNAME", "FIBERMAP");
            writer.WriteTable(table, new FitsTableBuilder(5)
                .AddColumn("FIBER", new[] { 0, 1, 2, 3, 4 })
                .AddColumn("FLUX", Enumerable.Range(0, 30).Select(i => (float)i).ToArray(), [2, 3])
                .AddColumn("OK", new[] { true, false, true, true, false })
                .AddColumn("ID", new ulong[] { 1, 2, 3, ulong.MaxValue, 0 })
                .AddStringColumn("OBJTYPE", ["ELG", "QSO", "SKY", "", "LRG"]));
        }
        return stream.ToArray();
    }

    /// <summary>How a damaged file fared.</summary>
    private enum Outcome
    {
        /// <summary>Opening or reading some HDU threw <see cref="FitsFormatException"/>.</summary>
        Threw,

        /// <summary>Everything read, but a DATASUM/CHECKSUM check caught the damage.</summary>
        ChecksumOnly,

        /// <summary>Everything read and verified (the damage hit nothing checked, e.g. a comment or padding).</summary>
        ReadOk,
    }

    /// <summary>Opens and reads everything, then verifies checksums.</summary>
    private static Outcome Exercise(byte[] bytes)
    {
        bool threw = false;
        bool checksum = false;
        void Try(Action action, ref bool flag)
        {
            try
            {
                action();
            }
            catch (FitsFormatException)
            {
                flag = true;
            }
        }

        FitsFile file;
        try
        {
            file = FitsFile.Open(new MemoryStream(bytes, writable: false), "mutant.fits");
        }
        catch (FitsFormatException)
        {
            return Outcome.Threw;
        }
        using (file)
        {
            foreach (FitsHdu hdu in file.Hdus)
            {
                _ = hdu.Name;
                switch (hdu.Kind)
                {
                    case HduKind.Image or HduKind.CompressedImage:
                        Try(() => hdu.ReadImage<float>(), ref threw);
                        Try(() => hdu.ReadImage<double>(), ref threw);
                        if (hdu.Bitpix > 0)
                        {
                            Try(() => hdu.ReadImage<long>(), ref threw);
                        }
                        break;
                    case HduKind.BinaryTable:
                        Try(() => ReadAllColumns(hdu.ReadTable()), ref threw);
                        break;
                }
                Try(hdu.VerifyChecksum, ref checksum);
            }
        }
        return threw ? Outcome.Threw : checksum ? Outcome.ChecksumOnly : Outcome.ReadOk;
    }

    private static void ReadAllColumns(FitsTable table)
    {
        foreach (FitsColumn column in table.Columns)
        {
            if (column.IsVariableLength)
            {
                if (column.TypeCode == 'A')
                {
                    table.GetStrings(column.Name);
                }
                else
                {
                    table.GetVariableColumn<double>(column.Name);
                }
            }
            else if (column.TypeCode == 'A')
            {
                table.GetStrings(column.Name);
            }
            else if (column.TypeCode is 'L' or 'X')
            {
                table.GetColumn<bool>(column.Name);
            }
            else
            {
                table.GetColumn<double>(column.Name);
            }
        }
    }

    private static void Run(Tally tally, byte[] bytes, string description)
    {
        tally.Total++;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        try
        {
            switch (Exercise(bytes))
            {
                case Outcome.Threw:
                    tally.Threw++;
                    break;
                case Outcome.ChecksumOnly:
                    tally.ChecksumOnly++;
                    break;
                default:
                    tally.ReadOk++;
                    break;
            }
        }
        catch (IOException)
        {
            tally.IoErrors++;
        }
        catch (Exception e)
        {
            if (tally.Failures.Count < 10)
            {
                tally.Failures.Add($"{description}: {e.GetType().Name}: {e.Message} at {e.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}");
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        tally.SlowestSeconds = Math.Max(tally.SlowestSeconds, seconds);
        tally.MostBytes = Math.Max(tally.MostBytes, allocated);
        if ((seconds > MaxSecondsPerFile || allocated > MaxBytesPerFile) && tally.Failures.Count < 10)
        {
            tally.Failures.Add($"{description}: took {seconds:F2} s and allocated {allocated >> 20} MiB");
        }
    }

    private void Report(string name, Tally tally)
    {
        output.WriteLine($"{name}: {tally.Total} damaged files: {tally.Threw} threw FitsFormatException on open/read, " +
            $"{tally.ChecksumOnly} read but failed checksum verification (FitsFormatException), {tally.ReadOk} read and verified OK, " +
            $"{tally.IoErrors} IOException; slowest {tally.SlowestSeconds * 1000:F1} ms, most allocated {tally.MostBytes / 1024} KiB");
        Assert.True(tally.Failures.Count == 0, $"{name}: {string.Join("\n", tally.Failures)}");
    }

    /// <summary>Byte offsets of the 80-byte cards of every header in a plain FITS file (cards up to END).</summary>
    private static List<int> CardOffsets(byte[] bytes)
    {
        var offsets = new List<int>();
        using var file = FitsFile.Open(new MemoryStream(bytes), "base.fits");
        foreach (FitsHdu hdu in file.Hdus)
        {
            long start = hdu.DataOffset - FitsLayout.Padded(0);
            // Walk back over the header blocks: cards from the header start to END.
            long headerStart = 0;
            foreach (FitsHdu previous in file.Hdus)
            {
                if (previous.Index == hdu.Index)
                {
                    break;
                }
                headerStart = previous.DataOffset + FitsLayout.Padded(previous.DataLength);
            }
            for (long offset = headerStart; offset < start; offset += 80)
            {
                offsets.Add((int)offset);
                if (System.Text.Encoding.ASCII.GetString(bytes, (int)offset, 8).TrimEnd() == "END")
                {
                    break;
                }
            }
        }
        return offsets;
    }

    private static readonly string[] CorruptValues = ["-1", "0", "1", "7", "3000000000", "99999999999999999999", "abc", "'X'", "1.5", "T", "", "-2147483648", "'1PB(999999)'", "'9999999999J'", "'(99999,9)'", "'RICE_1'", "'GZIP_2'", "'PLIO_1'"];

    [Fact]
    public async Task DamagedFiles_ReadOrThrowFitsFormatExceptionOnly()
    {
        // A decoder caught in an endless loop would hang the test run: give the whole sweep a deadline.
        try
        {
            await Task.Run(Sweep).WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            Assert.Fail("the damaged-file sweep did not finish in 2 minutes (a hang?)");
        }
    }

    private void Sweep()
    {
        var bases = new List<(string Name, byte[] Bytes, int Mutations)>
        {
            ("own images+table", OwnImageFile(gzip: false), 2000),
            ("astropy compressed+VLA", File.ReadAllBytes(FixturePath), 2400),
            ("own gzip", OwnImageFile(gzip: true), 800),
        };
        var total = new Tally();
        foreach (var (name, original, mutations) in bases)
        {
            Assert.True(Exercise(original) == Outcome.ReadOk, $"{name}: the undamaged file must read and verify without errors");
            var tally = new Tally();
            var random = new Random(name.Length * 7919 + original.Length);

            // Truncation at every 2880-byte boundary (and one byte either side) and at random offsets.
            for (int k = 0; k * 2880 < original.Length; k++)
            {
                foreach (int cut in new[] { k * 2880 - 1, k * 2880, k * 2880 + 1 })
                {
                    if (cut >= 0 && cut < original.Length)
                    {
                        Run(tally, original[..cut], $"{name} truncated at {cut}");
                    }
                }
            }
            for (int i = 0; i < 60; i++)
            {
                int cut = random.Next(original.Length);
                Run(tally, original[..cut], $"{name} truncated at {cut}");
            }

            // Corrupted cards: every header card's value replaced by each bad value (plain files only).
            if (name != "own gzip")
            {
                foreach (int offset in CardOffsets(original))
                {
                    string key = System.Text.Encoding.ASCII.GetString(original, offset, 8);
                    if (key.TrimEnd() == "END")
                    {
                        byte[] noEnd = (byte[])original.Clone();
                        "   "u8.CopyTo(noEnd.AsSpan(offset));
                        Run(tally, noEnd, $"{name} END at {offset} blanked");
                        continue;
                    }
                    foreach (string value in CorruptValues)
                    {
                        byte[] bad = (byte[])original.Clone();
                        string card = (key + "= " + value.PadLeft(20)).PadRight(80);
                        System.Text.Encoding.ASCII.GetBytes(card, bad.AsSpan(offset, 80));
                        Run(tally, bad, $"{name} card {key.Trim()} at {offset} = {value}");
                    }
                }
            }

            // Seeded random byte mutations: half anywhere, half in header text with plausible characters.
            List<int> cards = name == "own gzip" ? [] : CardOffsets(original);
            const string plausible = "0123456789 -+.'ETFX()";
            for (int m = 0; m < mutations; m++)
            {
                byte[] mutant = (byte[])original.Clone();
                int count = 1 + random.Next(8);
                var changes = new List<string>();
                for (int c = 0; c < count; c++)
                {
                    bool inHeader = cards.Count > 0 && random.Next(2) == 0;
                    int position = inHeader ? cards[random.Next(cards.Count)] + 8 + random.Next(72) : random.Next(mutant.Length);
                    byte value = inHeader ? (byte)plausible[random.Next(plausible.Length)] : (byte)random.Next(256);
                    mutant[position] = value;
                    changes.Add($"{position}={value}");
                }
                Run(tally, mutant, $"{name} mutation {m} [{string.Join(",", changes)}]");
            }
            Report(name, tally);
            total.Total += tally.Total;
            total.Threw += tally.Threw;
            total.ChecksumOnly += tally.ChecksumOnly;
            total.ReadOk += tally.ReadOk;
            total.IoErrors += tally.IoErrors;
            total.SlowestSeconds = Math.Max(total.SlowestSeconds, tally.SlowestSeconds);
            total.MostBytes = Math.Max(total.MostBytes, tally.MostBytes);
        }
        Report("all", total);
        Assert.True(total.Total >= 5000, $"only {total.Total} damaged files exercised");
    }

    [Fact]
    public void Fixture_ReadsCompletelyWithValidChecksums()
    {
        using var file = FitsFile.Open(FixturePath, verifyChecksums: true);
        Assert.Equal(["MASK", "G2", "GF", "RQ", "VLA"], file.Hdus.Skip(1).Select(h => h.Name));
        Assert.Equal([30, 40], file["MASK"].Shape);
        Assert.Equal(Enumerable.Repeat((short)7, 40), file["MASK"].ReadImage<short>().Skip(3 * 40).Take(40));
        Assert.Equal([20, 25], file["G2"].Shape);
        Assert.Equal(HduKind.BinaryTable, file["VLA"].Kind);
        Assert.Equal([0, 1, 2, 3], file["VLA"].ReadTable().GetVariableColumn<int>("VARJ").Select(r => r.Length));
        Assert.Equal(Outcome.ReadOk, Exercise(File.ReadAllBytes(FixturePath)));
    }
}
