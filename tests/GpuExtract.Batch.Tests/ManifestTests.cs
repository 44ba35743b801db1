using GpuExtract.Core.Extraction;

namespace GpuExtract.Batch.Tests;

public class ManifestTests
{
    // A path that need not exist: Parse only anchors relative paths on it.
    private const string CsvPath = "/data/night/frames.csv";
    private const string JsonPath = "/data/night/frames.jsonl";

    [Fact]
    public void Csv_ResolvesRelativePathsAgainstTheManifestAndReadsOptionalColumns()
    {
        string text = "\uFEFF# exposure 1234\r\n" +
                      "input, psf ,output,camera,wmin,wmax,dw,psferr,specmin,nspec\r\n" +
                      "\r\n" +
                      "preproc/b0.fits,/psf/psf-b0.fits,frames/frame-b0.fits,b0,,,,,,\r\n" +
                      "\"dir, with comma/r0.fits\",psf-r0.fits,/abs/frame-r0.fits,,6000,6100,0.5,0.02,25,50\r\n";
        Manifest manifest = Manifest.Parse(text, CsvPath, ManifestFormat.Csv, allowOutside: true);

        Assert.Equal(2, manifest.Entries.Count);
        ManifestEntry b = manifest.Entries[0], r = manifest.Entries[1];
        Assert.Equal((0, 4), (b.Index, b.Line));
        Assert.Equal("/data/night/preproc/b0.fits", b.Input);
        Assert.Equal("/psf/psf-b0.fits", b.Psf);
        Assert.Equal("/data/night/frames/frame-b0.fits", b.Output);
        Assert.Equal("b0", b.Camera);
        Assert.Equal(FrameSettings.None, b.Settings);

        Assert.Equal((1, 5), (r.Index, r.Line));
        Assert.Equal("/data/night/dir, with comma/r0.fits", r.Input);
        Assert.Equal("/abs/frame-r0.fits", r.Output);
        Assert.Null(r.Camera);
        Assert.Equal(new FrameSettings { Wavelength = new WavelengthRange(6000, 6100, 0.5), PsfError = 0.02, SpecMin = 25, NSpec = 50 }, r.Settings);
    }

    [Fact]
    public void OutputDirectory_AnchorsRelativeOutputsOnly()
    {
        Manifest manifest = Manifest.Parse("input,psf,output\na.fits,p.fits,out/f.fits\nb.fits,p.fits,/abs/g.fits\n", CsvPath, ManifestFormat.Csv, "/scratch/run", allowOutside: true);
        Assert.Equal("/data/night/a.fits", manifest.Entries[0].Input);
        Assert.Equal("/data/night/p.fits", manifest.Entries[0].Psf);
        Assert.Equal("/scratch/run/out/f.fits", manifest.Entries[0].Output);
        Assert.Equal("/abs/g.fits", manifest.Entries[1].Output);
    }

    [Fact]
    public void JsonLines_GiveTheSameEntriesAsCsv()
    {
        string csv = "input,psf,output,camera,wmin,wmax,dw,nspec\n" +
                     "a.fits,p.fits,fa.fits,r,,,,\n" +
                     "b.fits,p.fits,fb.fits,,3600,5800,0.8,20\n";
        string jsonl = "{\"input\": \"a.fits\", \"psf\": \"p.fits\", \"output\": \"fa.fits\", \"camera\": \"r\"}\n" +
                       "\n" +
                       "{\"input\": \"b.fits\", \"psf\": \"p.fits\", \"output\": \"fb.fits\", \"camera\": null, \"wmin\": 3600, \"wmax\": 5800, \"dw\": \"0.8\", \"NSPEC\": 20}\n";
        var fromCsv = Manifest.Parse(csv, CsvPath, ManifestFormat.Csv).Entries;
        var fromJson = Manifest.Parse(jsonl, JsonPath, ManifestFormat.JsonLines).Entries;
        Assert.Equal(fromCsv.Count, fromJson.Count);
        for (int i = 0; i < fromCsv.Count; i++)
        {
            // Line numbers differ (the JSON file has a blank line); everything else must agree.
            Assert.Equal(fromCsv[i] with { Line = 0 }, fromJson[i] with { Line = 0 });
        }
        Assert.Equal(3, fromJson[1].Line);
    }

    [Theory]
    [InlineData("frames.csv", "{\"input\":1}", ManifestFormat.Csv)]
    [InlineData("frames.jsonl", "input,psf,output", ManifestFormat.JsonLines)]
    [InlineData("frames.json", "", ManifestFormat.JsonLines)]
    [InlineData("frames.txt", "# comment\n  {\"input\": \"a\"}", ManifestFormat.JsonLines)]
    [InlineData("frames.list", "input,psf,output\n", ManifestFormat.Csv)]
    public void Format_ComesFromTheExtensionElseTheContent(string name, string text, ManifestFormat expected) =>
        Assert.Equal(expected, Manifest.DetectFormat(name, text));

    [Theory]
    [InlineData("input,psf,output,wmin,wmax,dw\na,p,o1,1,2,0.1\na,p,o2,abc,2,0.1\n", "frames.csv, line 3, column 4 (wmin): expected a number, got 'abc'")]
    [InlineData("input,psf\na,p\n", "frames.csv, line 1: the header has no 'output' column")]
    [InlineData("input,psf,output,wmn\na,p,o,1\n", "frames.csv, line 1, column 4: unknown column 'wmn'")]
    [InlineData("input,psf,output,psf\na,p,o,q\n", "frames.csv, line 1, column 4: column 'psf' appears twice")]
    [InlineData("input,psf,output\na,p\n", "frames.csv, line 2: 2 fields, but the header (line 1) has 3 columns")]
    [InlineData("input,psf,output\na,p,o\nb,p,o\n", "frames.csv, line 3, column 3 (output): /data/night/o is already the output of line 2")]
    [InlineData("input,psf,output\na,p,b\nb,p,o\n", "frames.csv, line 2: output /data/night/b is an input of line 3")]
    [InlineData("input,psf,output,wmin,wmax\na,p,o,1,2\n", "frames.csv, line 2: wmin, wmax and dw go together, but dw is not given")]
    [InlineData("input,psf,output,wmin,wmax,dw\na,p,o,7620,5760,0.8\n", "frames.csv, line 2, column 6 (dw): wavelength grid 7620,5760,0.8 is not increasing")]
    [InlineData("input,psf,output,camera\na,p,o,x\n", "frames.csv, line 2, column 4 (camera): expected b, r or z")]
    [InlineData("input,psf,output,nspec\na,p,o,2.5\n", "frames.csv, line 2, column 4 (nspec): expected a whole number, got '2.5'")]
    [InlineData("input,psf,output,nspec\na,p,o,0\n", "frames.csv, line 2, column 4 (nspec): nspec must be at least 1")]
    [InlineData("input,psf,output,psferr\na,p,o,-0.1\n", "frames.csv, line 2, column 4 (psferr): psferr must be positive")]
    [InlineData("input,psf,output\na,,o\n", "frames.csv, line 2, column 2 (psf): no psf path given")]
    [InlineData("input,psf,output\n\"a,p,o\n", "frames.csv, line 2, column 1: quoted field has no closing quote")]
    [InlineData("input,psf,output\na\"b,p,o\n", "frames.csv, line 2, column 1: a quote inside an unquoted field")]
    [InlineData("# nothing\ninput,psf,output\n", "frames.csv: the manifest lists no frames")]
    public void CsvErrors_NameTheFileLineAndColumn(string text, string expected)
    {
        var error = Assert.Throws<ManifestException>(() => Manifest.Parse(text, CsvPath, ManifestFormat.Csv));
        Assert.True(error.Message.StartsWith("/data/night/" + expected, StringComparison.Ordinal), $"message: {error.Message}");
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("{\"input\":\"a\",\"psf\":\"p\",\"output\":\"o\"}\n{\"input\": \"b\", \"psf\" \"p\"}\n", "frames.jsonl, line 2, character 22: not valid JSON")]
    [InlineData("{\"input\":\"a\",\"psf\":\"p\",\"outptu\":\"o\"}\n", "frames.jsonl, line 1, key 'outptu': unknown key")]
    [InlineData("{\"input\":\"a\",\"psf\":\"p\"}\n", "frames.jsonl, line 1: no output path given")]
    [InlineData("{\"input\":\"a\",\"psf\":\"p\",\"output\":\"o\",\"nspec\":true}\n", "frames.jsonl, line 1, key 'nspec': expected a string or a number, got true")]
    [InlineData("{\"input\":\"a\",\"psf\":\"p\",\"output\":\"o\",\"wmin\":\"6000\",\"wmax\":6100,\"dw\":\"x\"}\n", "frames.jsonl, line 1, key 'dw': expected a number, got 'x'")]
    [InlineData("[{\"input\":\"a\"}]\n", "frames.jsonl, line 1: a JSON array is not a manifest")]
    [InlineData("\"input\"\n", "frames.jsonl, line 1: expected a JSON object, got string")]
    public void JsonErrors_NameTheFileLineAndKey(string text, string expected)
    {
        var error = Assert.Throws<ManifestException>(() => Manifest.Parse(text, JsonPath, ManifestFormat.JsonLines));
        Assert.True(error.Message.StartsWith("/data/night/" + expected, StringComparison.Ordinal), $"message: {error.Message}");
    }

    [Fact]
    public void Read_OfAMissingFile_NamesIt()
    {
        string path = Path.Combine(Path.GetTempPath(), $"no-such-manifest-{Guid.NewGuid():N}.csv");
        var error = Assert.Throws<ManifestException>(() => Manifest.Read(path));
        Assert.StartsWith(path + ": cannot read the manifest", error.Message);
    }
}
