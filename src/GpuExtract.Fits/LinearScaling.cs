namespace GpuExtract.Fits;

/// <summary>
/// physical = stored·Scale + Zero (BSCALE/BZERO for images, TSCALn/TZEROn for table columns), and
/// the stored integer that marks an undefined value (BLANK / TNULLn), read as NaN into real types.
/// </summary>
internal readonly record struct LinearScaling(double Scale, double Zero, long? Blank)
{
    public static readonly LinearScaling Identity = new(1, 0, null);

    public bool IsIdentity => Scale == 1 && Zero == 0;

    /// <summary>True when physical values of integer storage are integers (integral Scale and Zero).</summary>
    public bool IsIntegral => Scale == Math.Floor(Scale) && Zero == Math.Floor(Zero) && Math.Abs(Scale) < 9.2233720368547758E18 && Math.Abs(Zero) < 1.8446744073709552E19;
}
