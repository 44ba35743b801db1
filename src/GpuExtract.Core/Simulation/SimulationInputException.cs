namespace GpuExtract.Core.Simulation;

/// <summary>
/// A simulation request the PSF or the options cannot satisfy (fibers outside the PSF, a wavelength
/// grid outside its domain, a negative exposure); the message is one line naming the value at fault.
/// </summary>
public sealed class SimulationInputException(string message) : Exception(message);
