using System.Globalization;
using GpuExtract.Fuzz;

// Seeded mutation fuzzing of the extraction: dotnet run -c Release --project perf/Fuzz -- [--cases 10000] [--seed 1]
// [--first 0] [--shared DIR] (default: $GPUEXTRACT_SHARED, else ../shared beside the checkout). Prints the tally; exit 1 when any case broke the promise.
int cases = 10_000;
long seed = 1;
int first = 0;
string? shared = null;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--cases":
            cases = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--seed":
            seed = long.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--first":
            first = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--shared":
            shared = args[i + 1];
            break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}; options: --cases N --seed S --first I --shared DIR");
            return 2;
    }
}
shared ??= Environment.GetEnvironmentVariable("GPUEXTRACT_SHARED") ?? FindShared();
string scratch = Path.Combine(Path.GetTempPath(), $"gpuextract-fuzz-{Environment.ProcessId}");
try
{
    var inputs = new List<FuzzInput> { FuzzInput.Synthetic(scratch) };
    FuzzInput? real = FuzzInput.RealLayout(shared, scratch, out string reason);
    if (real is null)
    {
        Console.WriteLine(reason);
    }
    else
    {
        inputs.Add(real);
    }
    Console.WriteLine($"fuzzing {cases} cases from {first}, seed {seed}, inputs {string.Join(", ", inputs.Select(x => x.Name))}");
    using var runner = new FuzzRunner(inputs, scratch);
    FuzzTally tally = runner.Run(seed, cases, first, Console.WriteLine);
    Console.Write(tally);
    return tally.Failures.Count == 0 ? 0 : 1;
}
finally
{
    Directory.Delete(scratch, recursive: true);
}

// ../shared beside the repository (found from the working directory upwards).
static string? FindShared()
{
    for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "GpuExtract.sln")))
        {
            string shared = Path.Combine(dir.FullName, "..", "shared");
            return Directory.Exists(shared) ? Path.GetFullPath(shared) : null;
        }
    }
    return null;
}
