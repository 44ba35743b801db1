using GpuExtract.Core.Extraction;

namespace GpuExtract.Batch;

/// <summary>
/// DESI's production extraction settings per camera arm (<c>--camera b|r|z</c> or a manifest's
/// <c>camera</c> column): the wavelength grids of desi_extract_spectra, and psferr 0.04 for b.
/// </summary>
public static class CameraPreset
{
    /// <summary>b: 3600–5800 Å in 0.8 Å steps (2751 bins), psferr 0.04.</summary>
    public static FrameSettings Blue { get; } = new() { Wavelength = new WavelengthRange(3600, 5800, 0.8), PsfError = 0.04 };

    /// <summary>r: 5760–7620 Å in 0.8 Å steps (2326 bins).</summary>
    public static FrameSettings Red { get; } = new() { Wavelength = new WavelengthRange(5760, 7620, 0.8) };

    /// <summary>z: 7520–9824 Å in 0.8 Å steps (2881 bins).</summary>
    public static FrameSettings Infrared { get; } = new() { Wavelength = new WavelengthRange(7520, 9824, 0.8) };

    /// <summary>
    /// The preset of a camera named by its arm (<c>b</c>, <c>r</c>, <c>z</c>) or as DESI names cameras in
    /// headers (<c>r0</c> … <c>z9</c>), case-insensitive; false for anything else.
    /// </summary>
    public static bool TryGet(string camera, out FrameSettings settings)
    {
        string name = camera.Trim().ToLowerInvariant();
        bool valid = name.Length == 1 || (name.Length == 2 && char.IsAsciiDigit(name[1]));
        settings = !valid ? FrameSettings.None : name[0] switch
        {
            'b' => Blue,
            'r' => Red,
            'z' => Infrared,
            _ => FrameSettings.None,
        };
        return !ReferenceEquals(settings, FrameSettings.None);
    }

    /// <summary>What a camera value may be, for error messages.</summary>
    public const string Accepted = "b, r or z (or a DESI camera name such as r3)";
}
