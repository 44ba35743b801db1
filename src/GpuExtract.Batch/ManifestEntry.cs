namespace GpuExtract.Batch;

/// <summary>
/// One frame of a batch manifest: where it came from (<see cref="Line"/>), its files (absolute paths)
/// and the settings its row gives.
/// </summary>
/// <param name="Index">Position in the manifest (0 = first frame); the order frames are assigned in.</param>
/// <param name="Line">1-based line of the manifest file that lists the frame.</param>
/// <param name="Input">Preproc image, absolute path.</param>
/// <param name="Psf">PSF file, absolute path.</param>
/// <param name="Output">Frame file to write, absolute path.</param>
/// <param name="Camera">The row's camera (b, r, z or e.g. r3), or null.</param>
/// <param name="Settings">The row's own wmin/wmax/dw, psferr, specmin, nspec.</param>
public sealed record ManifestEntry(int Index, int Line, string Input, string Psf, string Output, string? Camera, FrameSettings Settings)
{
    /// <summary>
    /// The settings this frame is extracted with. Explicit numbers beat camera presets, and per frame
    /// beats per run: the row's numbers, then the command line's, then the row's camera preset, then the
    /// command line's <c>--camera</c>; what is still unset takes the PSF's defaults.
    /// </summary>
    public FrameSettings Resolve(FrameSettings commandLine, string? commandLineCamera) =>
        Settings
            .Or(commandLine)
            .Or(Preset(Camera))
            .Or(Preset(commandLineCamera));

    private static FrameSettings Preset(string? camera) =>
        camera is not null && CameraPreset.TryGet(camera, out FrameSettings preset) ? preset : FrameSettings.None;
}
