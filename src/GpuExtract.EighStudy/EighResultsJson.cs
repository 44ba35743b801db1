using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace GpuExtract.EighStudy;

/// <summary>
/// The whole study as one JSON document: machine, FLOP model, validation rule, options, methods, inputs, notes
/// and points (figures not measured are null). Field names are the CSV's columns.
/// </summary>
public static class EighResultsJson
{
    /// <summary>The validation rule, one line, for the result files.</summary>
    public static readonly string ValidationRule = string.Create(CultureInfo.InvariantCulture,
        $"max_k ||A v_k - lambda_k v_k||_2 / ||A||_F and max |V^T V - I| entry <= {EighPrecision.Double.Tolerance():0e0} (f64) or {EighPrecision.Single.Tolerance():0e0} (f32), " +
        $"computed in float64 on up to the point's matrices_checked matrices of the last repeat (first and last included), all eigenpairs up to n = {EighValidation.FullCheckMaxN}, {EighValidation.SampledColumns} spread ones above");

    /// <summary>The machine as (key, value) pairs, absent GPU fields left out.</summary>
    public static IEnumerable<(string Key, string Value)> MachineFields(MachineInfo m)
    {
        yield return ("cpu", m.CpuModel);
        yield return ("logical_cores", m.LogicalCores.ToString(CultureInfo.InvariantCulture));
        yield return ("memory_bytes", m.MemoryBytes.ToString(CultureInfo.InvariantCulture));
        yield return ("os", m.OperatingSystem);
        yield return ("runtime", m.Runtime);
        yield return ("simd", m.Simd);
        yield return ("build", m.BuildConfiguration);
        yield return ("lapack", m.Lapack);
        if (m.GpuName is not null)
        {
            yield return ("gpu", m.GpuName);
        }
        if (m.GpuDriver is not null)
        {
            yield return ("gpu_driver", m.GpuDriver);
        }
        if (m.GpuLibraries is not null)
        {
            yield return ("gpu_libraries", m.GpuLibraries);
        }
        if (m.GpuName is null && m.GpuAbsentReason is not null)
        {
            yield return ("gpu", $"none ({m.GpuAbsentReason})");
        }
        yield return ("started_utc", m.StartedUtc);
        if (m.LoadAtStart is not null)
        {
            yield return ("load_average_at_start", m.LoadAtStart);
        }
        if (m.LoadAtEnd is not null)
        {
            yield return ("load_average_at_end", m.LoadAtEnd);
        }
    }

    /// <summary>The JSON text (indented; only what JSON requires is escaped, since this is a file, not HTML).</summary>
    public static string Format(EighResults results)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject("machine");
            foreach ((string key, string value) in MachineFields(results.Machine))
            {
                if (key is "logical_cores" or "memory_bytes")
                {
                    json.WriteNumber(key, long.Parse(value, CultureInfo.InvariantCulture));
                }
                else
                {
                    json.WriteString(key, value);
                }
            }
            json.WriteEndObject();
            json.WriteString("flop_model", EighFlopModel.Description);
            json.WriteString("validation", ValidationRule);
            json.WriteNumber("seconds", Math.Round(results.Seconds, 3));

            EighBenchmarkOptions o = results.Options;
            json.WriteStartObject("options");
            WriteArray(json, "sizes", o.Sizes);
            WriteArray(json, "batches", o.Batches);
            json.WriteStartArray("precisions");
            foreach (EighPrecision precision in o.Precisions)
            {
                json.WriteStringValue(precision.Label());
            }
            json.WriteEndArray();
            json.WriteNumber("repeats", o.Repeats);
            json.WriteNumber("warmups", o.Warmups);
            json.WriteNumber("point_budget_s", o.PointBudgetSeconds);
            json.WriteNumber("validated_matrices", o.ValidatedMatrices);
            json.WriteNumber("seed", o.Seed);
            json.WriteEndObject();

            json.WriteStartArray("methods");
            foreach (EighMethodInfo method in results.Methods)
            {
                json.WriteStartObject();
                json.WriteString("name", method.Name);
                json.WriteString("backend", method.Backend);
                json.WriteString("description", method.Description);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            WriteStrings(json, "inputs", results.Inputs);
            WriteStrings(json, "notes", results.Notes);

            json.WriteStartArray("points");
            foreach (EighPoint p in results.Points)
            {
                json.WriteStartObject();
                json.WriteString("input", p.Input);
                json.WriteString("method", p.Method);
                json.WriteString("backend", p.Backend);
                json.WriteString("precision", p.Precision.Label());
                json.WriteNumber("n", p.N);
                json.WriteNumber("batch", p.Batch);
                json.WriteNumber("chunks", p.Chunks);
                json.WriteNumber("chunk_size", p.ChunkSize);
                json.WriteNumber("repeats", p.Repeats);
                WriteNumber(json, "median_s", p.MedianSeconds);
                WriteNumber(json, "min_s", p.MinSeconds);
                WriteNumber(json, "matrices_per_s", p.Measured ? p.MatricesPerSecond : double.NaN);
                WriteNumber(json, "gflops", p.Measured ? p.GigaflopsPerSecond : double.NaN);
                WriteNumber(json, "cpu_s", p.CpuSeconds);
                WriteNumber(json, "cores_busy", p.CoresBusy);
                json.WriteNumber("memory_bytes", p.MemoryBytes);
                WriteNumber(json, "residual", p.Residual);
                WriteNumber(json, "orthogonality", p.Orthogonality);
                json.WriteNumber("tolerance", p.Tolerance);
                json.WriteNumber("matrices_checked", p.MatricesChecked);
                json.WriteNumber("columns_checked", p.ColumnsChecked);
                json.WriteString("status", p.Status.ToString().ToLowerInvariant());
                json.WriteString("note", p.Note);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Writes <see cref="Format"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, EighResults results) => File.WriteAllText(path, Format(results), new UTF8Encoding(false));

    /// <summary>A number, or null when not finite (JSON has no NaN).</summary>
    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteArray(Utf8JsonWriter json, string name, IEnumerable<int> values)
    {
        json.WriteStartArray(name);
        foreach (int value in values)
        {
            json.WriteNumberValue(value);
        }
        json.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }
        json.WriteEndArray();
    }
}
