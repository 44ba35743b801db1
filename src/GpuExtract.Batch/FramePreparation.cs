using System.Diagnostics;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Formats;
using GpuExtract.Core.Psf;

namespace GpuExtract.Batch;

/// <summary>
/// What <c>batch</c>'s read-ahead task (<see cref="FrameReadAhead"/>) does for the next frame while the rank
/// solves the current one: verify an existing output, and unless it verifies read the PSF (cached) and the
/// preproc image and prepare the extraction (<see cref="FrameExtraction.PrepareFrame"/>: checks, pixel weights,
/// patch plan). The rank is left with the backend's work, the assembly and the writing, so the host's part of
/// a frame hides behind the previous frame's solve. Bad input throws here, as the extraction would have, and
/// the read-ahead hands the exception over as that frame's error.
/// </summary>
/// <param name="psfs">The rank's PSF models, shared with nothing that writes them.</param>
/// <param name="optionsFor">The extraction options of a frame, given its PSF; called on the read-ahead task.</param>
/// <param name="force">Re-extract even when the existing output verifies (and do not verify it).</param>
public sealed class FramePreparation(PsfCache psfs, Func<ManifestEntry, GaussHermitePsf, ExtractionOptions> optionsFor, bool force = false)
{
    /// <summary>Verifies, reads and prepares <paramref name="entry"/>.</summary>
    /// <exception cref="ExtractionInputException">preproc, PSF and options disagree (as <see cref="FrameExtraction.Run"/> says).</exception>
    public StagedFrame Prepare(ManifestEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var clock = Stopwatch.StartNew();
        OutputCheck existing = force ? new OutputCheck(OutputState.Missing) : OutputVerification.Check(entry.Output);
        double verify = clock.Elapsed.TotalSeconds;
        if (existing.State == OutputState.Valid)
        {
            return new StagedFrame { Existing = existing, VerifySeconds = verify };
        }
        clock.Restart();
        GaussHermitePsf psf = psfs.Load(entry.Psf, out bool reused);
        PreprocImage image = PreprocImage.Read(entry.Input, psf);
        double read = clock.Elapsed.TotalSeconds;
        PreparedFrame frame = FrameExtraction.PrepareFrame(image, psf, optionsFor(entry, psf), entry.Psf);
        return new StagedFrame { Frame = frame, Existing = existing, PsfReused = reused, VerifySeconds = verify, ReadSeconds = read };
    }
}
