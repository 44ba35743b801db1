using GpuExtract.Core.Formats;
using GpuExtract.Core.Planning;
using GpuExtract.Fits;

namespace GpuExtract.Core.Simulation;

/// <summary>
/// A simulated exposure: the preproc image, the spectra that went in, and the noiseless image of the
/// simulated region. Written in DESI's preproc layout with the truth as extra HDUs, like the
/// reference's preproc files (../shared/reference/README.md §3.1): IMAGE, IVAR, MASK, FIBERMAP,
/// TRUTH, TRUTHWAVE and optionally NOISELESS.
/// </summary>
public sealed class SimulatedFrame
{
    /// <summary>The preproc image (full CCD; zero with IVAR 0 outside <see cref="Region"/>).</summary>
    public required PreprocImage Image { get; init; }

    /// <summary>The input spectra.</summary>
    public required SimulatedTruth Truth { get; init; }

    /// <summary>The simulated region (SIMXMIN … SIMYMAX): the spots' pixels plus a margin.</summary>
    public required PixelBox Region { get; init; }

    /// <summary>Expected electrons per pixel over <see cref="Region"/>; shape [Region.Height, Region.Width].</summary>
    public required double[] Noiseless { get; init; }

    /// <summary>Hot columns (MASK bit 2) [CCD column].</summary>
    public required int[] BadColumns { get; init; }

    /// <summary>Distinct pixels hit by cosmic rays (MASK bit 16).</summary>
    public required int CosmicPixels { get; init; }

    /// <summary>The options simulated.</summary>
    public required SimulationOptions Options { get; init; }

    /// <summary>
    /// Writes the preproc file (atomically; <c>.gz</c> names are gzip-compressed) with FIBERMAP, TRUTH and
    /// TRUTHWAVE after MASK, and NOISELESS (float64 over the region) when <paramref name="includeNoiseless"/>;
    /// MASK RICE_1 tile-compressed as in DESI's files when <paramref name="compressMask"/>.
    /// </summary>
    public void Write(string path, bool includeNoiseless = false, bool compressMask = false) =>
        Image.Write(path, ExtraHdus(includeNoiseless), compressMask);

    /// <summary>As <see cref="Write(string, bool, bool)"/>, into an output of an <see cref="OutputSet"/>.</summary>
    public void Write(OutputSet.Output output, bool includeNoiseless = false, bool compressMask = false) =>
        Image.Write(output, ExtraHdus(includeNoiseless), compressMask);

    /// <summary>The HDUs after MASK: FIBERMAP, TRUTH, TRUTHWAVE and optionally NOISELESS.</summary>
    private Action<FitsWriter> ExtraHdus(bool includeNoiseless) => writer =>
        {
            WriteFibermap(writer);
            WriteTruth(writer);
            if (includeNoiseless)
            {
                var header = new FitsHeader();
                header.Set("EXTNAME", "NOISELESS");
                header.Set("BUNIT", "electron");
                header.Set("XMIN", Region.XMin, "first CCD column");
                header.Set("XMAX", Region.XMax, "last CCD column + 1");
                header.Set("YMIN", Region.YMin, "first CCD row");
                header.Set("YMAX", Region.YMax, "last CCD row + 1");
                header.Set("NPIX_X", Image.NPixX, "CCD columns");
                header.Set("NPIX_Y", Image.NPixY, "CCD rows");
                writer.WriteImage<double>(header, Noiseless, [Region.Height, Region.Width]);
            }
        };

    /// <summary>Writes the truth alone: TRUTH (primary), TRUTHWAVE and FIBERMAP, atomically.</summary>
    public void WriteTruth(string path) => FitsWriter.WriteFile(path, WriteTruthHdus);

    /// <summary>As <see cref="WriteTruth(string)"/>, into an output of an <see cref="OutputSet"/>.</summary>
    public void WriteTruth(OutputSet.Output output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteFits(WriteTruthHdus);
    }

    private void WriteTruthHdus(FitsWriter writer)
    {
        WriteTruth(writer);
        WriteFibermap(writer);
    }

    /// <summary>
    /// FIBERMAP columns as the reference's: FIBER, OBJTYPE, TRUTHTYPE, Z, FIBER_THROUGHPUT, one row per
    /// simulated fiber; with <see cref="SimulationOptions.DesiLayout"/> one row per fiber of the petal.
    /// </summary>
    public FitsTableBuilder Fibermap()
    {
        if (Options.DesiLayout)
        {
            return DesiKeywords.PetalFibermap(Options, Truth.Targets);
        }
        FiberTarget[] targets = Truth.Targets;
        var table = new FitsTableBuilder(targets.Length);
        table.AddColumn("FIBER", targets.Select(t => t.Fiber).ToArray());
        table.AddStringColumn("OBJTYPE", targets.Select(t => t.ObjType).ToArray(), 3);
        table.AddStringColumn("TRUTHTYPE", targets.Select(t => t.TruthType).ToArray(), 3);
        table.AddColumn("Z", targets.Select(t => t.Redshift).ToArray());
        table.AddColumn("FIBER_THROUGHPUT", targets.Select(t => t.Throughput).ToArray());
        return table;
    }

    private void WriteFibermap(FitsWriter writer)
    {
        var header = new FitsHeader();
        header.Set("EXTNAME", "FIBERMAP");
        if (Options.DesiLayout)
        {
            DesiKeywords.AddToFibermap(header, Options);
        }
        writer.WriteTable(header, Fibermap());
    }

    private void WriteTruth(FitsWriter writer)
    {
        var truth = new FitsHeader();
        truth.Set("EXTNAME", "TRUTH");
        truth.Set("BUNIT", "electron/Angstrom");
        truth.Set("SPECMIN", Truth.FiberMin, "first fiber");
        truth.Set("NSPEC", Truth.FiberCount, "number of fibers");
        truth.Set("SIMPAD", Truth.Grid.Pad, "TRUTHWAVE extends the grid by this [Angstrom]");
        writer.WriteImage<double>(truth, Truth.FluxDensity(), [Truth.FiberCount, Truth.Grid.Count]);
        var wave = new FitsHeader();
        wave.Set("EXTNAME", "TRUTHWAVE");
        wave.Set("BUNIT", "Angstrom");
        writer.WriteImage<double>(wave, Truth.Wavelengths, [Truth.Grid.Count]);
    }
}
