using System.Globalization;
using System.Text;

namespace GpuExtract.EighStudy;

/// <summary>
/// The points as CSV (RFC 4180, one row per point, invariant culture, empty cells for figures not measured),
/// preceded by <c>#</c> comment lines with the machine, the FLOP model and the validation rule: read it with
/// <c>pandas.read_csv(path, comment="#")</c>. Times are seconds per batch.
/// </summary>
public static class EighResultsCsv
{
    /// <summary>Column names, in order.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "input", "method", "backend", "precision", "n", "batch", "chunks", "chunk_size", "repeats",
        "median_s", "min_s", "matrices_per_s", "gflops", "cpu_s", "cores_busy", "memory_bytes",
        "residual", "orthogonality", "tolerance", "matrices_checked", "columns_checked", "status", "note",
    ];

    /// <summary>The whole CSV text.</summary>
    public static string Format(EighResults results)
    {
        var text = new StringBuilder();
        foreach ((string key, string value) in EighResultsJson.MachineFields(results.Machine))
        {
            text.Append("# ").Append(key).Append(": ").AppendLine(value.ReplaceLineEndings(" "));
        }
        text.Append("# flop_model: ").AppendLine(EighFlopModel.Description);
        text.Append("# validation: ").AppendLine(EighResultsJson.ValidationRule);
        text.AppendLine(string.Join(',', Columns));
        foreach (EighPoint p in results.Points)
        {
            string[] cells =
            [
                p.Input, p.Method, p.Backend, p.Precision.Label(), Integer(p.N), Integer(p.Batch), Integer(p.Chunks), Integer(p.ChunkSize), Integer(p.Repeats),
                Number(p.MedianSeconds), Number(p.MinSeconds),
                p.Measured ? Number(p.MatricesPerSecond) : "", p.Measured ? Number(p.GigaflopsPerSecond) : "", Number(p.CpuSeconds), Number(p.CoresBusy),
                p.MemoryBytes.ToString(CultureInfo.InvariantCulture),
                Number(p.Residual), Number(p.Orthogonality), Number(p.Tolerance), Integer(p.MatricesChecked), Integer(p.ColumnsChecked),
                p.Status.ToString().ToLowerInvariant(), p.Note,
            ];
            for (int i = 0; i < cells.Length; i++)
            {
                if (i > 0)
                {
                    text.Append(',');
                }
                text.Append(Quote(cells[i]));
            }
            text.AppendLine();
        }
        return text.ToString();
    }

    /// <summary>Writes <see cref="Format"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, EighResults results) => File.WriteAllText(path, Format(results), new UTF8Encoding(false));

    /// <summary>Six significant digits (round-trips the measured precision); empty for NaN.</summary>
    private static string Number(double value) => double.IsFinite(value) ? value.ToString("G6", CultureInfo.InvariantCulture) : "";

    private static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A cell quoted (quotes doubled) when it holds a comma, quote or line break.</summary>
    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") < 0 ? cell : "\"" + cell.Replace("\"", "\"\"") + "\"";
}
