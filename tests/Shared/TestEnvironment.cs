using System.Diagnostics;
using System.Reflection;

namespace GpuExtract.Testing;

/// <summary>
/// Where the repository, the shared data (<c>../shared</c> or GPUEXTRACT_SHARED) and the independent interop tools (astropy, fitsverify)
/// are, for tests that need them. Tests that need something absent call <see cref="SkipUnless"/>.
/// </summary>
public static class TestEnvironment
{
    /// <summary>Repository root, recorded at build time (works wherever the build output lives).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Environment variable naming the shared data directory when it is not <c>../shared</c> beside the checkout.</summary>
    public const string SharedVariable = "GPUEXTRACT_SHARED";

    /// <summary>
    /// The shared data (the DESI PSF and reference outputs): the directory named by GPUEXTRACT_SHARED when
    /// that is set, else <c>../shared</c> beside the checkout; null when it is absent (a fresh clone has none).
    /// </summary>
    public static string? SharedDirectory
    {
        get
        {
            string path = SharedCandidate;
            return Directory.Exists(path) ? path : null;
        }
    }

    /// <summary>Where the shared data is looked for, for skip messages: both the variable and <c>../shared</c>.</summary>
    public static string SharedLocation =>
        Environment.GetEnvironmentVariable(SharedVariable) is { Length: > 0 } configured
            ? $"{SharedVariable}={configured}"
            : $"../shared beside {RepositoryRoot} ({SharedVariable} not set)";

    private static string SharedCandidate =>
        Environment.GetEnvironmentVariable(SharedVariable) is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    /// <summary>True when <c>GPUEXTRACT_REQUIRE_INTEROP=1</c>: absent interop tools then fail tests instead of skipping.</summary>
    public static bool InteropRequired => Environment.GetEnvironmentVariable("GPUEXTRACT_REQUIRE_INTEROP") == "1";

    /// <summary>Path of a file in the shared data, or null (with the reason) when the shared data or the file is absent.</summary>
    public static string? SharedFile(string relativePath, out string reason)
    {
        string? shared = SharedDirectory;
        if (shared is null)
        {
            reason = $"no shared data at {SharedLocation}; set {SharedVariable} or place it at ../shared; reference-data test skipped";
            return null;
        }
        string path = Path.Combine(shared, relativePath);
        reason = File.Exists(path) ? "" : $"{path} is absent (shared data from {SharedLocation}); reference-data test skipped";
        return File.Exists(path) ? path : null;
    }

    /// <summary>A python3 interpreter that can import astropy and numpy, or null.</summary>
    public static string? PythonWithAstropy { get; } = FindPython();

    /// <summary>The fitsverify executable, or null.</summary>
    public static string? FitsVerify { get; } = FindOnPath("fitsverify");

    /// <summary>
    /// Skip the calling test with <paramref name="reason"/> when <paramref name="available"/> is false,
    /// except for interop tools under GPUEXTRACT_REQUIRE_INTEROP=1, where absence is a failure.
    /// </summary>
    public static void SkipUnless(bool available, string reason, bool isInteropTool = false)
    {
        if (available)
        {
            return;
        }
        if (isInteropTool && InteropRequired)
        {
            Assert.Fail($"GPUEXTRACT_REQUIRE_INTEROP=1 but {reason}");
        }
        Skip.If(true, reason);
    }

    /// <summary>Runs python with astropy on <paramref name="script"/>; returns stdout, fails the test on error.</summary>
    public static string RunPython(string script, params string[] args)
    {
        SkipUnless(PythonWithAstropy is not null, "python3 with astropy is not installed (apt-get install python3-astropy)", isInteropTool: true);
        string scriptPath = Path.Combine(Path.GetTempPath(), $"gpuextract-test-{Guid.NewGuid():N}.py");
        File.WriteAllText(scriptPath, script);
        try
        {
            var (code, stdout, stderr) = Run(PythonWithAstropy!, [scriptPath, .. args]);
            Assert.True(code == 0, $"python failed ({code}): {stderr}");
            return stdout;
        }
        finally
        {
            File.Delete(scriptPath);
        }
    }

    /// <summary>Runs fitsverify on <paramref name="path"/> and fails unless it reports 0 warnings and 0 errors.</summary>
    public static void AssertFitsVerifyClean(string path)
    {
        SkipUnless(FitsVerify is not null, "fitsverify is not installed (apt-get install fitsverify)", isInteropTool: true);
        var (_, stdout, stderr) = Run(FitsVerify!, [path]);
        string report = stdout + stderr;
        Assert.True(report.Contains("Verification found 0 warning(s) and 0 error(s)", StringComparison.Ordinal),
            $"fitsverify {path}:\n{report}");
    }

    /// <summary>Runs a process to completion (2 minute limit) and returns its exit code and output.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string fileName, IEnumerable<string> args, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {fileName}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish in 2 minutes");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string FindRepositoryRoot()
    {
        foreach (var attribute in typeof(TestEnvironment).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (attribute.Key == "GpuExtract.RepositoryRoot" && attribute.Value is { Length: > 0 } root && Directory.Exists(root))
            {
                return Path.GetFullPath(root);
            }
        }
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "GpuExtract.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }
        return dir ?? throw new InvalidOperationException("cannot locate the repository root (GpuExtract.sln)");
    }

    private static string? FindPython()
    {
        // Debian's python3-astropy lives with /usr/bin/python3, which may not be the first python3 on PATH.
        foreach (string candidate in new[] { "/usr/bin/python3", FindOnPath("python3") ?? "" })
        {
            if (candidate.Length == 0 || !File.Exists(candidate))
            {
                continue;
            }
            try
            {
                var (code, _, _) = Run(candidate, ["-c", "import astropy, numpy"]);
                if (code == 0)
                {
                    return candidate;
                }
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or TimeoutException)
            {
            }
        }
        return null;
    }

    /// <summary>The first file called <paramref name="name"/> in a PATH directory, or null.</summary>
    public static string? FindOnPath(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string path = Path.Combine(dir, name);
            if (File.Exists(path))
            {
                return path;
            }
        }
        return null;
    }
}
