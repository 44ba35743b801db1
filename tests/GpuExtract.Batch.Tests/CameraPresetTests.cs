using GpuExtract.Core.Extraction;

namespace GpuExtract.Batch.Tests;

public class CameraPresetTests
{
    /// <summary>DESI's production grids and their bin counts (DESIGN §1.1: b 2751, r 2326, z 2881 bins).</summary>
    [Theory]
    [InlineData("b", 3600, 5800, 2751, 0.04)]
    [InlineData("r", 5760, 7620, 2326, null)]
    [InlineData("z", 7520, 9824, 2881, null)]
    [InlineData("B3", 3600, 5800, 2751, 0.04)]
    [InlineData("r0", 5760, 7620, 2326, null)]
    [InlineData(" z9 ", 7520, 9824, 2881, null)]
    public void Preset_GivesDesiProductionGrid(string camera, double wmin, double wmax, int bins, double? psferr)
    {
        Assert.True(CameraPreset.TryGet(camera, out FrameSettings preset));
        Assert.Equal(new WavelengthRange(wmin, wmax, 0.8), preset.Wavelength);
        Assert.Equal(bins, preset.Wavelength!.Value.Count);
        Assert.Equal(bins, preset.Wavelength!.Value.Grid().Length);
        Assert.Equal(psferr, preset.PsfError);
        Assert.Null(preset.NSpec);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("r10")]
    [InlineData("red")]
    [InlineData("bb")]
    public void Preset_RefusesOtherNames(string camera) => Assert.False(CameraPreset.TryGet(camera, out _));

    [Fact]
    public void Resolve_NumbersBeatPresetsAndFramesBeatTheRun()
    {
        var commandLine = new FrameSettings { Wavelength = new WavelengthRange(6000, 6100, 0.5), NSpec = 25 };
        var row = new FrameSettings { PsfError = 0.02, SpecMin = 100 };
        var entry = new ManifestEntry(0, 2, "/i", "/p", "/o", "b", row);

        FrameSettings resolved = entry.Resolve(commandLine, "z");
        // The row's own numbers, then the command line's, then the row's camera (b: psferr 0.04 lost to 0.02), then --camera (z: unused).
        Assert.Equal(new FrameSettings { Wavelength = new WavelengthRange(6000, 6100, 0.5), PsfError = 0.02, SpecMin = 100, NSpec = 25 }, resolved);

        FrameSettings presetsOnly = (entry with { Settings = FrameSettings.None }).Resolve(FrameSettings.None, "z");
        Assert.Equal(CameraPreset.Blue, presetsOnly);
        FrameSettings runCamera = (entry with { Camera = null, Settings = FrameSettings.None }).Resolve(FrameSettings.None, "z");
        Assert.Equal(CameraPreset.Infrared, runCamera);
        FrameSettings nothing = (entry with { Camera = null, Settings = FrameSettings.None }).Resolve(FrameSettings.None, null);
        Assert.Equal(FrameSettings.None, nothing);
    }
}
