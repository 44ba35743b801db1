using System.Globalization;
using GpuExtract.Fits;

namespace GpuExtract.Core.Simulation;

/// <summary>
/// Keywords and FIBERMAP rows of a DESI science preproc for <see cref="SimulationOptions.DesiLayout"/>:
/// the names and kinds of values DESI's raw data and fiber assignment give (a fictitious tile and pointing).
/// </summary>
internal static class DesiKeywords
{
    /// <summary>Fibers per petal (spectrograph).</summary>
    public const int PetalFibers = 500;

    /// <summary>The simulated pointing [degree] and exposure start (MJD, UTC; 2020-12-14 07:12 UTC, the night 20201214).</summary>
    private const double TileRa = 150.1207, TileDec = 2.2054, StartMjd = 59197.3;

    public static void AddTo(FitsHeader header, SimulationOptions options)
    {
        header.Set("TILEID", 80605L, "fictitious tile");
        header.Set("PROGRAM", "dark", "observing program");
        header.Set("TILERA", TileRa, "tile centre RA [deg]");
        header.Set("TILEDEC", TileDec, "tile centre Dec [deg]");
        header.Set("TARGTRA", TileRa, "target RA [deg]");
        header.Set("TARGTDEC", TileDec, "target Dec [deg]");
        header.Set("SKYRA", TileRa + 0.0003, "sky RA [deg]");
        header.Set("SKYDEC", TileDec - 0.0002, "sky Dec [deg]");
        header.Set("TELRA", TileRa + 0.0011, "telescope RA [deg]");
        header.Set("TELDEC", TileDec + 0.0007, "telescope Dec [deg]");
        header.Set("MJD-OBS", StartMjd, "exposure start [MJD, UTC]");
        header.Set("DATE-OBS", new DateTime(1858, 11, 17, 0, 0, 0, DateTimeKind.Utc).AddDays(StartMjd).ToString("yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture), "exposure start [UTC]");
        header.Set("AIRMASS", 1.21, "airmass");
        header.Set("CCDSIZE", "4114,4128", "CCD size (rows, columns) of the raw image");
        header.Set("CCDSECA", "[1:2057, 1:2064]", "amplifier A pixels");
        header.Set("CCDSECB", "[2058:4114, 1:2064]", "amplifier B pixels");
        header.Set("CCDSECC", "[1:2057, 2065:4128]", "amplifier C pixels");
        header.Set("CCDSECD", "[2058:4114, 2065:4128]", "amplifier D pixels");
        foreach (string amplifier in new[] { "A", "B", "C", "D" })
        {
            header.Set("OBSRDN" + amplifier, options.ReadNoise, $"measured read noise of amplifier {amplifier} [electron]");
        }
        header.AddComment("simulated DESI science exposure");
        header.AddHistory("gpuextract simulate --desi-layout");
    }

    public static void AddToFibermap(FitsHeader header, SimulationOptions options)
    {
        header.Set("TILEID", 80605L, "fictitious tile");
        header.Set("TILERA", TileRa, "tile centre RA [deg]");
        header.Set("TILEDEC", TileDec, "tile centre Dec [deg]");
        header.Set("SURVEY", "main");
        header.Set("CAMERA", options.Camera);
    }

    /// <summary>
    /// One row per fiber of the camera's petal: FIBER = 500·spectrograph + row, TARGETID, TARGET_RA/DEC,
    /// FIBERSTATUS 0 (desispec's sky model selects fibers by it), OBJTYPE, TRUTHTYPE, Z and FIBER_THROUGHPUT
    /// (the simulated targets', blank elsewhere).
    /// </summary>
    public static FitsTableBuilder PetalFibermap(SimulationOptions options, FiberTarget[] targets)
    {
        int petal = options.Camera.Length == 2 && char.IsAsciiDigit(options.Camera[1]) ? options.Camera[1] - '0' : 0;
        var fiber = new int[PetalFibers];
        var targetId = new long[PetalFibers];
        var ra = new double[PetalFibers];
        var dec = new double[PetalFibers];
        var petalLoc = new short[PetalFibers];
        var objType = new string[PetalFibers];
        var truthType = new string[PetalFibers];
        var redshift = new double[PetalFibers];
        var throughput = new double[PetalFibers];
        var byFiber = targets.ToDictionary(t => t.Fiber);
        for (int r = 0; r < PetalFibers; r++)
        {
            fiber[r] = petal * PetalFibers + r;
            targetId[r] = 39627000000000000L + fiber[r];
            ra[r] = TileRa + 0.01 * (r % 25 - 12);
            dec[r] = TileDec + 0.01 * (r / 25 - 10);
            petalLoc[r] = (short)petal;
            bool simulated = byFiber.TryGetValue(r, out FiberTarget? target);
            objType[r] = simulated ? target!.ObjType : "TGT";
            truthType[r] = simulated ? target!.TruthType : "";
            redshift[r] = simulated ? target!.Redshift : 0;
            throughput[r] = simulated ? target!.Throughput : 0;
        }
        var table = new FitsTableBuilder(PetalFibers);
        table.AddColumn("TARGETID", targetId);
        table.AddColumn("PETAL_LOC", petalLoc);
        table.AddColumn("FIBER", fiber);
        table.AddColumn("TARGET_RA", ra, unit: "deg");
        table.AddColumn("TARGET_DEC", dec, unit: "deg");
        table.AddColumn("FIBERSTATUS", new int[PetalFibers]);
        table.AddStringColumn("OBJTYPE", objType, 3);
        table.AddStringColumn("TRUTHTYPE", truthType, 3);
        table.AddColumn("Z", redshift);
        table.AddColumn("FIBER_THROUGHPUT", throughput);
        return table;
    }
}
