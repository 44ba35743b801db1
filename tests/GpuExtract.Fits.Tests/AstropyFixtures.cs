using System.Runtime.InteropServices;
using GpuExtract.Testing;

namespace GpuExtract.Fits.Tests;

/// <summary>
/// Expected values written by astropy next to the FITS files it made: one manifest line per array,
/// "kind|fits file|hdu|column|dtype|bin file", the .bin holding the values as numpy's native
/// little-endian bytes (for VLA columns: int64 lengths in "bin.len" and the concatenated values).
/// </summary>
public sealed record AstropyExpectation(string Kind, string FitsFile, int Hdu, string Column, string Dtype, string BinFile)
{
    public static List<AstropyExpectation> Parse(string manifest, string directory) =>
        manifest.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.Count(c => c == '|') == 5)
            .Select(line => line.Split('|'))
            .Select(p => new AstropyExpectation(p[0], Path.Combine(directory, p[1]), int.Parse(p[2]), p[3], p[4], Path.Combine(directory, p[5])))
            .ToList();

    /// <summary>Compares our values with astropy's bit for bit (NaNs equal when both NaN); returns a description of the first difference or null.</summary>
    public static string? Compare<T>(T[] ours, byte[] expectedBytes) where T : unmanaged
    {
        T[] expected = MemoryMarshal.Cast<byte, T>(expectedBytes).ToArray();
        if (ours.Length != expected.Length)
        {
            return $"{ours.Length} values, astropy has {expected.Length}";
        }
        for (int i = 0; i < ours.Length; i++)
        {
            if (!ours[i].Equals(expected[i]) && !(IsNaN(ours[i]) && IsNaN(expected[i])))
            {
                return $"value {i}: ours {ours[i]}, astropy {expected[i]}";
            }
        }
        return null;
    }

    private static bool IsNaN<T>(T value) => value switch
    {
        float f => float.IsNaN(f),
        double d => double.IsNaN(d),
        _ => false,
    };

    /// <summary>Reads an image HDU as the numpy dtype astropy reported and compares it.</summary>
    public string? CompareImage(FitsHdu hdu)
    {
        byte[] expected = File.ReadAllBytes(BinFile);
        return Dtype switch
        {
            "uint8" => Compare(hdu.ReadImage<byte>(), expected),
            "int8" => Compare(hdu.ReadImage<sbyte>(), expected),
            "int16" => Compare(hdu.ReadImage<short>(), expected),
            "uint16" => Compare(hdu.ReadImage<ushort>(), expected),
            "int32" => Compare(hdu.ReadImage<int>(), expected),
            "uint32" => Compare(hdu.ReadImage<uint>(), expected),
            "int64" => Compare(hdu.ReadImage<long>(), expected),
            "uint64" => Compare(hdu.ReadImage<ulong>(), expected),
            "float32" => Compare(hdu.ReadImage<float>(), expected),
            "float64" => Compare(hdu.ReadImage<double>(), expected),
            _ => $"dtype {Dtype} not handled by the test",
        };
    }

    /// <summary>Compares a header value with astropy's (Dtype: str, int, float or bool; BinFile holds its text).</summary>
    public string? CompareHeader(FitsHeader header)
    {
        string text = File.ReadAllText(BinFile);
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        (object? ours, object expected) = Dtype switch
        {
            "str" => ((object?)header.GetString(Column), (object)text),
            "int" => (header.GetInt(Column), long.Parse(text, culture)),
            "float" => (header.GetDouble(Column), double.Parse(text, culture)),
            "bool" => (header.GetBool(Column), text == "True"),
            _ => (null, $"type {Dtype} not handled by the test"),
        };
        return Equals(ours, expected) ? null : $"ours [{ours}], astropy [{expected}]";
    }

    /// <summary>Reads a table column as astropy's dtype and compares it.</summary>
    public string? CompareColumn(FitsTable table)
    {
        byte[] expected = File.ReadAllBytes(BinFile);
        if (Kind == "strings")
        {
            string[] lines = File.ReadAllText(BinFile).Split('\n');
            string[] ours = table.GetStrings(Column);
            return ours.SequenceEqual(lines[..ours.Length]) && lines.Length == ours.Length ? null : $"strings differ: ours [{string.Join(",", ours)}], astropy [{string.Join(",", lines)}]";
        }
        if (Kind == "vla")
        {
            long[] lengths = MemoryMarshal.Cast<byte, long>(File.ReadAllBytes(BinFile + ".len")).ToArray();
            return Dtype switch
            {
                "int16" => CompareVla(table.GetVariableColumn<short>(Column), lengths, expected),
                "int32" => CompareVla(table.GetVariableColumn<int>(Column), lengths, expected),
                "float32" => CompareVla(table.GetVariableColumn<float>(Column), lengths, expected),
                "float64" => CompareVla(table.GetVariableColumn<double>(Column), lengths, expected),
                _ => $"dtype {Dtype} not handled by the test",
            };
        }
        return Dtype switch
        {
            "bool" => Compare(table.GetColumn<bool>(Column), expected),
            "uint8" => Compare(table.GetColumn<byte>(Column), expected),
            "int8" => Compare(table.GetColumn<sbyte>(Column), expected),
            "int16" => Compare(table.GetColumn<short>(Column), expected),
            "uint16" => Compare(table.GetColumn<ushort>(Column), expected),
            "int32" => Compare(table.GetColumn<int>(Column), expected),
            "uint32" => Compare(table.GetColumn<uint>(Column), expected),
            "int64" => Compare(table.GetColumn<long>(Column), expected),
            "uint64" => Compare(table.GetColumn<ulong>(Column), expected),
            "float32" => Compare(table.GetColumn<float>(Column), expected),
            "float64" => Compare(table.GetColumn<double>(Column), expected),
            _ => $"dtype {Dtype} not handled by the test",
        };
    }

    private static string? CompareVla<T>(T[][] ours, long[] lengths, byte[] expected) where T : unmanaged
    {
        if (ours.Length != lengths.Length)
        {
            return $"{ours.Length} rows, astropy has {lengths.Length}";
        }
        for (int row = 0; row < ours.Length; row++)
        {
            if (ours[row].Length != lengths[row])
            {
                return $"row {row}: {ours[row].Length} elements, astropy has {lengths[row]}";
            }
        }
        return Compare(ours.SelectMany(r => r).ToArray(), expected);
    }

    /// <summary>Runs astropy on <paramref name="script"/> with the fixture directory as argument and parses its manifest.</summary>
    public static List<AstropyExpectation> Make(string script, string directory)
    {
        string manifest = TestEnvironment.RunPython(AstropyScripts.Prelude + script, directory);
        return Parse(manifest, directory);
    }
}

/// <summary>Python snippets shared by the interop tests.</summary>
public static class AstropyScripts
{
    /// <summary>Defines out(dir), expect_image(fits, hdu, array) and expect_column(fits, hdu, name, array) helpers.</summary>
    public const string Prelude = """
import sys, os
import numpy as np
from astropy.io import fits
D = sys.argv[1]
_n = [0]
def _bin(arr):
    _n[0] += 1
    name = 'expected-%d.bin' % _n[0]
    np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder('<')).tofile(os.path.join(D, name))
    return name
def expect_image(fname, hdu, arr):
    arr = np.asarray(arr)
    print('image|%s|%d||%s|%s' % (fname, hdu, arr.dtype.name, _bin(arr)))
def expect_column(fname, hdu, col, arr):
    arr = np.asarray(arr)
    print('column|%s|%d|%s|%s|%s' % (fname, hdu, col, arr.dtype.name, _bin(arr)))
def expect_strings(fname, hdu, col, values):
    _n[0] += 1
    name = 'expected-%d.txt' % _n[0]
    with open(os.path.join(D, name), 'w') as f:
        f.write('\n'.join(str(v) for v in values))
    print('strings|%s|%d|%s|str|%s' % (fname, hdu, col, name))
def expect_header(fname, hdu, key, value):
    _n[0] += 1
    name = 'expected-%d.txt' % _n[0]
    kind = {bool: 'bool', int: 'int', float: 'float', str: 'str'}[type(value)]
    with open(os.path.join(D, name), 'w') as f:
        f.write(repr(value) if kind == 'float' else str(value))
    print('header|%s|%d|%s|%s|%s' % (fname, hdu, key, kind, name))
def expect_vla(fname, hdu, col, rows):
    rows = [np.asarray(r) for r in rows]
    dtype = rows[0].dtype
    flat = np.concatenate(rows).astype(dtype)
    name = _bin(flat)
    np.array([len(r) for r in rows], dtype='<i8').tofile(os.path.join(D, name + '.len'))
    print('vla|%s|%d|%s|%s|%s' % (fname, hdu, col, dtype.name, name))

""";
}
