using GpuExtract.Fits;

namespace GpuExtract.Core.Formats;

/// <summary>Headers of the HDUs our DESI files write.</summary>
internal static class HduHeaders
{
    /// <summary>A header with EXTNAME and, when given, BUNIT.</summary>
    public static FitsHeader Named(string extname, string? unit = null)
    {
        var header = new FitsHeader();
        header.Set("EXTNAME", extname);
        if (unit is not null)
        {
            header.Set("BUNIT", unit);
        }
        return header;
    }
}
