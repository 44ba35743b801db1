namespace GpuExtract.Cpu.LinearAlgebra;

/// <summary>
/// What every call into a Fortran LAPACK routine here shares: the CHARACTER arguments passed by address,
/// the check of a negative INFO, and workspace arrays grown (never shrunk) to a workspace query's answer.
/// </summary>
internal static class FortranLapack
{
    /// <summary>UPLO = 'L'.</summary>
    public const byte Lower = (byte)'L';

    /// <summary>JOBZ = 'V': eigenvalues and eigenvectors.</summary>
    public const byte Vectors = (byte)'V';

    /// <summary>info &lt; 0 means we passed a bad argument: a bug here, not bad data.</summary>
    public static void CheckArgumentInfo(string routine, int info)
    {
        if (info < 0)
        {
            throw new InvalidOperationException($"{routine}: argument {-info} has an illegal value (internal error)");
        }
    }

    /// <summary>Replaces <paramref name="array"/> by one of at least <paramref name="length"/> (and ≥ 1) elements when it is shorter.</summary>
    public static void Grow<T>(ref T[] array, int length)
    {
        if (array.Length < length)
        {
            array = new T[Math.Max(length, 1)];
        }
    }
}
