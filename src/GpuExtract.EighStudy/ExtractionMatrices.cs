using System.Globalization;
using GpuExtract.Core.Extraction;
using GpuExtract.Core.Planning;
using GpuExtract.Core.Psf;
using GpuExtract.Core.Simulation;
using GpuExtract.Cpu.Extraction;
using GpuExtract.Cpu.LinearAlgebra;
using GpuExtract.Fits;

namespace GpuExtract.EighStudy;

/// <summary>One symmetric matrix that extraction decomposes, with where it came from.</summary>
/// <param name="Kind"><see cref="ExtractionMatrices.PatchKind"/> (a patch's iCov) or <see cref="ExtractionMatrices.BlockKind"/> (one fiber's block C_bb of iCov⁻¹).</param>
/// <param name="N">Order n.</param>
/// <param name="Matrix">n × n, row-major, exactly symmetric.</param>
/// <param name="Label">e.g. "patch 7 fibers 9-15 waves 131-204" or "patch 7 fiber 11".</param>
public sealed record ExtractionMatrix(string Kind, int N, double[] Matrix, string Label);

/// <summary>
/// The matrices the extraction engine decomposes, exported from a simulated frame for the eigh study: for a
/// few patches of a subbundle of 7 fitted fibers (5 kept + 2 neighbours), the patch's regularised
/// iCov = AᵀWA + diag(r²) (n = 7·nwave ≈ 520; eigh'd whole for noise decorrelation or when Cholesky fails) and
/// the kept fibers' diagonal blocks C_bb of C = iCov⁻¹ (n = nwave ≈ 74; the batched eigh of signal
/// decorrelation, DESIGN §1.5). The frame is <see cref="FrameSimulator"/>'s with the built-in synthetic PSF,
/// planned by <see cref="PatchPlanner"/> and accumulated by the CPU solver's own normal equations, so these are
/// exactly the matrices extraction meets. Stored as FITS (one image HDU per matrix, EXTNAME ICOV or CBLOCK),
/// gzip-compressed: iCov is banded and mostly zeros.
/// </summary>
public static class ExtractionMatrices
{
    /// <summary>Kind of a whole-patch iCov (FITS EXTNAME ICOV).</summary>
    public const string PatchKind = "icov";

    /// <summary>Kind of a per-fiber block of iCov⁻¹ (FITS EXTNAME CBLOCK).</summary>
    public const string BlockKind = "cblock";

    /// <summary>The committed fixture, relative to the repository root.</summary>
    public const string FixturePath = "perf/results/eigh-extraction-matrices.fits.gz";

    /// <summary>What <see cref="Simulate"/> simulates: fibers 0-24 (one bundle), 6000-6119.2 Å (150 bins, three patches along λ).</summary>
    public const int SimulatedFibers = 25;

    /// <summary>Extraction grid of the simulation [Å]: WMIN, WMAX, DW.</summary>
    public const double WaveMin = 6000.0, WaveMax = 6119.2, WaveStep = 0.8;

    /// <summary>
    /// Simulates a one-bundle frame (seed <paramref name="seed"/>, built-in synthetic PSF), plans it as
    /// extraction does, and returns iCov and the kept C_bb blocks of <paramref name="patches"/> patches with
    /// 7 fitted fibers, the middle wavelength patch of different subbundles.
    /// </summary>
    public static IReadOnlyList<ExtractionMatrix> Simulate(int seed = 1, int patches = 2, Func<ILapack>? lapackFactory = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patches, 1);
        ILapack lapack = (lapackFactory ?? LapackProvider.CreateFactory(LapackChoice.Auto, out _))();
        GaussHermitePsf psf = SyntheticPsf.Default;
        var simulation = new SimulationOptions
        {
            FiberMin = 0,
            FiberCount = SimulatedFibers,
            WaveMin = WaveMin,
            WaveMax = WaveMax,
            WaveStep = WaveStep,
            Seed = seed,
        };
        SimulatedFrame simulated = FrameSimulator.Simulate(psf, simulation, SyntheticPsf.BuiltInName);
        var options = new ExtractionOptions
        {
            Wavelengths = ExtractionOptions.LinearGrid(WaveMin, WaveMax, WaveStep),
            SpecMin = 0,
            NSpec = SimulatedFibers,
        };
        PatchPlan plan = PatchPlanner.Plan(psf, options);
        var frame = new FrameInput
        {
            NPixX = simulated.Image.NPixX,
            NPixY = simulated.Image.NPixY,
            Image = simulated.Image.Image,
            Weight = simulated.Image.ComputeWeights(),
            Psf = psf,
            FiberStart = 0,
            FiberCount = SimulatedFibers,
            GridWavelengths = plan.GridWavelengths,
            HalfDiagonals = plan.HalfDiagonals,
            PsfError = psf.PsfError,
        };
        SpotTable spots = psf.EvaluateSpots(0, SimulatedFibers, plan.GridWavelengths);

        var result = new List<ExtractionMatrix>();
        var stamps = new PatchStamps();
        foreach (int p in ChoosePatches(plan.Patches, patches))
        {
            PatchBatch batch = plan.Patches;
            stamps.Load(frame, spots, batch, p);
            int n = stamps.UnknownCount;
            int nw = stamps.WaveCount;
            var icov = new double[n * n];
            var y = new double[n];
            var fluxWeight = new double[n];
            NormalEquations.Accumulate(stamps, icov, y, fluxWeight);
            NormalEquations.Regularize(icov, fluxWeight, frame.Regularize, n);
            int firstFiber = batch.FiberStart[p];
            int waveStart = batch.WaveStart[p];
            result.Add(new ExtractionMatrix(PatchKind, n, (double[])icov.Clone(),
                string.Create(CultureInfo.InvariantCulture, $"patch {p} fibers {firstFiber}-{firstFiber + batch.FiberCount[p] - 1} waves {waveStart}-{waveStart + nw - 1}")));

            // C = iCov⁻¹ as the solver forms it (Cholesky, then the inverse), then each kept fiber's block.
            if (!lapack.CholeskyFactor(icov, n))
            {
                throw new InvalidOperationException($"iCov of patch {p} is not positive definite; cannot form its covariance blocks");
            }
            lapack.CholeskyInverse(icov, n);
            for (int a = 0; a < batch.KeepFiberCount[p]; a++)
            {
                int offset = (batch.KeepFiberOffset[p] + a) * nw;
                var block = new double[nw * nw];
                for (int r = 0; r < nw; r++)
                {
                    icov.AsSpan((offset + r) * n + offset, nw).CopyTo(block.AsSpan(r * nw, nw));
                }
                Symmetrize(block, nw);
                result.Add(new ExtractionMatrix(BlockKind, nw, block,
                    string.Create(CultureInfo.InvariantCulture, $"patch {p} fiber {firstFiber + batch.KeepFiberOffset[p] + a}")));
            }
        }
        return result;
    }

    /// <summary>Writes <paramref name="matrices"/> as FITS (gzip-compressed when the name ends in .gz).</summary>
    public static void Write(string path, IReadOnlyList<ExtractionMatrix> matrices, int seed)
    {
        FitsWriter.WriteFile(path, writer =>
        {
            var primary = new FitsHeader();
            primary.Set("ORIGIN", "gpuextract eigh-bench", "eigh study input matrices");
            primary.Set("SIMSEED", seed, "FrameSimulator seed");
            primary.Set("SIMPSF", SyntheticPsf.BuiltInName, "PSF of the simulation");
            primary.Set("WAVEMIN", WaveMin, "extraction grid start [Angstrom]");
            primary.Set("WAVEMAX", WaveMax, "extraction grid end [Angstrom]");
            primary.Set("WAVESTEP", WaveStep, "extraction grid step [Angstrom]");
            primary.Set("NSPEC", SimulatedFibers, "fibers simulated and planned (0 to NSPEC-1)");
            primary.AddComment("ICOV: a patch's regularised inverse covariance A^T W A + diag(r^2).");
            primary.AddComment("CBLOCK: one kept fiber's diagonal block of iCov^-1 (signal decorrelation).");
            writer.WriteEmptyPrimary(primary);
            int icovCount = 0, blockCount = 0;
            foreach (ExtractionMatrix m in matrices)
            {
                var header = new FitsHeader();
                bool isPatch = m.Kind == PatchKind;
                header.Set("EXTNAME", isPatch ? "ICOV" : "CBLOCK");
                header.Set("EXTVER", isPatch ? ++icovCount : ++blockCount);
                header.Set("MATLABEL", m.Label, "where the matrix comes from");
                writer.WriteImage<double>(header, m.Matrix, [m.N, m.N]);
            }
        });
    }

    /// <summary>Reads a file written by <see cref="Write"/>; throws <see cref="FitsFormatException"/> for anything else.</summary>
    public static IReadOnlyList<ExtractionMatrix> Read(string path)
    {
        using FitsFile file = FitsFile.Open(path);
        var result = new List<ExtractionMatrix>();
        foreach (FitsHdu hdu in file.Hdus)
        {
            string? kind = hdu.Name switch { "ICOV" => PatchKind, "CBLOCK" => BlockKind, _ => null };
            if (kind is null)
            {
                continue;
            }
            if (hdu.Shape.Length != 2 || hdu.Shape[0] != hdu.Shape[1] || hdu.Shape[0] < 1)
            {
                throw new FitsFormatException($"{path}: HDU {hdu.Index} ({hdu.Name}) is not a square matrix (shape [{string.Join(", ", hdu.Shape)}])");
            }
            double[] matrix = hdu.ReadImage<double>();
            result.Add(new ExtractionMatrix(kind, hdu.Shape[0], matrix, hdu.Header.GetStringOrNull("MATLABEL") ?? $"HDU {hdu.Index}"));
        }
        if (result.Count == 0)
        {
            throw new FitsFormatException($"{path}: no ICOV or CBLOCK HDU; not an eigh-study matrix file");
        }
        return result;
    }

    /// <summary>
    /// The committed fixture (<see cref="FixturePath"/> under the repository this build came from) when it is
    /// there, else a fresh <see cref="Simulate"/> (a few seconds); <paramref name="source"/> says which.
    /// </summary>
    public static IReadOnlyList<ExtractionMatrix> Load(string? path, out string source)
    {
        if (path is not null)
        {
            source = path;
            return Read(path);
        }
        string? committed = CommittedFixture();
        if (committed is not null)
        {
            source = committed;
            return Read(committed);
        }
        source = "simulated now (seed 1; the committed fixture is not next to this build)";
        return Simulate();
    }

    /// <summary>The committed fixture's full path, or null when this build is not inside the repository.</summary>
    public static string? CommittedFixture()
    {
        foreach (var attribute in typeof(ExtractionMatrices).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false))
        {
            if (attribute is System.Reflection.AssemblyMetadataAttribute { Key: "GpuExtract.RepositoryRoot", Value: string root })
            {
                string candidate = Path.Combine(root, FixturePath);
                return File.Exists(candidate) ? candidate : null;
            }
        }
        return null;
    }

    /// <summary>
    /// Up to <paramref name="count"/> patches with 7 fitted fibers, each from a different subbundle (the middle
    /// subbundles first) and each its subbundle's middle wavelength patch, away from the grid's ends.
    /// </summary>
    private static List<int> ChoosePatches(PatchBatch batch, int count)
    {
        var bySubbundle = new SortedDictionary<int, List<int>>();
        for (int p = 0; p < batch.Count; p++)
        {
            if (batch.FiberCount[p] == 7)
            {
                if (!bySubbundle.TryGetValue(batch.FiberStart[p], out List<int>? list))
                {
                    bySubbundle[batch.FiberStart[p]] = list = [];
                }
                list.Add(p);
            }
        }
        if (bySubbundle.Count == 0)
        {
            throw new InvalidOperationException("the simulated bundle has no patch with 7 fitted fibers");
        }
        List<List<int>> subbundles = [.. bySubbundle.Values];
        var chosen = new List<int>();
        int middle = (subbundles.Count - 1) / 2;
        for (int i = 0; i < subbundles.Count && chosen.Count < count; i++)
        {
            // middle, middle+1, middle-1, middle+2, ...
            int s = middle + (i % 2 == 1 ? (i + 1) / 2 : -(i / 2));
            if (s < 0 || s >= subbundles.Count)
            {
                continue;
            }
            List<int> patches = subbundles[s];
            patches.Sort((a, b) => batch.WaveStart[a].CompareTo(batch.WaveStart[b]));
            chosen.Add(patches[patches.Count / 2]);
        }
        return chosen;
    }

    /// <summary>B ← (B + Bᵀ)/2: dpotri's inverse is symmetric only to rounding.</summary>
    private static void Symmetrize(Span<double> block, int n)
    {
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                double mean = 0.5 * (block[i * n + j] + block[j * n + i]);
                block[i * n + j] = mean;
                block[j * n + i] = mean;
            }
        }
    }
}
