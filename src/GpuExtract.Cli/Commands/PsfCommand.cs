namespace GpuExtract.Cli.Commands;

/// <summary><c>gpuextract psf</c>: the group of commands that look into a PSF file (<c>psf spot</c>).</summary>
public sealed class PsfCommand : DocumentedCommand
{
    public PsfCommand() : base("psf", "Look into a PSF file: 'psf spot' prints one spot")
    {
        Add(new PsfSpotCommand());
    }
}
