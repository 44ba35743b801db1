namespace GpuExtract.Cuda.Pipeline;

/// <summary>
/// The patch descriptor the kernels read: <see cref="Fields"/> int32 per patch, written by <see cref="BatchLayout"/>.
/// Each constant is the offset of one field and equals the <c>#define</c> of the same meaning in
/// kernels/common.cuh (P_FIBER …); a test parses that header and compares.
/// </summary>
internal static class PatchDescriptor
{
    /// <summary>First fitted fiber, relative to the frame's first fiber (P_FIBER).</summary>
    public const int Fiber = 0;

    /// <summary>Fitted fibers (P_NFIBER).</summary>
    public const int FiberCount = 1;

    /// <summary>First kept fiber, relative to <see cref="Fiber"/> (P_KEEP_OFFSET).</summary>
    public const int KeepOffset = 2;

    /// <summary>Kept fibers (P_KEEP_COUNT).</summary>
    public const int KeepCount = 3;

    /// <summary>First grid wavelength index (P_WAVE).</summary>
    public const int Wave = 4;

    /// <summary>Fitted wavelengths per fiber (P_NWAVE).</summary>
    public const int WaveCount = 5;

    /// <summary>First kept wavelength, relative to <see cref="Wave"/> (P_CORE_OFFSET).</summary>
    public const int CoreOffset = 6;

    /// <summary>Kept wavelengths (P_CORE_COUNT).</summary>
    public const int CoreCount = 7;

    /// <summary>Pixel box [XMin, XMax) × [YMin, YMax) in CCD coordinates (P_XMIN … P_YMAX).</summary>
    public const int XMin = 8;

    public const int XMax = 9;

    public const int YMin = 10;

    public const int YMax = 11;

    /// <summary>First output row of the patch in the batch's output arrays (P_OUTPUT).</summary>
    public const int Output = 12;

    /// <summary>First box pixel of the patch in the batch's pixel arrays (P_PIXELS).</summary>
    public const int Pixels = 13;

    /// <summary>First (patch, kept fiber) problem of the patch (P_PROBLEM).</summary>
    public const int Problem = 14;

    /// <summary>Ints per descriptor, one spare (P_FIELDS).</summary>
    public const int Fields = 16;

    /// <summary>Patch status after the normal equations and the Cholesky factorisation: solved on the device (STATUS_OK).</summary>
    public const int StatusOk = 0;

    /// <summary>No usable pixel: flux 0, ivar 0, identity resolution (STATUS_EMPTY).</summary>
    public const int StatusEmpty = 1;

    /// <summary>Cholesky or eigh failed: the host solves the patch on the CPU (STATUS_FAILED).</summary>
    public const int StatusFailed = 2;
}
