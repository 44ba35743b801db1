namespace GpuExtract.Fits;

/// <summary>
/// A binary-table column: TTYPEn name, TFORMn format, element type code (L, X, B, I, J, K, A, E, D,
/// C, M; for variable-length columns the type of the heap elements), repeat count, cell shape in
/// numpy order (from TDIMn, else [Repeat]), TUNITn, and whether it is a P/Q variable-length column.
/// </summary>
public sealed record FitsColumn(string Name, string Format, char TypeCode, int Repeat, int[] CellShape, string? Unit, bool IsVariableLength);
