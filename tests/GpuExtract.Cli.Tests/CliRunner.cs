using GpuExtract.Testing;

namespace GpuExtract.Cli.Tests;

/// <summary>Runs the real <c>gpuextract</c> program in a child process, as a user would.</summary>
internal static class CliRunner
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "gpuextract.dll");

    private static string DotNet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args) =>
        TestEnvironment.Run(DotNet, [Dll, .. args]);
}
