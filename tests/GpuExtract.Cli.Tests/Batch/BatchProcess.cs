using System.Diagnostics;
using System.Text;
using GpuExtract.Testing;

namespace GpuExtract.Cli.Tests.Batch;

/// <summary>
/// Runs the real <c>gpuextract</c> (or <c>mpirun … gpuextract</c>) as a child process with a chosen
/// environment: launcher variables of the test's own environment (a CI job under Slurm) are removed, so
/// each run sees only the launcher the test means.
/// </summary>
internal sealed class BatchProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder stdout = new(), stderr = new();

    private BatchProcess(Process process) => this.process = process;

    /// <summary>The <c>dotnet</c> that runs the tests (DOTNET_HOST_PATH), else the one on PATH.</summary>
    public static string DotNet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>The built gpuextract.dll beside the tests.</summary>
    public static string GpuExtractDll { get; } = Path.Combine(AppContext.BaseDirectory, "gpuextract.dll");

    /// <summary>mpirun on PATH, or null.</summary>
    public static string? Mpirun { get; } = TestEnvironment.FindOnPath("mpirun");

    public bool HasExited => process.HasExited;

    public string Stdout
    {
        get
        {
            lock (stdout)
            {
                return stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }
    }

    /// <summary><c>dotnet gpuextract.dll ARGS</c> as a lone process (no launcher variables).</summary>
    public static BatchProcess StartGpuExtract(string workingDirectory, params string[] args) =>
        Start(DotNet, [GpuExtractDll, .. args], workingDirectory, []);

    /// <summary><c>dotnet gpuextract.dll ARGS</c> with <paramref name="environment"/> added (e.g. the variables of an srun task).</summary>
    public static BatchProcess StartGpuExtract(string workingDirectory, Dictionary<string, string> environment, params string[] args) =>
        Start(DotNet, [GpuExtractDll, .. args], workingDirectory, environment);

    /// <summary><c>mpirun -np RANKS dotnet gpuextract.dll ARGS</c>, allowed to run as root and to oversubscribe the cores.</summary>
    public static BatchProcess StartMpirun(int ranks, string workingDirectory, params string[] args) =>
        Start(Mpirun!, ["--oversubscribe", "--bind-to", "none", "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), DotNet, GpuExtractDll, .. args],
            workingDirectory,
            new Dictionary<string, string>
            {
                // Open MPI refuses root without these (CI containers run as root).
                ["OMPI_ALLOW_RUN_AS_ROOT"] = "1",
                ["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1",
            });

    /// <summary>Waits for the exit; kills the process tree and fails after <paramref name="limit"/>.</summary>
    public int WaitForExit(TimeSpan limit)
    {
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{process.StartInfo.FileName} did not finish in {limit.TotalSeconds} s; stdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        process.WaitForExit(); // drains the output events
        return process.ExitCode;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        process.Dispose();
    }

    private static BatchProcess Start(string fileName, IEnumerable<string> args, string workingDirectory, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (string name in info.Environment.Keys.ToArray())
        {
            if (name.StartsWith("SLURM_", StringComparison.Ordinal) || name.StartsWith("OMPI_", StringComparison.Ordinal)
                || name.StartsWith("PMI_", StringComparison.Ordinal) || name.StartsWith("PMIX_", StringComparison.Ordinal))
            {
                info.Environment.Remove(name);
            }
        }
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        var process = new Process { StartInfo = info };
        var run = new BatchProcess(process);
        process.OutputDataReceived += (_, e) => Append(run.stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(run.stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (text)
        {
            text.AppendLine(line);
        }
    }
}
