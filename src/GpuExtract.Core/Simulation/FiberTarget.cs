namespace GpuExtract.Core.Simulation;

/// <summary>What one fiber looks at in a simulated exposure: its FIBERMAP row and its object spectrum.</summary>
/// <param name="Fiber">Fiber number (0–499 on a DESI spectrograph).</param>
/// <param name="TruthType">SKY, ELG or BGS.</param>
/// <param name="Redshift">Object redshift (0 for sky fibers).</param>
/// <param name="Throughput">Relative fiber throughput (1 ± 2 %), applied to sky and object alike.</param>
/// <param name="Continuum">Object continuum at 900 s [photon/Å]; zero amplitude for sky fibers.</param>
/// <param name="Lines">Object emission lines at 900 s, observed frame [Å, photon].</param>
public sealed record FiberTarget(int Fiber, string TruthType, double Redshift, double Throughput, PowerLawContinuum Continuum, EmissionLine[] Lines)
{
    /// <summary>FIBERMAP OBJTYPE: SKY for sky fibers, TGT for targets.</summary>
    public string ObjType => TruthType == "SKY" ? "SKY" : "TGT";

    /// <summary>
    /// Adds this fiber's photons per bin (sky and object, times throughput and
    /// <paramref name="exposureScale"/> = EXPTIME/900) to <paramref name="binPhotons"/>.
    /// </summary>
    /// <param name="edges">Bin edges [Å]; shape [nbin + 1].</param>
    /// <param name="skyPhotons">The sky per bin at 900 s and throughput 1 (computed once per frame); shape [nbin].</param>
    /// <param name="binPhotons">Photons per bin, accumulated; shape [nbin].</param>
    /// <param name="exposureScale">EXPTIME / 900 s.</param>
    public void AddTo(ReadOnlySpan<double> edges, ReadOnlySpan<double> skyPhotons, Span<double> binPhotons, double exposureScale)
    {
        double scale = exposureScale * Throughput;
        for (int bin = 0; bin < binPhotons.Length; bin++)
        {
            binPhotons[bin] += scale * skyPhotons[bin];
        }
        Continuum.AddTo(edges, binPhotons, scale);
        foreach (var line in Lines)
        {
            line.AddTo(edges, binPhotons, scale);
        }
    }
}
