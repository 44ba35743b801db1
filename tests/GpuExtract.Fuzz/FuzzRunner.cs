using System.Diagnostics;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Psf;
using GpuExtract.Cpu;
using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Fits;

namespace GpuExtract.Fuzz;

/// <summary>Bounds every case must keep.</summary>
/// <param name="CaseSeconds">Wall time of one case [s] (inputs are ~20,000 pixels; a clean case takes ~0.05 s).</param>
/// <param name="CaseAllocatedBytes">Bytes one case may allocate (the inputs are ~0.5 MB; a clean case allocates ~20 MB).</param>
/// <param name="HangSeconds">After this long a case is declared hung and the run stops.</param>
public sealed record FuzzBounds(double CaseSeconds = 10, long CaseAllocatedBytes = 1L << 30, double HangSeconds = 120);

/// <summary>
/// Drives the real extraction in-process on mutated inputs and checks the promise for every case: success
/// with every FLUX, IVAR, CHI2PIX and RESOLUTION value finite in float32 (IVAR ≥ 0), or one of our domain
/// exceptions (<see cref="FitsFormatException"/>, <see cref="PsfFormatException"/>,
/// <see cref="ExtractionInputException"/>) with a one-line message naming the mutated file; no other exception;
/// time and allocation within <see cref="FuzzBounds"/>. One backend serves every case, as a batch would.
/// </summary>
public sealed class FuzzRunner(IReadOnlyList<FuzzInput> inputs, string scratchDirectory, FuzzBounds? bounds = null) : IDisposable
{
    private readonly FuzzBounds _bounds = bounds ?? new FuzzBounds();
    private readonly CpuBackend _backend = new(1, LapackProvider.CreateFactory(LapackChoice.Auto, out _));

    /// <summary>Runs cases first … first+count−1 of seed <paramref name="seed"/>, spread over the inputs; <paramref name="progress"/> gets each line of note.</summary>
    public FuzzTally Run(long seed, int count, int first = 0, Action<string>? progress = null)
    {
        Directory.CreateDirectory(scratchDirectory);
        var tally = new FuzzTally();
        var clock = Stopwatch.StartNew();
        for (int i = first; i < first + count; i++)
        {
            FuzzInput input = inputs[i % inputs.Count];
            FuzzCase c = Mutator.Create(input, seed, i, scratchDirectory);
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
            var caseClock = Stopwatch.StartNew();
            var task = Task.Run(() => RunCase(c));
            if (!task.Wait(TimeSpan.FromSeconds(_bounds.HangSeconds)))
            {
                tally.Add(c, "FAIL hang", $"still running after {_bounds.HangSeconds} s; run stopped", caseClock.Elapsed.TotalSeconds, 0);
                break;
            }
            double seconds = caseClock.Elapsed.TotalSeconds;
            long allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
            var (outcome, failure) = task.Result;
            if (failure is null && seconds > _bounds.CaseSeconds)
            {
                (outcome, failure) = ("FAIL time", $"took {seconds:0.00} s, bound {_bounds.CaseSeconds} s");
            }
            if (failure is null && allocated > _bounds.CaseAllocatedBytes)
            {
                (outcome, failure) = ("FAIL memory", $"allocated {allocated / 1e6:0} MB, bound {_bounds.CaseAllocatedBytes / 1e6:0} MB");
            }
            tally.Add(c, outcome, failure, seconds, allocated);
            if (failure is not null)
            {
                progress?.Invoke($"FAIL {c.Input} case {i} ({c.Kind}: {c.Description}): {failure}");
            }
            if ((i - first + 1) % 1000 == 0)
            {
                progress?.Invoke($"{i - first + 1} cases, {tally.Failures.Count} failed, {clock.Elapsed.TotalSeconds:0} s");
            }
        }
        tally.Seconds = clock.Elapsed.TotalSeconds;
        tally.PeakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64;
        return tally;
    }

    /// <summary>One case: its outcome label and, when it broke the promise, why.</summary>
    public (string Outcome, string? Failure) RunCase(FuzzCase c)
    {
        string preprocPath = Path.Combine(scratchDirectory, c.PreprocGzip ? "case-preproc.fits.gz" : "case-preproc.fits");
        string psfPath = Path.Combine(scratchDirectory, "case-psf.fits");
        File.WriteAllBytes(preprocPath, c.Preproc);
        File.WriteAllBytes(psfPath, c.Psf);
        string? expectedFile = c.Target switch
        {
            FuzzTarget.Preproc => preprocPath,
            FuzzTarget.Psf => psfPath,
            _ => null,
        };
        try
        {
            ExtractionOptions options = c.Options();
            PreprocImage image = PreprocImage.Read(preprocPath);
            GaussHermitePsf psf = GaussHermitePsf.Load(psfPath);
            FrameExtraction.Result result = FrameExtraction.Run(image, psf, options, _backend);
            string? wrong = CheckFrame(result.Frame);
            return wrong is null ? ("ok", null) : ("FAIL output", wrong);
        }
        catch (Exception e) when (e is FitsFormatException or PsfFormatException or ExtractionInputException)
        {
            string outcome = $"refused: {e.GetType().Name}";
            if (e.Message.Contains('\n'))
            {
                return (outcome, $"message is not one line: {e.Message}");
            }
            if (expectedFile is not null && !e.Message.Contains(expectedFile, StringComparison.Ordinal))
            {
                return KnownIssues.Match(c, e) is string id
                    ? ($"known: {id}", null)
                    : ("FAIL wrong file", $"{e.GetType().Name} does not name {Path.GetFileName(expectedFile)}: {e.Message}");
            }
            return (outcome, null);
        }
        catch (Exception e)
        {
            return KnownIssues.Match(c, e) is string id
                ? ($"known: {id}", null)
                : ($"FAIL {e.GetType().Name}", $"{e.GetType().Name}: {e.Message} at {FirstFrame(e)}");
        }
    }

    /// <summary>Null when every output value is finite in float32 and IVAR ≥ 0, else what is not.</summary>
    public static string? CheckFrame(Frame frame)
    {
        string? Check(string name, double[] values, bool nonNegative)
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (!FrameAssembler.FitsSingle(values[i]) || (nonNegative && values[i] < 0))
                {
                    return $"{name}[{i}] = {values[i]}";
                }
            }
            return null;
        }
        return Check("FLUX", frame.Flux, false) ?? Check("IVAR", frame.Ivar, true) ?? Check("CHI2PIX", frame.Chi2Pix, true)
            ?? Check("RESOLUTION", frame.Resolution, false);
    }

    private static string FirstFrame(Exception e)
    {
        string? line = e.StackTrace?.Split('\n').FirstOrDefault()?.Trim();
        return line ?? "(no stack)";
    }

    /// <inheritdoc />
    public void Dispose() => _backend.Dispose();
}
