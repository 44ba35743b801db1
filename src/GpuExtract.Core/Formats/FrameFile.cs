using GpuExtract.Fits;

namespace GpuExtract.Core.Formats;

/// <summary>
/// Reads and writes <see cref="Frame"/>s in DESI's frame layout (desispec's <c>io.frame.write_frame</c>):
/// FLUX (primary, float32), IVAR, MASK (uint32 as int32 + BZERO), WAVELENGTH (float64), RESOLUTION
/// (float32), FIBERMAP, CHI2PIX, SCORES.
/// Reading also accepts the reference (specter) layout with float64 arrays and no MASK.
/// </summary>
public static class FrameFile
{
    /// <summary>Writes <paramref name="frame"/> atomically (temporary file + rename); .gz names are gzip-compressed.</summary>
    public static void Write(string path, Frame frame) => FitsWriter.WriteFile(path, writer => WriteHdus(writer, frame));

    /// <summary>Writes <paramref name="frame"/> into an output of an <see cref="OutputSet"/> (it appears at the set's commit).</summary>
    public static void Write(OutputSet.Output output, Frame frame)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteFits(writer => WriteHdus(writer, frame));
    }

    private static void WriteHdus(FitsWriter writer, Frame frame)
    {
        int[] spectra = [frame.NSpec, frame.NWave];

        var flux = new FitsHeader();
        flux.Set("EXTNAME", "FLUX");
        flux.Set("BUNIT", "electron/Angstrom");
        foreach (var card in frame.Header)
        {
            if (card.Key is "COMMENT" or "HISTORY")
            {
                (card.Key == "COMMENT" ? (Action<string>)flux.AddComment : flux.AddHistory)(card.Value as string ?? "");
            }
            else if (card.Key is not ("EXTNAME" or "BUNIT" or "") && card.Value is not null)
            {
                flux.Set(card.Key, card.Value, card.Comment);
            }
        }
        flux.Set("SPECMIN", (long)frame.SpecMin, "first fiber");
        flux.Set("NSPEC", (long)frame.NSpec, "number of fibers");
        // The stated grid (WAVEMIN/WAVEMAX/WAVESTEP as given) wins; frames without one describe their grid.
        if (!flux.Contains("WAVEMIN"))
        {
            flux.Set("WAVEMIN", frame.Wavelength[0], "first wavelength [Angstrom]");
            flux.Set("WAVEMAX", frame.Wavelength[^1], "last wavelength [Angstrom]");
            flux.Set("WAVESTEP", frame.NWave > 1 ? (frame.Wavelength[^1] - frame.Wavelength[0]) / (frame.NWave - 1) : 0.0, "wavelength step [Angstrom]");
        }
        writer.WriteImage<float>(flux, ToSingle(frame.Flux), spectra);

        writer.WriteImage<float>(HduHeaders.Named("IVAR", "(electron/Angstrom)**-2"), ToSingle(frame.Ivar), spectra);
        writer.WriteImage<uint>(HduHeaders.Named("MASK", null), frame.Mask, spectra);
        writer.WriteImage<double>(HduHeaders.Named("WAVELENGTH", "Angstrom"), frame.Wavelength, [frame.NWave]);
        var resolution = HduHeaders.Named("RESOLUTION", null);
        resolution.Set("NDIAG", (long)frame.DiagonalCount, "number of resolution diagonals");
        writer.WriteImage<float>(resolution, ToSingle(frame.Resolution), [frame.NSpec, frame.DiagonalCount, frame.NWave]);
        if (frame.Fibermap is not null)
        {
            writer.WriteTable(FibermapHeader(frame.Fibermap.Header), frame.Fibermap.ToBuilder());
        }
        writer.WriteImage<float>(HduHeaders.Named("CHI2PIX", null), ToSingle(frame.Chi2Pix), spectra);
        if (frame.Scores is { Count: > 0 } scores)
        {
            // desispec's write_frame: a SCORES table with each column's description as its TTYPE comment.
            var table = new FitsTableBuilder(frame.NSpec);
            foreach (FrameScore score in scores)
            {
                table.AddColumn(score.Name, score.Values).Describe(score.Name, score.Comment);
            }
            writer.WriteTable(HduHeaders.Named("SCORES", null), table);
        }
    }

    /// <summary>Reads a frame written by <see cref="Write"/> or by the reference code.</summary>
    public static Frame Read(string path)
    {
        using var file = FitsFile.Open(path);
        FitsHdu flux = file.TryGetHdu("FLUX", out FitsHdu named) ? named : file[0];
        int[] shape = flux.Shape;
        if (shape.Length != 2)
        {
            throw new FitsFormatException($"{path}: FLUX must be 2-D [nspec, nwave], found ({string.Join(", ", shape)})");
        }
        FitsHdu resolution = file["RESOLUTION"];
        return new Frame
        {
            SpecMin = (int)(flux.Header.GetIntOrNull("SPECMIN") ?? 0),
            NSpec = shape[0],
            Wavelength = file["WAVELENGTH"].ReadImage<double>(),
            Flux = flux.ReadImage<double>(),
            Ivar = file["IVAR"].ReadImage<double>(),
            Mask = file.TryGetHdu("MASK", out FitsHdu mask) ? mask.ReadImage<uint>() : new uint[shape[0] * shape[1]],
            DiagonalCount = resolution.Shape.Length == 3 ? resolution.Shape[1] : 0,
            Resolution = resolution.ReadImage<double>(),
            Chi2Pix = file.TryGetHdu("CHI2PIX", out FitsHdu chi2) ? chi2.ReadImage<double>() : new double[shape[0] * shape[1]],
            PixmaskFraction = file.TryGetHdu("PIXMASK_FRACTION", out FitsHdu pixmask) ? pixmask.ReadImage<double>() : null,
            Header = flux.Header,
            Fibermap = file.TryGetHdu("FIBERMAP", out FitsHdu fibermap) ? FibermapRows.All(fibermap.ReadTable(), fibermap.Header) : null,
        };
    }


    /// <summary>The FIBERMAP table's own keywords (TILEID, RA, …) with EXTNAME FIBERMAP; column cards are rebuilt by the writer.</summary>
    private static FitsHeader FibermapHeader(FitsHeader source)
    {
        var header = HduHeaders.Named("FIBERMAP", null);
        foreach (FitsCard card in source)
        {
            if (card.Key is "COMMENT" or "HISTORY")
            {
                (card.Key == "COMMENT" ? (Action<string>)header.AddComment : header.AddHistory)(card.Value as string ?? "");
            }
            else if (card.Key is not ("EXTNAME" or "") && card.Value is not null)
            {
                header.Set(card.Key, card.Value, card.Comment);
            }
        }
        return header;
    }

    private static float[] ToSingle(double[] values)
    {
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = (float)values[i];
        }
        return result;
    }
}
