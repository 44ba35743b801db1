namespace GpuExtract.Cli;

/// <summary>Entry point of the <c>gpuextract</c> command.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Console.WriteLine("gpuextract: commands arrive with their issues");
        return args.Length == 0 ? 0 : 2;
    }
}
