namespace GpuExtract.Core.Psf;

/// <summary>Per-thread scratch buffers for <see cref="GaussHermiteSpot.Render"/>; no allocation per spot.</summary>
internal sealed class SpotWorkspace
{
    public SpotWorkspace(in SpotGeometry g)
    {
        StrideX = (g.StampCols + 3) / 4 * 4;
        Px = new double[(g.GhDegX + 1) * StrideX];
        Py = new double[(g.GhDegY + 1) * g.StampRows];
        PyT = new double[g.StampRows * (g.GhDegY + 1)];
        T = new double[(g.GhDegY + 1) * StrideX];
        Image = new double[g.StampRows * StrideX];
        Scratch = new double[Math.Max(
            HermiteIntegrals.ScratchLength(g.StampCols, g.GhDegX),
            HermiteIntegrals.ScratchLength(g.StampRows, g.GhDegY))];
        Parameters = new double[(g.ParameterCount + 3) / 4 * 4];
    }

    /// <summary>Row stride of Px, T and Image: StampCols rounded up to 4 doubles (padding is 0).</summary>
    public int StrideX { get; }

    /// <summary>Pixel-integrated Hermite functions along x; shape [GhDegX+1, StrideX].</summary>
    public double[] Px { get; }

    /// <summary>Pixel-integrated Hermite functions along y; shape [GhDegY+1, rows].</summary>
    public double[] Py { get; }

    /// <summary>Py transposed; shape [rows, GhDegY+1].</summary>
    public double[] PyT { get; }

    /// <summary>T = GH·Px; shape [GhDegY+1, StrideX].</summary>
    public double[] T { get; }

    /// <summary>Unnormalised stamp; shape [StampRows, StrideX].</summary>
    public double[] Image { get; }

    /// <summary>Scratch of <see cref="HermiteIntegrals"/>.</summary>
    public double[] Scratch { get; }

    /// <summary>The spot's model parameters (layout <see cref="SpotParameter"/>), padded to 4.</summary>
    public double[] Parameters { get; }
}
