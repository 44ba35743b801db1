using GpuExtract.Core.Formats;

namespace GpuExtract.Core.Extraction;

/// <summary>
/// desispec's BAD2DFIT rule (<c>scripts.extract.get_chi2pix_mask</c>): a bin is a bad 2-D fit when its
/// chi2pix exceeds <see cref="Scale"/>× the median over fibers at its wavelength and also
/// <see cref="Scale"/>× the median over wavelengths of its fiber. The two medians adapt the threshold to
/// the worse fits expected on bright sky lines (per wavelength) and bright stars (per fiber).
/// </summary>
public static class Chi2PixMask
{
    /// <summary>desispec's default scale.</summary>
    public const double Scale = 5.0;

    /// <summary>Sets <see cref="Frame.Bad2DFit"/> in <paramref name="mask"/> where the rule flags <paramref name="chi2pix"/>; both shape [nspec, nwave].</summary>
    public static void Apply(ReadOnlySpan<double> chi2pix, int nspec, int nwave, Span<uint> mask)
    {
        var perWavelength = new double[nwave];
        var column = new double[nspec];
        for (int j = 0; j < nwave; j++)
        {
            for (int i = 0; i < nspec; i++)
            {
                column[i] = chi2pix[i * nwave + j];
            }
            perWavelength[j] = FrameScores.Median(column);
        }
        for (int i = 0; i < nspec; i++)
        {
            ReadOnlySpan<double> row = chi2pix.Slice(i * nwave, nwave);
            double perFiber = FrameScores.Median(row);
            for (int j = 0; j < nwave; j++)
            {
                if (row[j] > Scale * perWavelength[j] && row[j] > Scale * perFiber)
                {
                    mask[i * nwave + j] |= Frame.Bad2DFit;
                }
            }
        }
    }
}
