using GpuExtract.Core.Extraction;
using GpuExtract.Fits;

namespace GpuExtract.Core.Barycentric;

/// <summary>
/// Where and when an exposure looked, read from its headers as desispec's extraction does for the
/// barycentric correction (<c>scripts.extract.main_gpu_specter</c> picks the header and
/// <c>barycentric_correction_multiplicative_factor</c> the keywords).
/// </summary>
/// <param name="RaDeg">Right ascension [degree, ICRS].</param>
/// <param name="DecDeg">Declination [degree, ICRS].</param>
/// <param name="MidExposureMjd">MJD (UTC) of the middle of the exposure.</param>
/// <param name="Source">Which header the values came from ("HDU 0" or "FIBERMAP header").</param>
public sealed record ExposurePointing(double RaDeg, double DecDeg, double MidExposureMjd, string Source)
{
    private static readonly string[] RaKeys = ["TARGTRA", "SKYRA", "TELRA", "RA"];
    private static readonly string[] DecKeys = ["TARGTDEC", "SKYDEC", "TELDEC", "DEC"];
    private static readonly string[] MjdKeys = ["MJD-OBS", "MJD"];

    /// <summary>
    /// HDU 0's values when it has TARGTRA or RA, else the FIBERMAP header's when that has them (early
    /// commissioning files). In the chosen header: RA from TARGTRA, else SKYRA, TELRA, RA; Dec likewise;
    /// the mid-exposure time MJD-OBS (else MJD) + EXPTIME/2 (EXPTIME [s], 0 when absent).
    /// </summary>
    /// <exception cref="ExtractionInputException">no header has the keywords; the message names the missing ones.</exception>
    public static ExposurePointing FromHeaders(FitsHeader imageHeader, FitsHeader? fibermapHeader, string fileName)
    {
        static bool HasRa(FitsHeader h) => h.Contains("RA") || h.Contains("TARGTRA");
        FitsHeader header;
        string source;
        if (HasRa(imageHeader))
        {
            (header, source) = (imageHeader, "HDU 0");
        }
        else if (fibermapHeader is not null && HasRa(fibermapHeader))
        {
            (header, source) = (fibermapHeader, "FIBERMAP header");
        }
        else
        {
            throw new ExtractionInputException(
                $"{fileName}: the barycentric correction needs TARGTRA or RA (with TARGTDEC/DEC and MJD-OBS) in HDU 0 or in the FIBERMAP header; neither has them");
        }
        var missing = new List<string>();
        double? ra = First(header, RaKeys, missing, fileName, source);
        double? dec = First(header, DecKeys, missing, fileName, source);
        double? mjd = First(header, MjdKeys, missing, fileName, source);
        if (missing.Count > 0)
        {
            throw new ExtractionInputException($"{fileName}: {source} lacks {string.Join(" and ", missing)} needed by the barycentric correction");
        }
        double exptime = Number(header, "EXPTIME", fileName, source) ?? 0.0;
        return new ExposurePointing(ra!.Value, dec!.Value, mjd!.Value + exptime / 2 / 3600 / 24, source);
    }

    private static double? First(FitsHeader header, string[] keys, List<string> missing, string fileName, string source)
    {
        foreach (string key in keys)
        {
            if (header.Contains(key))
            {
                return Number(header, key, fileName, source);
            }
        }
        missing.Add(string.Join("/", keys));
        return null;
    }

    private static double? Number(FitsHeader header, string key, string fileName, string source)
    {
        if (header.Find(key) is not { } card)
        {
            return null;
        }
        double? value = card.Value switch { double real => real, long integer => integer, _ => null };
        if (value is not { } v || !double.IsFinite(v))
        {
            throw new ExtractionInputException($"{fileName}: {source} keyword {key} = {card.Value ?? "(no value)"} is not a finite number");
        }
        return v;
    }
}
