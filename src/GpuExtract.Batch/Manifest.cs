using System.Globalization;
using System.Text;
using System.Text.Json;
using GpuExtract.Core.Extraction;
using GpuExtract.Fits;

namespace GpuExtract.Batch;

/// <summary>
/// The frames of a batch run, read from a manifest file: CSV with a header row, or JSON lines, with
/// keys <c>input, psf, output</c> and optionally <c>camera, wmin, wmax, dw, psferr, specmin, nspec</c>.
/// Relative input and PSF paths are relative to the manifest's directory; relative output paths to
/// the output directory when one is given, else also to the manifest's directory. Blank lines and
/// lines starting with <c>#</c> are ignored in both formats.
/// </summary>
public sealed class Manifest
{
    /// <summary>Columns every row must give.</summary>
    public static IReadOnlyList<string> RequiredColumns { get; } = ["input", "psf", "output"];

    /// <summary>Columns a row may give (empty or null = not given).</summary>
    public static IReadOnlyList<string> OptionalColumns { get; } = ["camera", "wmin", "wmax", "dw", "psferr", "specmin", "nspec"];

    private Manifest(string path, ManifestFormat format, IReadOnlyList<ManifestEntry> entries)
    {
        Path = path;
        Format = format;
        Entries = entries;
    }

    /// <summary>The manifest file, absolute path.</summary>
    public string Path { get; }

    /// <summary>The manifest's directory, against which relative paths are taken.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    public ManifestFormat Format { get; }

    /// <summary>The frames in manifest order; at least one.</summary>
    public IReadOnlyList<ManifestEntry> Entries { get; }

    /// <summary>
    /// Reads the manifest at <paramref name="path"/>: <c>.csv</c> is CSV, <c>.jsonl</c>, <c>.ndjson</c> and
    /// <c>.json</c> are JSON lines, anything else is JSON lines when its first line starts with <c>{</c>.
    /// </summary>
    /// <param name="path">The manifest file.</param>
    /// <param name="outputDirectory">Where relative output paths go; null = the manifest's directory.</param>
    /// <exception cref="ManifestException">the file is unreadable or a row is wrong (file, line, column).</exception>
    /// <param name="allowOutside">Accept outputs outside the output directory (otherwise a row whose output escapes it is refused).</param>
    public static Manifest Read(string path, string? outputDirectory = null, bool allowOutside = false)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException(path, null, null, $"cannot read the manifest: {e.Message}");
        }
        return Parse(text, path, DetectFormat(path, text), outputDirectory, allowOutside);
    }

    /// <summary>
    /// Parses manifest text as if read from <paramref name="path"/> (which anchors relative paths).
    /// Outputs are compared by real path (symlinked folders resolved) and file identity with each other,
    /// with every input and with the manifest itself; unless <paramref name="allowOutside"/>, each must lie
    /// inside the output directory (the manifest's folder or <paramref name="outputDirectory"/>).
    /// </summary>
    /// <exception cref="ManifestException">a row is wrong.</exception>
    public static Manifest Parse(string text, string path, ManifestFormat format, string? outputDirectory = null, bool allowOutside = false)
    {
        string fullPath = System.IO.Path.GetFullPath(path);
        string baseDirectory = System.IO.Path.GetDirectoryName(fullPath)!;
        string outputBase = outputDirectory is null ? baseDirectory : System.IO.Path.GetFullPath(outputDirectory);
        IEnumerable<ManifestRow> rows = format == ManifestFormat.Csv ? CsvRows(text, path) : JsonRows(text, path);

        var entries = new List<ManifestEntry>();
        var outputs = new Dictionary<string, int>(StringComparer.Ordinal);
        var inputs = new FileIdentities();
        inputs.Add(fullPath, 0);
        foreach (ManifestRow row in rows)
        {
            ManifestEntry entry = row.ToEntry(entries.Count, baseDirectory, outputBase);
            if (!allowOutside && !RealPath.IsWithin(entry.Output, outputBase))
            {
                throw row.Error("output", $"{entry.Output} is outside {outputBase}; outputs stay inside the manifest's folder (or --outdir) unless --allow-outside is given");
            }
            string realOutput = RealPath.Of(entry.Output);
            if (outputs.TryGetValue(realOutput, out int firstLine))
            {
                throw row.Error("output", $"{entry.Output} is already the output of line {firstLine}; every frame needs its own output");
            }
            outputs[realOutput] = row.Line;
            inputs.Add(entry.Input, row.Line);
            inputs.Add(entry.Psf, row.Line);
            entries.Add(entry);
        }
        if (entries.Count == 0)
        {
            throw new ManifestException(path, null, null, "the manifest lists no frames");
        }
        foreach (ManifestEntry entry in entries)
        {
            if (inputs.Find(entry.Output) is int line)
            {
                throw new ManifestException(path, entry.Line, null, line == 0
                    ? $"output {entry.Output} is the manifest itself; it would be overwritten"
                    : $"output {entry.Output} is an input of line {line}; it would be overwritten");
            }
        }
        return new Manifest(fullPath, format, entries);
    }

    /// <summary>The format of a manifest, from its extension, else from its first significant character.</summary>
    public static ManifestFormat DetectFormat(string path, string text)
    {
        string extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".csv")
        {
            return ManifestFormat.Csv;
        }
        if (extension is ".jsonl" or ".ndjson" or ".json")
        {
            return ManifestFormat.JsonLines;
        }
        foreach ((_, string line) in SignificantLines(text))
        {
            return line.TrimStart().StartsWith('{') ? ManifestFormat.JsonLines : ManifestFormat.Csv;
        }
        return ManifestFormat.Csv;
    }

    /// <summary>Non-blank lines that are not <c>#</c> comments, with their 1-based line numbers.</summary>
    private static IEnumerable<(int Line, string Text)> SignificantLines(string text)
    {
        int number = 0;
        foreach (string raw in text.Split('\n'))
        {
            number++;
            string line = raw.TrimEnd('\r');
            if (number == 1)
            {
                line = line.TrimStart('\uFEFF');
            }
            string trimmed = line.Trim();
            if (trimmed.Length > 0 && trimmed[0] != '#')
            {
                yield return (number, line);
            }
        }
    }

    private static IEnumerable<ManifestRow> CsvRows(string text, string path)
    {
        string[]? header = null;
        int headerLine = 0;
        foreach ((int line, string content) in SignificantLines(text))
        {
            List<string> fields = CsvFields(content, path, line);
            if (header is null)
            {
                header = ReadHeader(fields, path, line);
                headerLine = line;
                continue;
            }
            if (fields.Count != header.Length)
            {
                throw new ManifestException(path, line, null,
                    $"{fields.Count} fields, but the header (line {headerLine}) has {header.Length} columns");
            }
            var row = new ManifestRow(path, line);
            for (int c = 0; c < header.Length; c++)
            {
                row.Add(header[c], fields[c].Length == 0 ? null : fields[c], $"column {c + 1} ({header[c]})");
            }
            yield return row;
        }
    }

    private static string[] ReadHeader(List<string> fields, string path, int line)
    {
        var names = new string[fields.Count];
        for (int c = 0; c < fields.Count; c++)
        {
            string name = fields[c].Trim().ToLowerInvariant();
            string where = $"column {c + 1}";
            if (!IsKnownColumn(name))
            {
                throw new ManifestException(path, line, where,
                    $"unknown column '{fields[c]}' in the header (columns: {string.Join(", ", RequiredColumns.Concat(OptionalColumns))})");
            }
            if (Array.IndexOf(names, name, 0, c) >= 0)
            {
                throw new ManifestException(path, line, where, $"column '{name}' appears twice in the header");
            }
            names[c] = name;
        }
        foreach (string required in RequiredColumns)
        {
            if (Array.IndexOf(names, required) < 0)
            {
                throw new ManifestException(path, line, null, $"the header has no '{required}' column (a CSV manifest needs a header row with input,psf,output)");
            }
        }
        return names;
    }

    /// <summary>Splits one CSV line into fields: RFC 4180 quoting (<c>"a,b"</c>, <c>""</c> for a quote), spaces around fields trimmed.</summary>
    private static List<string> CsvFields(string line, string path, int lineNumber)
    {
        var fields = new List<string>();
        var quoted = new StringBuilder();
        int i = 0;
        while (true)
        {
            while (i < line.Length && line[i] is ' ' or '\t')
            {
                i++;
            }
            if (i < line.Length && line[i] == '"')
            {
                quoted.Clear();
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new ManifestException(path, lineNumber, $"column {fields.Count + 1}", "quoted field has no closing quote (fields cannot span lines)");
                    }
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            quoted.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    quoted.Append(line[i++]);
                }
                while (i < line.Length && line[i] is ' ' or '\t')
                {
                    i++;
                }
                fields.Add(quoted.ToString());
                if (i >= line.Length)
                {
                    return fields;
                }
                if (line[i] != ',')
                {
                    throw new ManifestException(path, lineNumber, $"column {fields.Count}", $"unexpected '{line[i]}' after a quoted field");
                }
                i++;
                continue;
            }
            int comma = line.IndexOf(',', i);
            string raw = comma < 0 ? line[i..] : line[i..comma];
            if (raw.Contains('"'))
            {
                throw new ManifestException(path, lineNumber, $"column {fields.Count + 1}", "a quote inside an unquoted field (quote the whole field)");
            }
            fields.Add(raw.Trim());
            if (comma < 0)
            {
                return fields;
            }
            i = comma + 1;
        }
    }

    private static IEnumerable<ManifestRow> JsonRows(string text, string path)
    {
        foreach ((int line, string content) in SignificantLines(text))
        {
            if (content.TrimStart().StartsWith('['))
            {
                throw new ManifestException(path, line, null, "a JSON array is not a manifest: write one JSON object per line (JSON lines)");
            }
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(content);
            }
            catch (JsonException e)
            {
                string where = e.BytePositionInLine is long position ? $"character {position + 1}" : "";
                throw new ManifestException(path, line, where.Length > 0 ? where : null, "not valid JSON (each line must be one JSON object)");
            }
            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new ManifestException(path, line, null, $"expected a JSON object, got {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
                }
                var row = new ManifestRow(path, line);
                foreach (JsonProperty property in document.RootElement.EnumerateObject())
                {
                    string name = property.Name.Trim().ToLowerInvariant();
                    string where = $"key '{property.Name}'";
                    if (!IsKnownColumn(name))
                    {
                        throw new ManifestException(path, line, where,
                            $"unknown key (keys: {string.Join(", ", RequiredColumns.Concat(OptionalColumns))})");
                    }
                    if (row.Has(name))
                    {
                        throw new ManifestException(path, line, where, "the key appears twice");
                    }
                    string? value = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString() is { Length: > 0 } s ? s : null,
                        JsonValueKind.Number => property.Value.GetRawText(),
                        JsonValueKind.Null => null,
                        _ => throw new ManifestException(path, line, where,
                            $"expected a string or a number, got {property.Value.ValueKind.ToString().ToLowerInvariant()}"),
                    };
                    row.Add(name, value, where);
                }
                yield return row;
            }
        }
    }

    private static bool IsKnownColumn(string name) => RequiredColumns.Contains(name) || OptionalColumns.Contains(name);

    /// <summary>One row's fields by column name, turned into a <see cref="ManifestEntry"/> with checked values.</summary>
    private sealed class ManifestRow(string path, int line)
    {
        private readonly Dictionary<string, (string? Value, string Where)> fields = new(StringComparer.Ordinal);

        public int Line { get; } = line;

        public bool Has(string name) => fields.ContainsKey(name);

        public void Add(string name, string? value, string where) => fields[name] = (value, where);

        public ManifestException Error(string name, string detail) =>
            new(path, Line, fields.TryGetValue(name, out var field) ? field.Where : $"key '{name}'", detail);

        public ManifestEntry ToEntry(int index, string baseDirectory, string outputBase)
        {
            string input = System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, Required("input")));
            string psf = System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, Required("psf")));
            string output = System.IO.Path.GetFullPath(System.IO.Path.Combine(outputBase, Required("output")));

            string? camera = Text("camera");
            if (camera is not null && !CameraPreset.TryGet(camera, out _))
            {
                throw Error("camera", $"expected {CameraPreset.Accepted}, got '{camera}'");
            }
            double? wmin = Double("wmin"), wmax = Double("wmax"), dw = Double("dw");
            WavelengthRange? wavelength = null;
            if (wmin is not null || wmax is not null || dw is not null)
            {
                string? missing = wmin is null ? "wmin" : wmax is null ? "wmax" : dw is null ? "dw" : null;
                if (missing is not null)
                {
                    throw new ManifestException(path, Line, null, $"wmin, wmax and dw go together, but {missing} is not given");
                }
                if (!(dw > 0) || !(wmax > wmin))
                {
                    throw Error("dw", $"wavelength grid {wmin},{wmax},{dw} is not increasing (need wmin < wmax and dw > 0)");
                }
                wavelength = new WavelengthRange(wmin!.Value, wmax!.Value, dw!.Value);
                if (wavelength.Value.Count is < 2 or > 1_000_000)
                {
                    throw Error("dw", $"wavelength grid {wavelength} has {wavelength.Value.Count} bins; expected 2 to 1000000");
                }
            }
            double? psfError = Double("psferr");
            if (psfError is <= 0)
            {
                throw Error("psferr", $"psferr must be positive, got {psfError}");
            }
            int? specMin = Int("specmin");
            if (specMin is < 0)
            {
                throw Error("specmin", $"specmin must be 0 or more, got {specMin}");
            }
            int? nspec = Int("nspec");
            if (nspec is < 1)
            {
                throw Error("nspec", $"nspec must be at least 1, got {nspec}");
            }
            var settings = new FrameSettings { Wavelength = wavelength, PsfError = psfError, SpecMin = specMin, NSpec = nspec };
            return new ManifestEntry(index, Line, input, psf, output, camera, settings);
        }

        private string Required(string name)
        {
            string value = Text(name) ?? throw new ManifestException(path, Line, fields.TryGetValue(name, out var f) ? f.Where : null,
                $"no {name} path given (every row needs input, psf and output)");
            return value.Contains('\0', StringComparison.Ordinal) ? throw Error(name, $"the {name} path contains a NUL character") : value;
        }

        private string? Text(string name) => fields.TryGetValue(name, out var field) ? field.Value?.Trim() is { Length: > 0 } text ? text : null : null;

        private double? Double(string name)
        {
            string? text = Text(name);
            if (text is null)
            {
                return null;
            }
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
                ? value
                : throw Error(name, $"expected a number, got '{text}'");
        }

        private int? Int(string name)
        {
            string? text = Text(name);
            if (text is null)
            {
                return null;
            }
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
                ? value
                : throw Error(name, $"expected a whole number, got '{text}'");
        }
    }
}
