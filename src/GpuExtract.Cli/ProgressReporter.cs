using System.Diagnostics;
using System.Globalization;

namespace GpuExtract.Cli;

/// <summary>
/// Tells the user how far a long run is: a redrawn bar on a terminal, else a plain log line every
/// 10 % or 10 s (batch logs stay readable).
/// </summary>
public sealed class ProgressReporter(TextWriter output, bool interactive, string what)
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Lock gate = new();
    private double lastReport = double.NegativeInfinity;
    private int lastDecile = -1;
    private bool drewBar;

    /// <summary>Whether stderr is a terminal (then the bar is drawn).</summary>
    public static bool StandardErrorIsTerminal => !Console.IsErrorRedirected;

    /// <summary>Reports <paramref name="done"/> of <paramref name="total"/> units; thread-safe and cheap when nothing is printed.</summary>
    public void Report(int done, int total)
    {
        double now = clock.Elapsed.TotalSeconds;
        lock (gate)
        {
            int decile = total > 0 ? 10 * done / total : 10;
            bool due = interactive ? now - lastReport >= 0.2 || done == total : decile > lastDecile || now - lastReport >= 10;
            if (!due)
            {
                return;
            }
            lastReport = now;
            lastDecile = decile;
            double rate = now > 0 ? done / now : 0;
            double eta = rate > 0 ? (total - done) / rate : double.NaN;
            string stats = string.Create(CultureInfo.InvariantCulture,
                $"{what} {done}/{total}  {rate:0.0}/s  ETA {(double.IsNaN(eta) ? "?" : eta.ToString("0", CultureInfo.InvariantCulture) + " s")}");
            if (interactive)
            {
                const int width = 30;
                int filled = total > 0 ? width * done / total : width;
                output.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {stats}   ");
                drewBar = true;
            }
            else
            {
                output.WriteLine(stats);
            }
        }
    }

    /// <summary>Ends the bar's line.</summary>
    public void Finish()
    {
        lock (gate)
        {
            if (drewBar)
            {
                output.WriteLine();
                drewBar = false;
            }
        }
    }
}
