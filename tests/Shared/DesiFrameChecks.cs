namespace GpuExtract.Testing;

/// <summary>
/// A frame checked as desispec would read it, by astropy and numpy with desispec's formulas recomputed
/// independently (<c>io.frame.write_frame</c>, <c>specscore.compute_frame_scores</c>,
/// <c>scripts.extract.get_chi2pix_mask</c>), against the preproc it came from.
/// </summary>
public static class DesiFrameChecks
{
    /// <summary>
    /// Checks one frame against its preproc; argv: frame, preproc, specmin, nspec, wmin, wmax, dw, and
    /// optionally expect-bad2dfit (some bins must be flagged).
    /// Every failed check raises (the test then fails with the message); prints the figures checked.
    /// </summary>
    public const string Script = """
        import sys, numpy as np
        from astropy.io import fits
        frame, preproc = sys.argv[1], sys.argv[2]
        specmin, nspec = int(sys.argv[3]), int(sys.argv[4])
        wmin, wmax, dw = (float(x) for x in sys.argv[5:8])
        f = fits.open(frame); p = fits.open(preproc)
        names = [h.name for h in f]
        assert names == ['FLUX', 'IVAR', 'MASK', 'WAVELENGTH', 'RESOLUTION', 'FIBERMAP', 'CHI2PIX', 'SCORES'], names
        h = f['FLUX'].header; ph = p[0].header
        # Every HDU-0 keyword of the preproc, with its value (structural and unit keywords describe the HDU).
        skip = {'SIMPLE', 'BITPIX', 'NAXIS', 'NAXIS1', 'NAXIS2', 'EXTEND', 'EXTNAME', 'BUNIT', 'CHECKSUM', 'DATASUM', 'BZERO', 'BSCALE', 'COMMENT', 'HISTORY', ''}
        for k in ph:
            if k in skip: continue
            assert k in h, 'FLUX header lacks preproc keyword ' + k
            if k not in ('NSPEC',):
                assert h[k] == ph[k], (k, h[k], ph[k])
        assert list(ph['COMMENT']) == list(h['COMMENT']) and list(ph['HISTORY']) == list(h['HISTORY'])
        # WAVE* exactly as given (no arithmetic on the stated values).
        assert (h['WAVEMIN'], h['WAVEMAX'], h['WAVESTEP']) == (wmin, wmax, dw), (repr(h['WAVEMIN']), repr(h['WAVEMAX']), repr(h['WAVESTEP']))
        assert h['NSPEC'] == nspec and h['BUNIT'] == 'electron/Angstrom'
        deps = {h['DEPNAM%02d' % i]: h['DEPVER%02d' % i] for i in range(100) if 'DEPNAM%02d' % i in h}
        assert 'gpuextract' in deps, deps
        # FIBERMAP: rows specmin … specmin+nspec−1 of the preproc's 500-row table, header kept.
        fm, pfm = f['FIBERMAP'], p['FIBERMAP']
        assert len(pfm.data) == 500 and len(fm.data) == nspec
        petal = int(ph['CAMERA'][1])
        assert np.array_equal(fm.data['FIBER'], 500 * petal + specmin + np.arange(nspec)), fm.data['FIBER']
        for c in pfm.columns.names:
            assert np.array_equal(fm.data[c], pfm.data[c][specmin:specmin + nspec]), c
        assert fm.header['TILEID'] == pfm.header['TILEID']
        assert h['FIBERMIN'] == fm.data['FIBER'].min()
        # WAVELENGTH is the stated grid (numpy arange, as desispec builds it).
        wave = f['WAVELENGTH'].data.astype('f8')
        assert np.array_equal(wave, np.arange(wmin, wmax + dw / 2, dw))
        flux = f['FLUX'].data.astype('f8'); ivar = f['IVAR'].data.astype('f8')
        # SCORES: desispec's compute_frame_scores(suffix='RAW', flux_per_angstrom=False) recomputed here.
        tophat = {'b': (4000, 5800), 'r': (5800, 7600), 'z': (7600, 9800)}
        m = np.mean(wave); band = 'b' if m <= 5800 else ('z' if m >= 7600 else 'r')
        lo, hi = tophat[band]; sel = (wave >= lo) & (wave < hi); dwave = np.gradient(wave)
        expect = {
            'SUM_RAW_COUNT_' + band.upper(): np.sum(flux[:, sel], axis=1),
            'MEDIAN_RAW_COUNT_' + band.upper(): np.median(flux[:, sel] / dwave[sel], axis=1),
            'MEDIAN_RAW_SNR_' + band.upper(): np.median(np.sqrt(np.clip(ivar[:, sel], 0, None)) * flux[:, sel] / np.sqrt(dwave[sel]), axis=1),
        }
        scores = f['SCORES']
        assert list(scores.columns.names) == list(expect), (scores.columns.names, list(expect))
        worst = 0.0
        for k, v in expect.items():
            got = scores.data[k]
            # FLUX and IVAR are float32 on disk, the scores come from the float64 values: 1e-6 of the column's scale.
            err = np.max(np.abs(got - v)) / max(np.max(np.abs(v)), 1e-30)
            worst = max(worst, err)
            assert err < 1e-6, (k, err)
        comments = [scores.header.comments['TTYPE%d' % (i + 1)] for i in range(3)]
        assert comments[0] == 'sum counts in wave. range %d,%dA' % (lo, hi), comments
        # BAD2DFIT: desispec's get_chi2pix_mask (5x median along wavelength and along fibers) from CHI2PIX.
        chi2 = f['CHI2PIX'].data.astype('f8')
        bad = (chi2 > 5 * np.median(chi2, axis=0)) & (chi2 > 5 * np.median(chi2, axis=1)[:, None])
        flagged = (f['MASK'].data & 128) != 0
        near = (np.abs(chi2 - 5 * np.median(chi2, axis=0)) <= 1e-6 * np.abs(chi2)) | (np.abs(chi2 - 5 * np.median(chi2, axis=1)[:, None]) <= 1e-6 * np.abs(chi2))
        assert np.all((bad == flagged) | near), np.argwhere((bad != flagged) & ~near)[:5]
        if sys.argv[8:] == ['expect-bad2dfit']:
            assert flagged.sum() > 0, 'the unmodelled blob should give BAD2DFIT bins'
        print('ok band %s scores rel.err %.2e bad2dfit %d of %d' % (band, worst, flagged.sum(), flagged.size))
        """;
}
