using System.Text.Json;
using GpuExtract.Core.Psf;
using GpuExtract.Testing;

namespace GpuExtract.Core.Tests.Psf;

/// <summary>
/// A specex PSF file read by astropy (the independent reader), as plain coefficients: every float
/// passes through Python's repr, which round-trips doubles exactly.
/// </summary>
internal static class AstropyPsf
{
    private const string Script = """
        import json, sys
        from astropy.io import fits
        f = fits.open(sys.argv[1])
        ph = f['PSF'].header
        out = {
            'xtrace': f['XTRACE'].data.tolist(), 'ytrace': f['YTRACE'].data.tolist(),
            'xdomain': [f['XTRACE'].header['WAVEMIN'], f['XTRACE'].header['WAVEMAX']],
            'ydomain': [f['YTRACE'].header['WAVEMIN'], f['YTRACE'].header['WAVEMAX']],
            'domain': [ph['WAVEMIN'], ph['WAVEMAX']],
            'params': {p.strip(): c.tolist() for p, c in zip(f['PSF'].data['PARAM'], f['PSF'].data['COEFF'])},
        }
        for k in ['HSIZEX', 'HSIZEY', 'GHDEGX', 'GHDEGY', 'FIBERMIN', 'FIBERMAX', 'NPIX_X', 'NPIX_Y']:
            out[k] = int(ph[k])
        out['PSFERR'] = ph.get('PSFERR')
        print(json.dumps(out))
        """;

    private static readonly Dictionary<string, GaussHermitePsfCoefficients> Cache = [];

    /// <summary>The coefficients of <paramref name="path"/> as astropy reads them (cached per path).</summary>
    public static GaussHermitePsfCoefficients Read(string path)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(path, out var cached))
            {
                return cached;
            }
            using JsonDocument doc = JsonDocument.Parse(TestEnvironment.RunPython(Script, path));
            JsonElement root = doc.RootElement;
            var parameters = new Dictionary<string, double[,]>(StringComparer.Ordinal);
            foreach (JsonProperty p in root.GetProperty("params").EnumerateObject())
            {
                parameters[p.Name] = Matrix(p.Value);
            }
            var c = new GaussHermitePsfCoefficients
            {
                XTrace = Matrix(root.GetProperty("xtrace")),
                YTrace = Matrix(root.GetProperty("ytrace")),
                XTraceWaveMin = root.GetProperty("xdomain")[0].GetDouble(),
                XTraceWaveMax = root.GetProperty("xdomain")[1].GetDouble(),
                YTraceWaveMin = root.GetProperty("ydomain")[0].GetDouble(),
                YTraceWaveMax = root.GetProperty("ydomain")[1].GetDouble(),
                WaveMin = root.GetProperty("domain")[0].GetDouble(),
                WaveMax = root.GetProperty("domain")[1].GetDouble(),
                Parameters = parameters,
                FiberMin = root.GetProperty("FIBERMIN").GetInt32(),
                NPixX = root.GetProperty("NPIX_X").GetInt32(),
                NPixY = root.GetProperty("NPIX_Y").GetInt32(),
                HalfSizeX = root.GetProperty("HSIZEX").GetInt32(),
                HalfSizeY = root.GetProperty("HSIZEY").GetInt32(),
                GhDegX = root.GetProperty("GHDEGX").GetInt32(),
                GhDegY = root.GetProperty("GHDEGY").GetInt32(),
                PsfError = root.GetProperty("PSFERR").ValueKind == JsonValueKind.Null ? null : root.GetProperty("PSFERR").GetDouble(),
            };
            Cache[path] = c;
            return c;
        }
    }

    /// <summary>A JSON list of lists as a [rows, cols] array.</summary>
    public static double[,] Matrix(JsonElement e)
    {
        int rows = e.GetArrayLength();
        int cols = rows == 0 ? 0 : e[0].GetArrayLength();
        var m = new double[rows, cols];
        int i = 0;
        foreach (JsonElement row in e.EnumerateArray())
        {
            int j = 0;
            foreach (JsonElement v in row.EnumerateArray())
            {
                m[i, j++] = v.GetDouble();
            }
            i++;
        }
        return m;
    }
}
