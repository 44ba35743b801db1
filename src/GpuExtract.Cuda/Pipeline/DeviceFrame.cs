using GpuExtract.Core.Extraction;
using GpuExtract.Core.Psf;
using GpuExtract.Cuda.Device;

namespace GpuExtract.Cuda.Pipeline;

/// <summary>
/// What stays on the device for a whole frame: the pixels and weights (cleaned as PatchStamps.LoadPixels cleans
/// them: 0 where unusable) and every spot of the frame, evaluated once in one launch (DESIGN §1.5 point 3), in
/// <see cref="SpotTable"/>'s layout: spot (fiber, grid g) at index (fiber − FiberStart)·ngrid + g. Its buffers are
/// the named buffers of a <see cref="DeviceWorkspace"/> kept for frames (apart from the batches' one, whose held
/// memory counts towards the batch budget): the next frame of the same size overwrites them without allocating.
/// </summary>
internal sealed class DeviceFrame
{
    private const int ReachBlock = 128;

    private readonly IComputeDevice _device;
    private readonly DeviceWorkspace _workspace;
    private readonly Dictionary<int, int?> _reach = [];

    private DeviceFrame(IComputeDevice device, DeviceWorkspace workspace, FrameInput frame)
    {
        _device = device;
        _workspace = workspace;
        Frame = frame;
        StampRows = frame.Psf.StampRows;
        StampCols = frame.Psf.StampCols;
        SpotCount = (long)frame.FiberCount * frame.GridWavelengths.Length;
    }

    public FrameInput Frame { get; }

    public int StampRows { get; }

    public int StampCols { get; }

    public long SpotCount { get; }

    /// <summary>IMAGE [electron] as float32, 0 where unusable; [NPixY, NPixX].</summary>
    public DevicePointer Image { get; private set; }

    /// <summary>Weights [electron⁻²] as float32, 0 where unusable; [NPixY, NPixX].</summary>
    public DevicePointer Weight { get; private set; }

    /// <summary>Stamp values, [SpotCount, StampRows, StampCols] float64.</summary>
    public DevicePointer SpotValues { get; private set; }

    /// <summary>Clipped origin and size of every spot, int32 [SpotCount] each.</summary>
    public DevicePointer SpotXMin { get; private set; }

    public DevicePointer SpotYMin { get; private set; }

    public DevicePointer SpotRows { get; private set; }

    public DevicePointer SpotCols { get; private set; }

    /// <summary>
    /// The frame's reach for patches of up to <paramref name="fiberSpan"/> fibers: the most grid steps between two
    /// spots of fibers less than <paramref name="fiberSpan"/> apart that overlap, computed on the device
    /// (kernels/band.cu spot_reach, mirroring <see cref="SpotReach.Compute"/>) and kept for the frame; null when some
    /// fiber's spots do not advance in y with wavelength, where no band can be promised (the dense solver then runs).
    /// </summary>
    public int? Reach(int fiberSpan)
    {
        if (_reach.TryGetValue(fiberSpan, out int? known))
        {
            return known;
        }
        int? reach = 0;
        if (SpotCount > 0)
        {
            DevicePointer result = _workspace.Take("frame.reach", 2, sizeof(int));
            _device.Clear(result, 2 * sizeof(int));
            _device.Launch("spot_reach", new Dim3((int)((SpotCount + ReachBlock - 1) / ReachBlock)), new Dim3(ReachBlock), 0, new KernelArguments()
                .Add(SpotXMin).Add(SpotYMin).Add(SpotRows).Add(SpotCols).Add(Frame.FiberCount).Add(Frame.GridWavelengths.Length).Add(fiberSpan).Add(result));
            Span<int> values = stackalloc int[2];
            _device.Download<int>(result, values);
            reach = values[1] != 0 ? null : values[0];
        }
        _reach[fiberSpan] = reach;
        return reach;
    }

    /// <summary>Device memory held [bytes].</summary>
    public long Bytes => 2L * Frame.NPixX * Frame.NPixY * sizeof(float) + SpotCount * (StampRows * StampCols * sizeof(double) + 4 * sizeof(int));

    /// <summary>Uploads <paramref name="frame"/>'s pixels and evaluates its spots on <paramref name="device"/>, in <paramref name="workspace"/>'s buffers.</summary>
    public static DeviceFrame Upload(IComputeDevice device, DeviceWorkspace workspace, FrameInput frame, DeviceStageTimes times)
    {
        var result = new DeviceFrame(device, workspace, frame);
        result.UploadPixels(times);
        result.EvaluateSpots(times);
        return result;
    }

    private void UploadPixels(DeviceStageTimes times)
    {
        long start = DeviceStageTimes.Now();
        long pixels = (long)Frame.NPixX * Frame.NPixY;
        Image = _workspace.Take("frame.image", pixels, sizeof(float));
        Weight = _workspace.Take("frame.weight", pixels, sizeof(float));
        _device.Upload<float>(Frame.Image, Image);
        _device.Upload<float>(Frame.Weight, Weight);
        _device.Launch("clean_pixels", new Dim3((int)((pixels + 255) / 256)), new Dim3(256), 0,
            new KernelArguments().Add(Image).Add(Weight).Add(pixels));
        _device.Synchronize("clean_pixels");
        times.Add(DeviceStage.Upload, start, 0);
    }

    private void EvaluateSpots(DeviceStageTimes times)
    {
        long start = DeviceStageTimes.Now();
        GaussHermitePsf psf = Frame.Psf;
        var tables = SpotTables.For(psf, Frame.FiberStart, Frame.FiberCount);
        int ngrid = Frame.GridWavelengths.Length;
        SpotValues = _workspace.Take("frame.spotvalues", SpotCount * StampRows * StampCols, sizeof(double));
        SpotXMin = _workspace.Take("frame.spotxmin", SpotCount, sizeof(int));
        SpotYMin = _workspace.Take("frame.spotymin", SpotCount, sizeof(int));
        SpotRows = _workspace.Take("frame.spotrows", SpotCount, sizeof(int));
        SpotCols = _workspace.Take("frame.spotcols", SpotCount, sizeof(int));
        if (SpotCount == 0)
        {
            return;
        }
        DevicePointer grid = _workspace.Upload<double>("frame.grid", Frame.GridWavelengths);
        DevicePointer xcoef = _workspace.Upload<double>("frame.xcoef", tables.XCoefficients);
        DevicePointer ycoef = _workspace.Upload<double>("frame.ycoef", tables.YCoefficients);
        DevicePointer pcoef = _workspace.Upload<double>("frame.pcoef", tables.ParameterCoefficients);
        DevicePointer coverage = _workspace.Upload<double>("frame.coverage", tables.Coverage);
        var arguments = new KernelArguments()
            .Add(grid).Add(ngrid).Add(Frame.FiberCount)
            .Add(xcoef).Add(tables.XCoefficientCount).Add(tables.XDomain.Min).Add(tables.XDomain.Max)
            .Add(ycoef).Add(tables.YCoefficientCount).Add(tables.YDomain.Min).Add(tables.YDomain.Max)
            .Add(pcoef).Add(tables.ParameterCoefficientCount).Add(tables.ParameterCount).Add(psf.WaveMin).Add(psf.WaveMax)
            .Add(coverage)
            .Add(psf.HalfSizeX).Add(psf.HalfSizeY).Add(psf.GhDegX).Add(psf.GhDegY).Add(psf.NPixX).Add(psf.NPixY)
            .Add(SpotValues).Add(SpotXMin).Add(SpotYMin).Add(SpotRows).Add(SpotCols);
        // One block per spot, 2^20 per grid row (grid.y counts the rows).
        const int RowLength = 1 << 20;
        var gridSize = SpotCount <= RowLength ? new Dim3((int)SpotCount) : new Dim3(RowLength, (int)((SpotCount + RowLength - 1) / RowLength));
        _device.Launch("evaluate_spots", gridSize, new Dim3(SpotTables.BlockSize), tables.SharedBytes(psf), arguments);
        _device.Synchronize("evaluate_spots");
        times.Add(DeviceStage.Spots, start, DeviceWorkModel.SpotFlops(psf) * SpotCount);
    }
}
