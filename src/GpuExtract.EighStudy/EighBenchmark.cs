using System.Diagnostics;
using System.Globalization;

namespace GpuExtract.EighStudy;

/// <summary>
/// The eigh size-scaling study (perf/README.md): for every input family and order n, batch size, precision and method,
/// times the decomposition of a batch (warm-ups, then repeats; median and minimum), splits batches that do not
/// fit the method's memory, skips points projected beyond the time budget, and validates the eigenpairs of up to
/// <see cref="EighBenchmarkOptions.ValidatedMatrices"/> matrices of the last repeat (<see cref="EighValidation"/>).
/// A validation failure or an exception of the method marks the point <see cref="EighPointStatus.Failed"/>; it
/// never stops the study.
/// </summary>
public sealed class EighBenchmark(EighBenchmarkOptions options, IReadOnlyList<IEighMethod> methods, TextWriter log)
{
    // GFLOP/s (EighFlopModel) each (method, precision) reached at its latest measured point, for the budget projection.
    private readonly Dictionary<(string, EighPrecision), double> _rates = [];
    private EighBatch? _batch;

    /// <summary>Runs every point; <paramref name="machine"/> goes into the results unchanged.</summary>
    public EighResults Run(MachineInfo machine)
    {
        var clock = Stopwatch.StartNew();
        var results = new EighResults
        {
            Machine = machine,
            Options = options,
            Methods = methods.Select(m => new EighMethodInfo(m.Name, m.Backend, m.Description)).ToList(),
        };
        foreach (IEighMethod method in methods)
        {
            foreach (EighPrecision precision in options.Precisions)
            {
                if (method.Unsupported(precision) is string why)
                {
                    results.Notes.Add($"{method.Name} {precision.Label()}: not run ({why})");
                    log.WriteLine($"note: {method.Name} {precision.Label()} not run: {why}");
                }
            }
        }
        foreach (EighInput input in Inputs(results))
        {
            RunInput(input, results);
        }
        _batch = null;
        results.Seconds = clock.Elapsed.TotalSeconds;
        machine.LoadAtEnd = MachineInfo.LoadAverage();
        return results;
    }

    /// <summary>Random sizes first (ascending), then the extraction families; each built only when reached.</summary>
    private IEnumerable<EighInput> Inputs(EighResults results)
    {
        if (options.RandomInputs)
        {
            foreach (int n in options.Sizes.Distinct().Order())
            {
                var clock = Stopwatch.StartNew();
                EighInput input = EighInput.Random(n, options.Seed);
                results.Inputs.Add(string.Create(CultureInfo.InvariantCulture,
                    $"random n={n}: {input.Pool.Count} distinct SPD matrices, condition {RandomSpdMatrix.DefaultCondition:0e0}, seed {options.Seed} (built in {clock.Elapsed.TotalSeconds:0.0} s)"));
                yield return input;
            }
        }
        if (options.Extraction is not null)
        {
            foreach (EighInput input in EighInput.FromExtraction(options.Extraction))
            {
                results.Inputs.Add($"{input.Name} n={input.N}: {input.Pool.Count} extraction matrices ({(input.Name == ExtractionMatrices.PatchKind ? "whole-patch iCov" : "per-fiber blocks of iCov^-1")})");
                yield return input;
            }
        }
    }

    private void RunInput(EighInput input, EighResults results)
    {
        foreach (int batch in options.Batches.Distinct().Order())
        {
            foreach (EighPrecision precision in options.Precisions)
            {
                foreach (IEighMethod method in methods)
                {
                    if (method.Unsupported(precision) is not null)
                    {
                        continue;
                    }
                    EighPoint point = RunPoint(input, batch, precision, method);
                    results.Points.Add(point);
                    log.WriteLine(Describe(point));
                }
            }
        }
    }

    private EighPoint RunPoint(EighInput input, int batchSize, EighPrecision precision, IEighMethod method)
    {
        int n = input.N;
        var point = new EighPoint
        {
            Input = input.Name,
            Method = method.Name,
            Backend = method.Backend,
            Precision = precision,
            N = n,
            Batch = batchSize,
            Repeats = options.Repeats,
            Tolerance = precision.Tolerance(),
            Status = EighPointStatus.Skipped,
        };

        // Split into chunks that fit the method's memory (halving until one does).
        int chunk = batchSize;
        while (chunk > 1 && method.MemoryBytes(n, chunk, precision) > method.MemoryAvailable)
        {
            chunk = (chunk + 1) / 2;
        }
        long memory = method.MemoryBytes(n, chunk, precision);
        int chunks = (batchSize + chunk - 1) / chunk;
        point = point with { Chunks = chunks, ChunkSize = chunk, MemoryBytes = memory };
        if (memory > method.MemoryAvailable || (long)n * n * chunk > Array.MaxLength)
        {
            return point with { Note = $"one matrix needs {Gigabytes(memory)} GB, more than the {Gigabytes(method.MemoryAvailable)} GB available" };
        }
        double flops = EighFlopModel.Flops(n) * batchSize * (options.Warmups + options.Repeats);
        if (_rates.TryGetValue((method.Name, precision), out double rate) && flops / (rate * 1e9) > options.PointBudgetSeconds)
        {
            return point with
            {
                Note = string.Create(CultureInfo.InvariantCulture,
                    $"projected {flops / (rate * 1e9):0} s > budget {options.PointBudgetSeconds:0} s (at {rate:0.0} GFLOP/s)"),
            };
        }
        string splitNote = chunks > 1
            ? $"split into {chunks} calls of <= {chunk} matrices ({Gigabytes(method.MemoryAvailable)} GB available)"
            : "";

        EighBatch batch = Batch(n, chunk, precision);
        int[] checkedIndices = ValidationIndices(batchSize);
        var times = new double[options.Repeats];
        var cpuTimes = new double[options.Repeats];
        var worst = new EighCheck(0, 0, n);
        try
        {
            for (int r = 0; r < options.Warmups + options.Repeats; r++)
            {
                bool last = r == options.Warmups + options.Repeats - 1;
                double seconds = 0, cpuSeconds = 0;
                for (int c = 0; c < chunks; c++)
                {
                    int first = c * chunk;
                    batch.Count = Math.Min(chunk, batchSize - first);
                    for (int b = 0; b < batch.Count; b++)
                    {
                        batch.Load(b, input.Pool[(first + b) % input.Pool.Count]);
                    }
                    TimeSpan cpuBefore = Environment.CpuUsage.TotalTime;
                    seconds += method.Decompose(batch);
                    cpuSeconds += (Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds;
                    if (last)
                    {
                        worst = ValidateChunk(input, batch, first, checkedIndices, worst);
                    }
                }
                if (r >= options.Warmups)
                {
                    times[r - options.Warmups] = seconds;
                    cpuTimes[r - options.Warmups] = cpuSeconds;
                }
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // Whatever the method threw (no convergence, a library status, a bug) fails this point, visibly, and the
            // study goes on; the exception type is kept for anything that is not the solvers' own report.
            string what = error is InvalidOperationException or NotSupportedException ? "" : $"{error.GetType().Name}: ";
            return point with { Status = EighPointStatus.Failed, Note = Join(splitNote, $"error: {what}{error.Message.ReplaceLineEndings(" ")}") };
        }

        double coresBusy = cpuTimes.Sum() / times.Sum();
        double median = Median(times);
        _rates[(method.Name, precision)] = EighFlopModel.Flops(n) * batchSize / median / 1e9;
        bool passed = worst.Passes(precision.Tolerance());
        string validationNote = passed ? "" : string.Create(CultureInfo.InvariantCulture,
            $"validation FAILED: residual {worst.Residual:0.0e0}, orthogonality {worst.Orthogonality:0.0e0} > {precision.Tolerance():0e0}");
        return point with
        {
            MedianSeconds = median,
            MinSeconds = times.Min(),
            CpuSeconds = Median(cpuTimes),
            CoresBusy = coresBusy,
            Residual = worst.Residual,
            Orthogonality = worst.Orthogonality,
            ColumnsChecked = worst.ColumnsChecked,
            MatricesChecked = checkedIndices.Length,
            Status = passed ? EighPointStatus.Ok : EighPointStatus.Failed,
            Note = Join(splitNote, validationNote),
        };
    }

    /// <summary>Median of <paramref name="values"/> (mean of the middle two for an even count); sorts a copy.</summary>
    private static double Median(double[] values)
    {
        double[] sorted = [.. values.Order()];
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);
    }

    /// <summary>Checks the matrices of <paramref name="indices"/> that fall in the chunk starting at batch index <paramref name="first"/>.</summary>
    private static EighCheck ValidateChunk(EighInput input, EighBatch batch, int first, int[] indices, EighCheck worst)
    {
        int n = input.N;
        foreach (int index in indices)
        {
            int b = index - first;
            if (b < 0 || b >= batch.Count)
            {
                continue;
            }
            double[] a = input.Pool[index % input.Pool.Count];
            EighCheck check;
            if (batch.Precision == EighPrecision.Double)
            {
                check = EighValidation.Check(a, batch.Matrix64(b), batch.Values64(b), n);
            }
            else
            {
                // The float32 solver was given A rounded to float32: check against that matrix.
                var rounded = new float[a.Length];
                for (int i = 0; i < a.Length; i++)
                {
                    rounded[i] = (float)a[i];
                }
                check = EighValidation.Check(rounded, batch.Matrix32(b), batch.Values32(b), n);
            }
            worst = EighCheck.Worst(worst, check);
        }
        return worst;
    }

    /// <summary>Up to <see cref="EighBenchmarkOptions.ValidatedMatrices"/> batch indices, evenly spread, first and last included.</summary>
    private int[] ValidationIndices(int batchSize)
    {
        int count = Math.Clamp(options.ValidatedMatrices, 1, batchSize);
        var indices = new int[count];
        for (int i = 0; i < count; i++)
        {
            indices[i] = count == 1 ? 0 : (int)((long)i * (batchSize - 1) / (count - 1));
        }
        return indices;
    }

    /// <summary>The batch buffers for this point, reused while n, capacity and precision stay the same.</summary>
    private EighBatch Batch(int n, int capacity, EighPrecision precision)
    {
        if (_batch is { } current && current.N == n && current.Capacity == capacity && current.Precision == precision)
        {
            return current;
        }
        bool large = _batch is not null && EighBatch.Bytes(_batch.N, _batch.Capacity, _batch.Precision) > (256L << 20);
        _batch = null;
        if (large)
        {
            GC.Collect(); // release the previous multi-GB batch before allocating the next one
        }
        _batch = new EighBatch(n, capacity, precision);
        return _batch;
    }

    /// <summary>One progress line for a point.</summary>
    public static string Describe(EighPoint p)
    {
        string head = string.Create(CultureInfo.InvariantCulture, $"{p.Input,-6} {p.Precision.Label()} n={p.N,-5} batch={p.Batch,-5} {p.Method,-14}");
        if (!p.Measured)
        {
            return $"{head} {p.Status.ToString().ToLowerInvariant()}: {p.Note}";
        }
        string figures = string.Create(CultureInfo.InvariantCulture,
            $"median {p.MedianSeconds:0.000e0} s, min {p.MinSeconds:0.000e0} s, {p.MatricesPerSecond:0.##e0} matrices/s, {p.GigaflopsPerSecond:0.00} GFLOP/s, {p.CoresBusy:0.0} cores busy, residual {p.Residual:0.0e0}, orthogonality {p.Orthogonality:0.0e0}");
        return $"{head} {figures} {(p.Status == EighPointStatus.Ok ? "ok" : "FAILED")}{(p.Note.Length > 0 ? $" ({p.Note})" : "")}";
    }

    private static string Gigabytes(long bytes) => (bytes / 1e9).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Join(string a, string b) => a.Length == 0 ? b : b.Length == 0 ? a : $"{a}; {b}";
}
